// 部门待办: the department's tasks with deadlines, warnings and overdue markers; one task's page
// with its materials, the data of earlier items, AB岗 taking, joint sign-offs and the decision.
import { ApiError, api, attempt, flash, query } from '../api.js';
import { bundleDef, materialName, regions } from '../catalogue.js';
import { button, screenHeading } from '../components.js';
import {
  CHANNELS,
  DECISIONS,
  ITEM_STATUS,
  actorText,
  appBadge,
  bj,
  deadlineCell,
  deptName,
  field,
  h,
  itemBadge,
  kv,
  mount,
  resultView,
  table,
  timeState,
} from '../ui.js';

/** A joint procedure on a task's page: its sign-offs and clocks; this department signs (agree or dissent) or, as the lead, resolves a dissent. */
function jointCard(app, j, dept, reload) {
  const standing = j.signedOff.filter((x) => !x.reconsideredAt);
  const signed = standing.some((x) => x.department === dept);
  const dissenters = standing.filter((x) => x.verdict === 'dissent').map((x) => x.department);
  const post = (path, body, done) =>
    attempt(async () => {
      await api.post(`/v1/applications/${app.id}/joint/${j.code}/${path}`, body);
      flash(done);
      await reload();
    });
  const signedText = (x) =>
    `${deptName(x.department)}${x.verdict === 'dissent' ? '不同意' : '同意'}（${bj(x.at)}${x.opinion ? `：${x.opinion}` : ''}）${x.reconsideredAt ? '〔已退回复议〕' : ''}`;
  const clockText = (c) => `${deptName(c.department)} ${bj(c.due)} 前${c.overdue ? '（已超期）' : c.warned ? '（即将到期）' : ''}`;
  const opinion = h('input', { name: 'opinion', placeholder: '会签意见（不同意须说明理由）', size: 40 });
  const verdict = h('select', { name: 'verdict' }, h('option', { value: 'agree' }, '同意'), h('option', { value: 'dissent' }, '不同意'));
  const reason = h('input', { name: 'reason', placeholder: '牵头部门意见', size: 30 });
  const dissenter = h(
    'select',
    { name: 'department' },
    dissenters.map((d) => h('option', { value: d }, deptName(d))),
  );
  const lead = j.lead === dept && !j.completedAt && dissenters.length > 0;
  return h(
    'div',
    { class: 'card joint' },
    h('h2', {}, `联合办理：${j.kind}`),
    kv([
      ['牵头部门', j.lead ? deptName(j.lead) : null],
      ['参与部门', j.departments.map(deptName).join('、')],
      ['会签', j.signedOff.map(signedText).join('；') || '—'],
      ['待会签', j.completedAt ? null : (j.clocks ?? []).map(clockText).join('；') || null],
      ['完成', j.completedAt ? bj(j.completedAt) : '未完成'],
      ['结果', j.completedAt ? (j.outcome === 'rejected' ? '牵头部门决定不予批准' : '全部同意') : null],
    ]),
    j.departments.includes(dept) && !signed && !j.completedAt
      ? h(
          'div',
          { class: 'row actions' },
          verdict,
          opinion,
          h(
            'button',
            {
              type: 'button',
              class: 'primary',
              onclick: () => {
                const body = { verdict: verdict.value, ...(opinion.value.trim() ? { opinion: opinion.value.trim() } : {}) };
                post('sign-offs', body, `${j.kind}已会签`);
              },
            },
            '会签',
          ),
        )
      : null,
    lead
      ? h(
          'div',
          { class: 'row actions' },
          dissenters.length > 1 ? dissenter : null,
          reason,
          h(
            'button',
            {
              type: 'button',
              onclick: () =>
                post(
                  'resolution',
                  { action: 'reconsider', department: dissenter.value || dissenters[0], ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) },
                  '已要求复议',
                ),
            },
            '要求复议',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: () => post('resolution', { action: 'reject', ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) }, '已决定不予批准'),
            },
            '不予批准',
          ),
        )
      : null,
  );
}

const invalid = (message, details) => new ApiError(0, { error: 'bad_request', message, details });

