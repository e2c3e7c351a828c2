// 综合受理窗口, the intake wizard: 一件事 → 情形 → 一次告知 → 一表 → 一套材料 → 提交与凭证.
import { ApiError, api, attempt, query } from '../api.js';
import { bundleDef, materialName, regionOptions, regions } from '../catalogue.js';
import { button } from '../components.js';
import { DELIVERY_METHOD, bj, deptName, field, h, kv, mount, printableFrame, table } from '../ui.js';

const STEPS = ['选择一件事', '情形问答', '一次告知', '一表申请', '一套材料', '提交与凭证'];

const newKey = () => (globalThis.crypto?.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);

function newDraft() {
  return {
    step: 0,
    bundle: null,
    answers: {},
    guide: null,
    applicant: { kind: 'person', name: '', idNumber: '', phone: '' },
    /** 属地: the applicant's county, asked for when an item is decided by the office of the applicant's region. */
    region: '',
    account: '',
    form: {},
    /** Field key → where its value came from (数据共享), while the clerk has not changed it. */
    prefilled: {},
    delivery: { method: 'electronic', address: '' },
    materials: new Set(),
    promises: new Set(),
    committed: false,
    signer: '',
    result: null,
    idempotencyKey: newKey(),
  };
}

let draft = newDraft();

const invalid = (message, details) => new ApiError(0, { error: 'bad_request', message, details });

// --- 属地: the applicant's region ---------------------------------------------------------------

/** Items of the chosen situation decided by the office of the applicant's region (below the bundle's level). */
const localItems = () =>
  (draft.guide?.items ?? [])
    .filter((i) => i.local)
    .map((i) => i.name)
    .join('、');
const needsRegion = () => (draft.guide?.items ?? []).some((i) => i.local);

let regionSelectEl;
/** The county select, filled once the divisions arrive; the ID number's first six digits choose one by default. */
function regionSelect() {
  regionSelectEl = h('select', { name: 'a-region', onchange: (e) => (draft.region = e.target.value) }, h('option', { value: '' }, '请选择区县'));
  const select = regionSelectEl;
  regions().then((list) => {
    for (const { code, label } of regionOptions(list, ['county'])) select.append(h('option', { value: code, selected: code === draft.region }, label));
    regionFromId();
  });
  return select;
}

/** An ID number's first six digits name where it was issued: a sensible default the clerk can change. */
function regionFromId() {
  const code = draft.applicant.idNumber.slice(0, 6);
  if (draft.region || !regionSelectEl || ![...regionSelectEl.options].some((o) => o.value === code)) return;
  draft.region = code;
  regionSelectEl.value = code;
}

// --- the wizard ---------------------------------------------------------------------------------

export async function renderWizard(container) {
  const go = (step) => {
    draft.step = step;
    void renderWizard(container);
    window.scrollTo(0, 0);
  };
  const restart = () => {
    draft = newDraft();
    void renderWizard(container);
  };
  const panel = h('div', { class: 'panel' });
  const steps = h(
    'ol',
    { class: 'steps' },
    STEPS.map((name, i) => h('li', { class: i < draft.step ? 'done' : i === draft.step ? 'current' : '' }, `${i + 1}. ${name}`)),
  );
  const title = draft.bundle ? `综合受理 · ${draft.bundle.name}` : '综合受理';
  mount(
    container,
    h('div', { class: 'spread' }, h('h1', {}, title), draft.step > 0 ? h('button', { type: 'button', onclick: restart }, '重新开始') : null),
    steps,
    panel,
  );
  const stepViews = [chooseBundle, answerQuestions, showGuide, fillForm, tickMaterials, submitAndReceipt];
  await stepViews[draft.step](panel, go, restart);
}

