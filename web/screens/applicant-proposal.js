// 政策服务免申办, the applicant's side: a service an event proposed (a death registered, a
// retirement age reached), pre-filled from the event, the login and the certificate store. The
// applicant checks the answers and values, ticks the materials, and confirms — or declines.
import { ApiError, api, flash, query } from '../api.js';
import { actions, button, screenHeading } from '../components.js';
import { DELIVERY_METHOD, appBadge, bj, field, h, kv, mount, table } from '../ui.js';

const invalid = (message, details) => new ApiError(0, { error: 'bad_request', message, details });

/** Where a pre-filled value came from, as people read it. */
const sourceLabel = (from) =>
  !from ? null : from.kind === 'event' ? '来自共享事件' : from.kind === 'certificate' ? `来自电子证照「${from.name}」` : '来自登录身份';

export async function renderProposal(container, app, reload) {
  const p = app.proposal;
  const answers = { ...(p.answers ?? {}) };
  const form = { ...(p.form ?? {}) };
  const ticked = new Set();
  const delivery = { method: 'electronic', address: '' };
  const guideBox = h('div', {});

  const loadGuide = async () => {
    const guide = await api.get(`/v1/bundles/${app.bundle.code}/guide${query({ ...answers, version: app.bundle.version })}`);
    mount(guideBox, questions(guide), fields(guide), materials(guide));
  };

  const questions = (guide) => {
    const qs = guide.questions ?? [];
    if (!qs.length) return null;
    return h(
      'div',
      { class: 'card' },
      h('h2', {}, '业务情形'),
      table(
        ['情形', '回答'],
        qs.map((q) =>
          h(
            'tr',
            { 'data-question': q.key },
            h('td', {}, q.label, p.answers?.[q.key] !== undefined ? h('span', { class: 'tag blue' }, ' 已预设') : null),
            h(
              'td',
              { class: 'row' },
              [true, false].map((value) =>
                h(
                  'label',
                  { class: 'choice' },
                  h('input', {
                    type: 'radio',
                    name: `q-${q.key}`,
                    checked: answers[q.key] === value,
                    onchange: async () => {
                      answers[q.key] = value;
                      await loadGuide();
                    },
                  }),
                  value ? ' 是' : ' 否',
                ),
              ),
            ),
          ),
        ),
      ),
    );
  };

  const fields = (guide) =>
    h(
      'div',
      { class: 'card' },
      h('h2', {}, '一表申请'),
      h('p', { class: 'muted' }, '蓝色标注的内容由平台根据共享数据预填，请核对；如有不符可直接修改。'),
      h(
        'div',
        { class: 'form-grid' },
        (guide.form?.fields ?? []).map((f) => {
          const source = form[f.key] === p.form?.[f.key] ? sourceLabel(p.sharedFrom?.[f.key]) : null;
          const type = f.type === 'date' ? 'date' : f.type === 'number' ? 'number' : 'text';
          return field(
            h('span', {}, f.label, source ? h('span', { class: 'tag blue' }, ` 已预填（${source}）`) : null),
            h('input', {
              name: `f-${f.key}`,
              type,
              value: form[f.key] ?? '',
              oninput: (e) => (form[f.key] = type === 'number' ? Number(e.target.value) : e.target.value),
            }),
            { required: f.required, className: source ? 'prefilled' : '' },
          );
        }),
      ),
    );

  const materials = (guide) =>
    h(
      'div',
      { class: 'card' },
      h('h2', {}, '一套材料'),
      table(
        ['', '材料', ''],
        (guide.materials ?? []).map((m) =>
          h(
            'tr',
            { 'data-material': m.code },
            h(
              'td',
              { class: 'nowrap' },
              m.held
                ? h('span', { class: 'badge ok' }, '免提交')
                : h(
                    'label',
                    {},
                    h('input', {
                      type: 'checkbox',
                      name: `mat-${m.code}`,
                      checked: ticked.has(m.code),
                      onchange: (e) => (e.target.checked ? ticked.add(m.code) : ticked.delete(m.code)),
                    }),
                    ' 已上传',
                  ),
            ),
            h('td', {}, m.name, m.held ? h('div', { class: 'muted' }, `电子证照「${m.held.name}」${m.held.number}`) : null),
            h('td', { class: 'nowrap' }, m.required ? '必交' : '选交'),
          ),
        ),
      ),
      field(
        '送达方式',
        h(
          'select',
          { name: 'delivery', onchange: (e) => (delivery.method = e.target.value) },
          Object.entries(DELIVERY_METHOD).map(([value, label]) => h('option', { value }, label)),
        ),
      ),
      field('寄送地址（快递寄送时填写）', h('input', { name: 'delivery-address', oninput: (e) => (delivery.address = e.target.value) })),
    );

  const confirm = async () => {
    const body = {
      answers,
      form: Object.fromEntries(Object.entries(form).filter(([, v]) => v !== '' && v !== undefined)),
      materials: [...ticked].map((code) => ({ code })),
      delivery: delivery.method === 'express' ? { method: 'express', address: delivery.address } : { method: delivery.method },
    };
    const answer = await api.post(`/v1/applications/${app.id}/confirm`, body);
    flash(answer.status === 'incomplete' ? '已提交，仍缺材料：请按一次性告知补齐' : '已确认办理，申请已受理');
    await reload();
  };
  const decline = async () => {
    if (!window.confirm('确认谢绝本次主动服务？谢绝后如需办理，可另行申请。')) return;
    await api.post(`/v1/applications/${app.id}/decline`, { reason: '申请人谢绝' });
    flash('已谢绝');
    await reload();
  };

  mount(
    container,
    screenHeading(app.bundle.name, reload, { href: '#/applicant', label: '我的申请' }),
    h(
      'div',
      { class: 'card todo' },
      h(
        'div',
        { class: 'spread' },
        h('h2', {}, '为您主动推送的服务（免申即享）'),
        h('span', { class: 'app-status' }, '申请状态：', appBadge(app.status, true)),
      ),
      h('p', {}, '平台根据共享的事件信息，为您生成了这件事的申请并预填了已掌握的信息。请核对并补充后确认办理；逾期未确认的，本次主动服务失效。'),
      kv([
        ['申请编号', app.number],
        ['事件', `${EVENT_TYPES[p.event.type] ?? p.event.type}（${bj(p.event.occurredAt)}）`],
        ['生成时间', bj(p.proposedAt)],
        ['请在此前确认', bj(p.expiresAt)],
      ]),
    ),
    guideBox,
    h('div', { class: 'card' }, actions(button('确认办理', confirm, 'primary'), button('谢绝', decline))),
  );
  try {
    await loadGuide();
  } catch (err) {
    throw invalid(`办事指南加载失败：${err.message}`);
  }
}

/** The life events people read (a type not listed shows its code). */
export const EVENT_TYPES = {
  'death-registered': '死亡登记',
  'retirement-age-reached': '达到法定退休年龄',
  'birth-registered': '出生登记',
};