export async function render(container, parts, s) {
  if (parts[0] === 'task' && parts[1] && parts[2]) return renderTask(container, parts[1], parts[2], s);
  return renderList(container, s, parts[0] === 'status' ? parts[1] : undefined);
}

const URGENCY = { overdue: 0, warned: 1, ok: 2 };

async function renderList(container, s, chosen = 'in_review') {
  const dept = s.claims.dept;
  const statuses = ['in_review', 'waiting', 'correction_requested', 'awaiting_material', 'approved', 'rejected', 'cancelled'];
  const status = h(
    'select',
    { name: 'status', onchange: (e) => (location.hash = `#/inbox/status/${e.target.value}`) },
    statuses.map((v) => h('option', { value: v, selected: v === chosen }, ITEM_STATUS[v])),
  );
  const [inbox, divisions] = await Promise.all([api.get(`/v1/departments/${dept}/tasks${query({ status: chosen, limit: 100 })}`), regions().catch(() => [])]);
  const tasks = inbox.tasks;
  // 属地: the office's own region, and the region each task is decided in.
  const regionName = (code) => divisions.find((r) => r.code === code)?.name ?? code;
  // The inbox row has no clock: read each application for its item's deadline, warning and assignee.
  const apps = new Map();
  const load = (id) => {
    if (!apps.has(id))
      apps.set(
        id,
        api.get(`/v1/applications/${encodeURIComponent(id)}`).catch(() => null),
      );
    return apps.get(id);
  };
  const rows = await Promise.all(
    tasks.map(async (task) => {
      const app = await load(task.applicationId);
      return { task, app, item: app?.items.find((i) => i.code === task.item) };
    }),
  );
  rows.sort(
    (a, b) => (URGENCY[timeState(a.item)] ?? 3) - (URGENCY[timeState(b.item)] ?? 3) || String(a.item?.deadline).localeCompare(String(b.item?.deadline)),
  );

  // 联合办理 (8.3.2): those awaiting this department's sign-off, and those it leads (a dissent is its to resolve).
  const procedures = await Promise.all(
    inbox.procedures.map(async (p) => {
      const app = await load(p.applicationId);
      const items = app?.joint?.find((j) => j.code === p.code)?.items ?? [];
      const item = items.find((c) => app.items.find((i) => i.code === c)?.department === dept) ?? items[0];
      return { ...p, item };
    }),
  );
  const count = (state) => rows.filter((r) => timeState(r.item) === state).length;
  mount(
    container,
    h(
      'div',
      { class: 'spread' },
      h('h1', {}, `${deptName(dept)}${s.claims.region ? `（${regionName(s.claims.region)}）` : ''} · 待办任务`),
      h('div', { class: 'row' }, field('事项状态', status), h('button', { type: 'button', onclick: () => void renderList(container, s, chosen) }, '刷新')),
    ),
    h(
      'div',
      { class: 'figures' },
      h('div', { class: 'figure' }, h('b', {}, rows.length), `${ITEM_STATUS[chosen]}事项`),
      h('div', { class: 'figure' }, h('b', { style: 'color:var(--amber)' }, count('warned')), '即将到期'),
      h('div', { class: 'figure bad' }, h('b', {}, count('overdue')), '已超期'),
      h('div', { class: 'figure' }, h('b', {}, procedures.filter((p) => p.awaiting.includes(dept)).length), '待会签'),
      h('div', { class: 'figure' }, h('b', {}, procedures.filter((p) => p.role === 'lead' && p.status === 'disputed').length), '会签分歧'),
    ),
    procedures.length
      ? h(
          'div',
          { class: 'card todo' },
          h('h2', {}, '联合办理'),
          table(
            ['申请编号', '程序', '本部门', '状态', '待会签', '会签期限', '操作'],
            procedures.map((p) =>
              h(
                'tr',
                { class: p.overdue ? 'overdue' : '' },
                h('td', { class: 'nowrap' }, p.number),
                h('td', {}, p.kind),
                h('td', {}, [p.role === 'lead' ? '牵头' : null, p.awaiting.includes(dept) ? '待会签' : null].filter(Boolean).join('·')),
                h(
                  'td',
                  {},
                  p.status === 'disputed'
                    ? h('span', { class: 'badge bad' }, `分歧：${p.dissenters.map(deptName).join('、')}不同意`)
                    : h('span', { class: 'badge' }, '会签中'),
                ),
                h('td', {}, p.awaiting.map(deptName).join('、') || '—'),
                h('td', { class: 'nowrap' }, p.due ? bj(p.due) : '—', p.overdue ? h('span', { class: 'badge bad' }, ' 已超期') : null),
                h(
                  'td',
                  {},
                  p.item
                    ? h(
                        'a',
                        { href: `#/inbox/task/${p.applicationId}/${p.item}` },
                        p.awaiting.includes(dept) ? '去会签' : p.role === 'lead' && p.status === 'disputed' ? '处理分歧' : '查看',
                      )
                    : '—',
                ),
              ),
            ),
          ),
        )
      : null,
    h('h2', {}, '任务列表'),
    rows.length
      ? table(
          ['时限', '申请编号', '一件事', '事项', '属地', '申请人', '开始办理', '法定期限', '领取', ''],
          rows.map(({ task, app, item }) => {
            const state = timeState(item);
            return h(
              'tr',
              {
                class: `clickable task ${state === 'overdue' ? 'overdue' : state === 'warned' ? 'warned' : ''}`,
                'data-application': task.applicationId,
                'data-item': task.item,
                onclick: () => (location.hash = `#/inbox/task/${task.applicationId}/${task.item}`),
              },
              h(
                'td',
                {},
                state === 'overdue'
                  ? h('span', { class: 'badge bad' }, '已超期')
                  : state === 'warned'
                    ? h('span', { class: 'badge warn' }, '即将到期')
                    : state === 'ok'
                      ? h('span', { class: 'badge ok' }, '正常')
                      : '—',
              ),
              h('td', { class: 'nowrap' }, task.number),
              h('td', {}, app?.bundle.name ?? task.bundle),
              h('td', {}, task.itemName, item?.blockedBy?.length ? h('span', { class: 'badge warn' }, ' 待会签') : null),
              h('td', { class: 'nowrap' }, regionName(task.region)),
              h('td', {}, task.applicant ?? '—'),
              h('td', { class: 'nowrap' }, bj(task.startedAt)),
              h('td', { class: 'nowrap' }, item?.deadline ? bj(item.deadline) : '—'),
              h('td', {}, item?.assignee ? `${item.assignee.sub}（${item.assignee.post}岗）` : h('span', { class: 'muted' }, '未领取')),
              h('td', {}, h('a', { href: `#/inbox/task/${task.applicationId}/${task.item}` }, '办理')),
            );
          }),
        )
      : h('p', { class: 'muted empty' }, `没有“${ITEM_STATUS[chosen]}”的任务。`),
  );
}