async function chooseBundle(panel, go) {
  const { bundles } = await api.get('/v1/bundles');
  mount(
    panel,
    h('p', { class: 'muted' }, '请根据申请人要办的事选择“一件事”。'),
    h(
      'div',
      { class: 'bundles' },
      bundles.map((b) =>
        h(
          'div',
          { class: 'bundle', 'data-code': b.code },
          h('h3', {}, b.name),
          h('div', { class: 'muted' }, `${b.lifecycle === 'enterprise' ? '企业' : '个人'}生命周期 · ${b.stage} · 第 ${b.version} 版`),
          h('div', {}, `${b.items} 个事项，承诺 ${b.committedDays} 个工作日办结`),
          h(
            'div',
            {},
            button(
              '选择此事项',
              async () => {
                const def = await bundleDef(b.code);
                draft = { ...newDraft(), bundle: def };
                go(1);
              },
              'primary',
            ),
          ),
        ),
      ),
    ),
  );
}

function answerQuestions(panel, go) {
  const questions = draft.bundle.questions ?? [];
  const rows = questions.map((q) => {
    const current = draft.answers[q.key];
    let control;
    if (q.type === 'boolean') {
      const radio = (value, label) =>
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name: `q-${q.key}`, value: String(value), checked: current === value, onchange: () => (draft.answers[q.key] = value) }),
          ` ${label}`,
        );
      control = h('span', { class: 'row' }, radio(true, '是'), radio(false, '否'));
    } else if (q.options?.length) {
      control = h(
        'select',
        { name: `q-${q.key}`, onchange: (e) => (draft.answers[q.key] = e.target.value) },
        h('option', { value: '' }, '请选择'),
        q.options.map((o) => h('option', { value: o, selected: current === o }, o)),
      );
    } else {
      control = h('input', {
        name: `q-${q.key}`,
        type: q.type === 'number' ? 'number' : 'text',
        value: current ?? '',
        oninput: (e) => (draft.answers[q.key] = q.type === 'number' ? Number(e.target.value) : e.target.value),
      });
    }
    return h('tr', { 'data-question': q.key }, h('td', {}, q.label), h('td', {}, control));
  });
  const next = () =>
    attempt(async () => {
      const unanswered = questions.filter((q) => draft.answers[q.key] === undefined || draft.answers[q.key] === '');
      if (unanswered.length)
        throw invalid(
          '请回答全部情形问题',
          unanswered.map((q) => ({ message: q.label })),
        );
      draft.guide = await api.get(`/v1/bundles/${draft.bundle.code}/guide${query({ ...draft.answers, version: draft.bundle.version })}`);
      go(2);
    });
  mount(
    panel,
    h(
      'div',
      { class: 'card' },
      h('h2', {}, '业务情形'),
      h('p', { class: 'muted' }, '根据申请人的情况回答，系统只列出适用的事项和材料（智能导办）。'),
      table(['情形', '回答'], rows),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => go(0) }, '上一步'),
      h('button', { type: 'button', class: 'primary', onclick: next }, '下一步：查看一次告知'),
    ),
  );
}

function showGuide(panel, go) {
  const g = draft.guide;
  const f = g.figures;
  const name = (code) => g.items.find((i) => i.code === code)?.name ?? code;
  mount(
    panel,
    h(
      'div',
      { class: 'figures' },
      h('div', { class: 'figure' }, h('b', {}, `${f.items} 个`), '适用事项'),
      h('div', { class: 'figure' }, h('b', {}, `${f.materialsBefore} → ${f.materialsAfter}`), '申请材料（合并前 → 一套材料）'),
      h('div', { class: 'figure' }, h('b', {}, `${f.fieldsBefore} → ${f.fieldsAfter}`), '填报项（合并前 → 一张表）'),
      h('div', { class: 'figure' }, h('b', {}, `${f.legalDays} → ${f.committedDays}`), '法定时限合计 → 承诺时限（工作日）'),
    ),
    h(
      'div',
      { class: 'card' },
      h(
        'div',
        { class: 'spread' },
        h('h2', {}, '办事指南（一次告知）'),
        h('a', { class: 'button', href: g.url, target: '_blank', rel: 'noopener' }, '打印办事指南（含二维码）'),
      ),
      table(
        ['事项', '实施部门', '类别', '受理条件', '设定依据', '法定/承诺时限', '收费', '办理结果', '前置事项'],
        g.items.map((i) =>
          h(
            'tr',
            {},
            h('td', {}, i.name),
            h('td', {}, i.departmentName ?? deptName(i.department)),
            h('td', {}, i.kind),
            h('td', {}, i.conditions ?? '—'),
            h('td', {}, i.legalBasis ?? '—'),
            h('td', {}, `${i.legalDays} / ${i.committedDays} 个工作日`),
            h('td', {}, i.fee ?? '—'),
            h('td', {}, i.result?.name ?? '—'),
            h('td', {}, i.after.length ? i.after.map(name).join('、') : '—'),
          ),
        ),
      ),
      h('h3', {}, `一套材料（共 ${g.materials.length} 份）`),
      table(
        ['材料', '要求', '容缺', '所涉事项', '样表 / 说明'],
        g.materials.map((m) =>
          h(
            'tr',
            {},
            h('td', {}, m.name),
            h('td', { class: 'nowrap' }, m.required ? '必交' : '选交'),
            h('td', {}, m.deferrable ? `可容缺（${m.deferDays ?? '—'} 个工作日内补交）` : '否'),
            h('td', {}, m.items.map(name).join('、')),
            h('td', {}, m.sample ?? ''),
          ),
        ),
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => go(1) }, '上一步'),
      h('button', { type: 'button', class: 'primary', onclick: () => go(3) }, '下一步：填写申请表'),
    ),
  );
}

/** Data the platform already holds fills the form (数据共享): the guide's, then the applicant's phone. */
function applyPrefill() {
  for (const f of draft.guide.form.fields) {
    if (f.prefilled && draft.form[f.key] === undefined) {
      draft.form[f.key] = f.value;
      draft.prefilled[f.key] = '数据共享';
    }
    const isPhone = /phone/i.test(f.key) || f.label.includes('电话');
    if (isPhone && draft.applicant.phone && (draft.form[f.key] === undefined || draft.prefilled[f.key])) {
      draft.form[f.key] = draft.applicant.phone;
      draft.prefilled[f.key] = '申请人信息';
    }
  }
}