function decisionForm(app, item, def, reload) {
  const itemDef = def.items.find((i) => i.code === item.code);
  let choice = 'approve';
  const resultRows = h('tbody', {});
  const addRow = (key = '', value = '') =>
    resultRows.append(
      h(
        'tr',
        {},
        h('td', {}, h('input', { name: 'result-key', value: key, placeholder: '项目' })),
        h('td', {}, h('input', { name: 'result-value', value, placeholder: '内容', size: 36 })),
      ),
    );
  addRow('证照编号');
  addRow('备注');
  const offline = h('input', { type: 'checkbox', name: 'offline' });
  const reason = h('textarea', { name: 'reason', placeholder: '理由（不予批准须说明依据；补正须说明缺什么、为什么）' });
  const missing = (itemDef?.materials ?? []).map((m) =>
    h('label', {}, h('input', { type: 'checkbox', name: 'missing', value: m.code }), ` ${materialName(def, m.code)} `),
  );
  const approveBox = h(
    'div',
    { class: 'approve-box' },
    h('p', {}, `办理结果：${itemDef?.result?.name ?? '—'}。填写结果数据（将随结果归集，并提供给后续事项）：`),
    h('table', { class: 'result-table' }, h('thead', {}, h('tr', {}, h('th', {}, '项目'), h('th', {}, '内容'))), resultRows),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'link', onclick: () => addRow() }, '+ 增加一项'),
      h('label', {}, offline, ' 线下流转（补录线下已作出的决定）'),
    ),
  );
  const reasonBox = h('div', {}, reason);
  const missingBox = h('div', { class: 'row' }, h('span', {}, '需补正的材料：'), missing);
  const show = () => {
    approveBox.hidden = choice !== 'approve';
    reasonBox.hidden = choice === 'approve';
    missingBox.hidden = choice !== 'correction';
  };
  const radio = (value) =>
    h(
      'label',
      {},
      h('input', { type: 'radio', name: 'decision', value, checked: value === choice, onchange: () => ((choice = value), show()) }),
      ` ${DECISIONS[value]} `,
    );
  show();
  const submit = () =>
    attempt(async () => {
      const body = { decision: choice };
      if (choice === 'approve') {
        const result = {};
        for (const tr of resultRows.children) {
          const [k, v] = [...tr.querySelectorAll('input')].map((x) => x.value.trim());
          if (k && v) result[k] = v;
        }
        body.result = result;
        if (offline.checked) body.offline = true;
      } else {
        if (!reason.value.trim()) throw invalid(choice === 'reject' ? '不予批准须说明理由' : '补正须说明理由');
        body.reason = reason.value.trim();
      }
      if (choice === 'correction') {
        body.missing = missing
          .map((l) => l.querySelector('input'))
          .filter((x) => x.checked)
          .map((x) => x.value);
        if (!body.missing.length) throw invalid('请勾选需补正的材料');
      }
      await api.post(`/v1/applications/${app.id}/items/${item.code}/decisions`, body);
      flash(`已提交决定：${DECISIONS[choice]}`);
      await reload();
    });
  return h(
    'div',
    { class: 'card decision' },
    h('h2', {}, '作出决定'),
    item.blockedBy?.length ? h('p', { class: 'badge warn' }, '联合办理程序尚未全部会签：会签完成前不能准予') : null,
    h('div', { class: 'row' }, radio('approve'), radio('reject'), radio('correction')),
    approveBox,
    reasonBox,
    missingBox,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: submit }, '提交决定')),
  );
}