function fillForm(panel, go) {
  applyPrefill();
  const a = draft.applicant;
  const fieldInputs = {};
  const formRows = () =>
    draft.guide.form.fields.map((f) => {
      const value = draft.form[f.key];
      const type = f.type === 'date' ? 'date' : f.type === 'number' ? 'number' : f.type === 'boolean' ? 'checkbox' : 'text';
      const input = h('input', {
        name: `f-${f.key}`,
        type,
        value: type === 'checkbox' ? undefined : (value ?? ''),
        checked: type === 'checkbox' ? value === true : undefined,
        oninput: (e) => {
          draft.form[f.key] = type === 'checkbox' ? e.target.checked : type === 'number' ? Number(e.target.value) : e.target.value;
          delete draft.prefilled[f.key];
          e.target.closest('label')?.classList.remove('prefilled');
          e.target.closest('label')?.querySelector('.tag.blue')?.remove();
        },
      });
      fieldInputs[f.key] = input;
      const source = draft.prefilled[f.key];
      return field(
        h('span', {}, f.label, source ? h('span', { class: 'tag blue', title: '平台已掌握的数据，可核对修改' }, ` 已预填（${source}）`) : null),
        input,
        { required: f.required, className: source ? 'prefilled' : '' },
      );
    });
  const formBox = h('div', { class: 'form-grid' }, formRows());
  const refreshPrefill = () => {
    applyPrefill();
    mount(formBox, formRows());
  };
  const applicantInput = (key, attrs = {}) =>
    h('input', {
      name: `a-${key}`,
      value: a[key] ?? '',
      ...attrs,
      oninput: (e) => {
        a[key] = e.target.value.trim();
        if (key === 'phone') refreshPrefill();
        if (key === 'idNumber') regionFromId();
      },
    });
  const address = h('input', { name: 'delivery-address', value: draft.delivery.address, oninput: (e) => (draft.delivery.address = e.target.value) });
  const addressField = field('寄送地址', address, { required: true });
  addressField.hidden = draft.delivery.method !== 'express';
  const next = () =>
    attempt(async () => {
      const problems = [];
      if (!a.name) problems.push({ field: '申请人姓名', message: '必填' });
      if (!/^[0-9A-Za-z]{6,32}$/.test(a.idNumber))
        problems.push({ field: a.kind === 'person' ? '身份证号码' : '统一社会信用代码', message: '应为 6–32 位数字或字母' });
      if (a.phone && !/^[0-9+\- ]{5,20}$/.test(a.phone)) problems.push({ field: '联系电话', message: '格式不正确' });
      if (needsRegion() && !draft.region) problems.push({ field: '申请人所在区划（属地）', message: '必填' });
      for (const f of draft.guide.form.fields) {
        const v = draft.form[f.key];
        if (f.required && (v === undefined || v === '' || Number.isNaN(v))) problems.push({ field: f.label, message: '必填' });
      }
      if (draft.delivery.method === 'express' && !draft.delivery.address.trim()) problems.push({ field: '寄送地址', message: '快递寄送须填写地址' });
      if (problems.length) throw invalid('请补全申请表', problems);
      if (!draft.signer) draft.signer = a.name;
      go(4);
    });
  mount(
    panel,
    h(
      'div',
      { class: 'card' },
      h('h2', {}, '申请人'),
      h(
        'div',
        { class: 'form-grid' },
        field(
          '申请人类型',
          h(
            'select',
            { name: 'a-kind', onchange: (e) => (a.kind = e.target.value) },
            h('option', { value: 'person', selected: a.kind === 'person' }, '自然人'),
            h('option', { value: 'organisation', selected: a.kind === 'organisation' }, '法人或其他组织'),
          ),
        ),
        field('申请人姓名 / 名称', applicantInput('name'), { required: true }),
        field('身份证号码 / 统一社会信用代码', applicantInput('idNumber'), { required: true }),
        field('联系电话', applicantInput('phone')),
        ...(needsRegion()
          ? [field('申请人所在区划（属地）', regionSelect(), { required: true, hint: `${localItems()} 由申请人所在地的部门办理；默认取身份证号码前六位` })]
          : []),
        field('申请人网上账号', h('input', { name: 'a-account', value: draft.account, oninput: (e) => (draft.account = e.target.value.trim()) }), {
          hint: '申请人在工作台“申请人”身份登录时使用的账号（例如 zhangsan），用于查看进度和评价',
        }),
      ),
    ),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, '一张申请表'),
      h('p', { class: 'muted' }, '各事项共用的信息只填一次；蓝底为平台已掌握、已预填的数据，请与申请人核对。'),
      formBox,
    ),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, '结果送达方式'),
      h(
        'div',
        { class: 'form-grid' },
        field(
          '送达方式',
          h(
            'select',
            {
              name: 'delivery-method',
              onchange: (e) => {
                draft.delivery.method = e.target.value;
                addressField.hidden = e.target.value !== 'express';
              },
            },
            Object.entries(DELIVERY_METHOD).map(([value, label]) => h('option', { value, selected: draft.delivery.method === value }, label)),
          ),
        ),
        addressField,
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => go(2) }, '上一步'),
      h('button', { type: 'button', class: 'primary', onclick: next }, '下一步：核收材料'),
    ),
  );
}

function tickMaterials(panel, go) {
  const g = draft.guide;
  const name = (code) => g.items.find((i) => i.code === code)?.name ?? code;
  const summary = h('p', { class: 'summary' });
  const commitment = h('div', { class: 'card todo' });
  const update = () => {
    const required = g.materials.filter((m) => m.required);
    const missing = required.filter((m) => !draft.materials.has(m.code) && !draft.promises.has(m.code));
    mount(
      summary,
      `已收取 ${draft.materials.size} 份，容缺承诺 ${draft.promises.size} 份`,
      missing.length
        ? h('span', { class: 'badge warn' }, ` 仍缺必交材料 ${missing.length} 份：提交后将出具《材料补正一次性告知书》`)
        : h('span', { class: 'badge ok' }, ' 必交材料齐全（含容缺）'),
    );
    commitment.hidden = draft.promises.size === 0;
    if (draft.promises.size) {
      const promised = g.materials.filter((m) => draft.promises.has(m.code));
      mount(
        commitment,
        h('h3', {}, '容缺受理承诺书'),
        h(
          'p',
          {},
          `本人承诺在规定期限内补交以下材料：${promised.map((m) => `${m.name}（${m.deferDays ?? '—'} 个工作日内）`).join('、')}。`,
          '逾期未补交的，相关事项暂停办理；宽限期满仍未补齐的，予以退件，并承担相应责任。',
        ),
        h(
          'div',
          { class: 'row' },
          field('承诺人', h('input', { name: 'signer', value: draft.signer, oninput: (e) => (draft.signer = e.target.value.trim()) })),
          h(
            'label',
            {},
            h('input', { type: 'checkbox', name: 'committed', checked: draft.committed, onchange: (e) => (draft.committed = e.target.checked) }),
            ' 申请人已阅读并签署书面承诺',
          ),
        ),
      );
    }
  };
  const rows = g.materials.map((m) => {
    const received = h('input', { type: 'checkbox', name: `mat-${m.code}`, checked: draft.materials.has(m.code) });
    const promise = m.deferrable ? h('input', { type: 'checkbox', name: `promise-${m.code}`, checked: draft.promises.has(m.code) }) : null;
    received.addEventListener('change', () => {
      if (received.checked) {
        draft.materials.add(m.code);
        draft.promises.delete(m.code);
        if (promise) promise.checked = false;
      } else draft.materials.delete(m.code);
      update();
    });
    promise?.addEventListener('change', () => {
      if (promise.checked) {
        draft.promises.add(m.code);
        draft.materials.delete(m.code);
        received.checked = false;
      } else draft.promises.delete(m.code);
      update();
    });
    return h(
      'tr',
      { 'data-material': m.code },
      h('td', { class: 'nowrap' }, h('label', {}, received, ' 已收取')),
      h('td', {}, m.name, m.sample ? h('div', { class: 'muted' }, `样表：${m.sample}`) : null),
      h('td', { class: 'nowrap' }, m.required ? '必交' : '选交'),
      h('td', {}, m.items.map(name).join('、')),
      h('td', {}, promise ? h('label', {}, promise, ` 容缺：承诺 ${m.deferDays ?? '—'} 个工作日内补交`) : h('span', { class: 'muted' }, '不可容缺')),
    );
  });
  update();
  const next = () =>
    attempt(async () => {
      if (draft.promises.size && !draft.committed)
        throw invalid('容缺受理须申请人签署书面承诺', [{ field: '承诺书', message: '请勾选“申请人已阅读并签署书面承诺”' }]);
      go(5);
    });
  mount(
    panel,
    h('div', { class: 'card' }, h('h2', {}, '一套材料：逐项核收'), table(['核收', '材料', '要求', '所涉事项', '容缺'], rows), summary),
    commitment,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => go(3) }, '上一步'),
      h('button', { type: 'button', class: 'primary', onclick: next }, '下一步：提交'),
    ),
  );
}