async function renderTask(container, id, code, s) {
  const dept = s.claims.dept;
  const app = await api.get(`/v1/applications/${encodeURIComponent(id)}`);
  const def = await bundleDef(app.bundle.code, app.bundle.version);
  const item = app.items.find((i) => i.code === code);
  if (!item) throw new Error(`该申请没有事项 ${code}`);
  const itemDef = def.items.find((i) => i.code === code);
  const reload = () => renderTask(container, id, code, s);
  const mine = item.department === dept;

  // AB岗: take the task.
  let take = null;
  if (mine && item.status === 'in_review') {
    if (!item.assignee) {
      take = button(
        `领取任务（${s.claims.post ?? 'A'}岗）`,
        async () => {
          await api.post(`/v1/applications/${app.id}/items/${code}/take`);
          flash('已领取任务');
          await reload();
        },
        'primary',
      );
    } else {
      take = h('span', { class: 'badge run' }, item.assignee.sub === s.claims.sub ? '已由我领取' : `已由 ${item.assignee.sub}（${item.assignee.post}岗）领取`);
    }
  }
  const abNote =
    s.claims.post === 'B' && item.status === 'in_review'
      ? h(
          'p',
          { class: 'muted' },
          item.postBActive || item.overdue ? 'A岗未在时限内办理，B岗可代为办理。' : `AB岗：A岗办理期限 ${bj(item.postBFrom)} 前，B岗暂不能代为办理。`,
        )
      : null;

  // Materials this item needs, as received, promised (容缺) or missing.
  const materialRows = (itemDef?.materials ?? []).map((m) => {
    const promised = item.promised?.find((p) => p.material === m.code);
    const received = app.received?.includes(m.code) || promised?.receivedAt;
    const state = received
      ? h('span', { class: 'badge ok' }, '已收')
      : promised
        ? h('span', { class: 'badge warn' }, `容缺，${bj(promised.due)} 前补交`)
        : h('span', { class: 'badge bad' }, '未收');
    return h('tr', {}, h('td', {}, materialName(def, m.code)), h('td', { class: 'nowrap' }, m.required ? '必交' : '选交'), h('td', { class: 'nowrap' }, state));
  });

  // Data of the items this one waited for (R-4.1): their results travel with the application.
  const earlier = item.after.map((c) => app.items.find((i) => i.code === c)).filter(Boolean);
  const joints = (app.joint ?? []).filter((j) => j.items.includes(code));

  mount(
    container,
    screenHeading(`${item.name} · ${app.number}`, reload, { href: '#/inbox', label: '返回待办' }),
    mine ? null : h('div', { class: 'card todo' }, `该事项由${deptName(item.department)}办理，本部门只能查看。`),
    h(
      'div',
      { class: 'cols' },
      h(
        'div',
        {},
        h(
          'div',
          { class: 'card' },
          h('div', { class: 'spread' }, h('h2', {}, '事项'), itemBadge(item.status)),
          kv([
            ['一件事', `${app.bundle.name}（第 ${app.bundle.version} 版）`],
            ['申请状态', appBadge(app.status)],
            ['申请人', `${app.applicant.name}（${app.applicant.idNumber}）`],
            ['渠道', CHANNELS[app.channel] ?? app.channel],
            ['开始办理', bj(item.startedAt)],
            ['法定期限', deadlineCell(item)],
            ['承诺期限', item.committedDeadline ? bj(item.committedDeadline) : null],
            ['延长', item.extensionDays ? `${item.extensionDays} 个工作日` : null],
            ['不予批准理由', item.reason],
          ]),
          h('div', { class: 'actions' }, take),
          abNote,
        ),
        h('div', { class: 'card' }, h('h2', {}, '本事项材料'), table(['材料', '要求', '状态'], materialRows)),
        item.correction
          ? h(
              'div',
              { class: 'card' },
              h('h2', {}, '补正'),
              kv([
                ['原因', item.correction.reason],
                ['需补正', item.correction.missing.map((c) => materialName(def, c)).join('、')],
                ['期限', bj(item.correction.dueAt)],
                ['已补', (item.correction.received ?? []).map((c) => materialName(def, c)).join('、') || '—'],
              ]),
            )
          : null,
      ),
      h(
        'div',
        {},
        h(
          'div',
          { class: 'card' },
          h('h2', {}, '前置事项的结果数据'),
          earlier.length
            ? earlier.map((e) =>
                h(
                  'div',
                  { class: 'earlier' },
                  h('h3', {}, `${e.name}（${deptName(e.department)}）`, ' ', itemBadge(e.status)),
                  e.status === 'approved' ? resultView(e.result) : h('p', { class: 'muted' }, '尚无结果'),
                  e.decision ? h('small', {}, `${bj(e.decision.at)} · ${actorText(e.decision.actor)}`) : null,
                ),
              )
            : h('p', { class: 'muted' }, '本事项无前置事项。'),
        ),
        joints.map((j) => jointCard(app, j, dept, reload)),
        mine && item.status === 'in_review' ? decisionForm(app, item, def, reload) : null,
        h(
          'div',
          { class: 'card' },
          h('h2', {}, '办理记录'),
          (item.decisions ?? []).length
            ? table(
                ['时间（北京时间）', '决定', '办理人', '说明'],
                item.decisions.map((d) =>
                  h(
                    'tr',
                    {},
                    h('td', { class: 'nowrap' }, bj(d.at)),
                    h('td', {}, DECISIONS[d.decision] ?? d.decision, d.offline ? '（线下）' : ''),
                    h('td', {}, actorText(d.actor)),
                    h(
                      'td',
                      {},
                      d.reason ??
                        (d.result
                          ? Object.entries(d.result)
                              .map(([k, v]) => `${k}：${v}`)
                              .join('；')
                          : ''),
                    ),
                  ),
                ),
              )
            : h('p', { class: 'muted' }, '尚无决定。'),
        ),
      ),
    ),
  );
}