function submissionBody() {
  const fields = draft.guide.form.fields;
  const form = {};
  for (const f of fields) {
    const v = draft.form[f.key];
    if (v !== undefined && v !== '' && !Number.isNaN(v)) form[f.key] = v;
  }
  const a = draft.applicant;
  return {
    bundleCode: draft.bundle.code,
    channel: 'window',
    applicant: { kind: a.kind, idNumber: a.idNumber, name: a.name, ...(a.phone ? { phone: a.phone } : {}) },
    ...(draft.account ? { applicantAccount: draft.account } : {}),
    ...(needsRegion() && draft.region ? { region: draft.region } : {}),
    answers: draft.answers,
    form,
    materials: [...draft.materials].map((code) => ({ code })),
    commitments: [...draft.promises].map((material) => ({ material })),
    delivery: draft.delivery.method === 'express' ? { method: 'express', address: draft.delivery.address } : { method: draft.delivery.method },
  };
}

async function submitAndReceipt(panel, go, restart) {
  if (draft.result) return showResult(panel, restart);
  const g = draft.guide;
  const submit = async (event) => {
    const button = event.target;
    button.disabled = true;
    const result = await attempt(() => api.post('/v1/applications', submissionBody(), { headers: { 'idempotency-key': draft.idempotencyKey } }));
    button.disabled = false;
    if (!result) return;
    draft.result = result;
    go(5);
  };
  mount(
    panel,
    h(
      'div',
      { class: 'card' },
      h('h2', {}, '核对并提交'),
      kv([
        ['一件事', `${draft.bundle.name}（第 ${draft.bundle.version} 版）`],
        ['申请人', `${draft.applicant.name}（${draft.applicant.idNumber}）`],
        ...(needsRegion() ? [['所在区划（属地）', regionSelectEl?.selectedOptions[0]?.textContent ?? draft.region]] : []),
        ['网上账号', draft.account || '（未填写：申请人无法在网上查看进度）'],
        ['适用事项', g.items.map((i) => i.name).join('、')],
        ['已收材料', [...draft.materials].map((c) => materialName(draft.bundle, c)).join('、') || '无'],
        ['容缺承诺', [...draft.promises].map((c) => materialName(draft.bundle, c)).join('、') || '无'],
        ['送达方式', DELIVERY_METHOD[draft.delivery.method]],
      ]),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', onclick: () => go(4) }, '上一步'),
      h('button', { type: 'button', class: 'primary', onclick: submit }, '代申请人提交'),
    ),
  );
}

async function showResult(panel, restart) {
  const r = draft.result;
  const accepted = r.status !== 'incomplete';
  const html = await api.html(`/v1/applications/${r.id}/receipt`);
  mount(
    panel,
    h(
      'div',
      { class: `card ${accepted ? '' : 'todo'}` },
      h('h2', { class: 'outcome' }, accepted ? `已受理，申请编号 ${r.number}` : `材料不齐，未受理：已出具一次性告知书（申请编号 ${r.number}）`),
      accepted
        ? h('p', {}, `已一次分办至 ${r.receipt.items.length} 个事项：${r.receipt.items.map((i) => i.name).join('、')}。`)
        : h(
            'ul',
            {},
            (r.missing ?? []).map((m) => h('li', {}, `${m.name}${m.deferrable ? '（可容缺）' : ''}`)),
          ),
      accepted && r.receipt.promised.length ? h('p', {}, `容缺材料：${r.receipt.promised.map((p) => `${p.name}（${bj(p.due)} 前补交）`).join('、')}`) : null,
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button', href: `#/window/case/${r.id}` }, '查看办件'),
        h('button', { type: 'button', class: 'primary', onclick: restart }, '受理下一件'),
      ),
    ),
    printableFrame(html, accepted ? '收件凭证' : '一次性告知书'),
  );
}

// --- the case desk ------------------------------------------------------------------------------
