// 运营统筹 / 12345: search, one application's timeline with its Temporal UI link, and the views for
// statistics, rectifications and tickets, publishing bundles and the calendar.
import { api, query } from '../api.js';
import { applicationCard, itemsTable } from '../components.js';
import { APP_STATUS, CHANNELS, DEPARTMENTS, actorText, appBadge, bj, deptName, field, h, mount, table } from '../ui.js';
import { renderCases } from './operator-cases.js';
import { renderBundles, renderCalendar } from './operator-catalogue.js';
import { renderStats } from './operator-stats.js';

/** The operator's views and who may open them (the top navigation links to them). */
const TABS = [
  ['#/operator', '办件查询', 'search', ['coordinator', 'hotline']],
  ['#/operator/stats', '统计分析', 'stats', ['coordinator', 'department']],
  ['#/operator/cases', '整改与工单', 'cases', ['coordinator', 'hotline', 'department']],
  ['#/operator/bundles', '一件事发布', 'bundles', ['coordinator']],
  ['#/operator/calendar', '工作日历', 'calendar', ['coordinator']],
];

export async function render(container, parts, s) {
  const role = s.claims.role;
  const allowed = TABS.filter((t) => t[3].includes(role));
  const tab = parts[0] === 'app' ? 'search' : (parts[0] ?? allowed[0][2]);
  if (!allowed.some((t) => t[2] === tab)) {
    location.hash = allowed[0][0];
    return;
  }
  if (parts[0] === 'app' && parts[1]) return renderTimeline(container, parts[1]);
  const views = { search: renderSearch, stats: renderStats, cases: renderCases, bundles: renderBundles, calendar: renderCalendar };
  return views[tab](container, s, parts.slice(1));
}

// --- search ---------------------------------------------------------------------------------------

let lastSearch = {};

async function renderSearch(container) {
  const { bundles } = await api.get('/v1/bundles');
  const input = (name, attrs = {}) => h('input', { name, value: lastSearch[name] ?? '', ...attrs });
  const select = (name, options) =>
    h(
      'select',
      { name },
      h('option', { value: '' }, '全部'),
      Object.entries(options).map(([v, l]) => h('option', { value: v, selected: lastSearch[name] === v }, l)),
    );
  const controls = {
    number: input('number', { placeholder: 'YJS…', size: 22 }),
    status: select('status', APP_STATUS),
    bundle: select('bundle', Object.fromEntries(bundles.map((b) => [b.code, b.name]))),
    department: select('department', DEPARTMENTS),
    applicant: input('applicant', { placeholder: '申请人账号' }),
    from: input('from', { type: 'date' }),
    to: input('to', { type: 'date' }),
    overdue: h('input', { type: 'checkbox', name: 'overdue', checked: lastSearch.overdue === 'true' }),
  };
  const results = h('div', {});
  const search = async (cursor) => {
    lastSearch = Object.fromEntries(Object.entries(controls).map(([k, el]) => [k, el.type === 'checkbox' ? (el.checked ? 'true' : '') : el.value.trim()]));
    const params = { ...lastSearch, number: lastSearch.number.toUpperCase(), limit: 20, cursor };
    const page = await api.get(`/v1/applications${query(params)}`);
    mount(
      results,
      page.applications.length
        ? table(
            ['申请编号', '一件事', '申请人', '渠道', '状态', '涉及部门', '提交时间', '办结时间'],
            page.applications.map((a) =>
              h(
                'tr',
                { class: `clickable ${a.overdue ? 'overdue' : ''}`, 'data-number': a.number, onclick: () => (location.hash = `#/operator/app/${a.id}`) },
                h('td', { class: 'nowrap' }, h('a', { href: `#/operator/app/${a.id}` }, a.number)),
                h('td', {}, bundles.find((b) => b.code === a.bundle)?.name ?? a.bundle),
                h('td', {}, `${a.applicant.name}（${a.applicant.idNumber}）`),
                h('td', {}, CHANNELS[a.channel] ?? a.channel),
                h('td', {}, appBadge(a.status), a.overdue ? h('span', { class: 'badge bad' }, '已超期') : null),
                h('td', {}, a.departments.map(deptName).join('、')),
                h('td', { class: 'nowrap' }, bj(a.createdAt)),
                h('td', { class: 'nowrap' }, a.endedAt ? bj(a.endedAt) : '—'),
              ),
            ),
          )
        : h('p', { class: 'muted' }, '没有符合条件的办件。'),
      page.nextCursor ? h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => void search(page.nextCursor) }, '下一页')) : null,
    );
  };
  mount(
    container,
    h(
      'form',
      { class: 'card', onsubmit: (e) => (e.preventDefault(), void search()) },
      h(
        'div',
        { class: 'grid4' },
        field('申请编号', controls.number),
        field('状态', controls.status),
        field('一件事', controls.bundle),
        field('部门', controls.department),
        field('申请人账号', controls.applicant),
        field('提交日期从', controls.from),
        field('至', controls.to),
        h('label', { class: 'field' }, h('span', {}, '超期'), h('span', {}, controls.overdue, ' 只看有事项超期的')),
      ),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '查询')),
    ),
    results,
  );
  await search();
}

// --- one application: items and the readable timeline ------------------------------------------

/** The entry's details as short text; names already shown in their own column are left out. */
function detailText(detail) {
  return Object.entries(detail ?? {})
    .filter(([k, v]) => k !== 'itemName' && v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join('；');
}

async function renderTimeline(container, id) {
  const [app, history] = await Promise.all([
    api.get(`/v1/applications/${encodeURIComponent(id)}`),
    api.get(`/v1/applications/${encodeURIComponent(id)}/history`),
  ]);
  const itemName = (code) => app.items.find((i) => i.code === code)?.name ?? code ?? '';
  mount(
    container,
    h(
      'div',
      { class: 'spread' },
      h('h1', {}, `办件 ${app.number}`),
      h(
        'div',
        { class: 'row' },
        app.links?.temporal
          ? h('a', { class: 'button primary', href: app.links.temporal, target: '_blank', rel: 'noopener' }, '在 Temporal UI 中查看流程')
          : h('span', { class: 'muted' }, '（未配置 Temporal UI 地址 TEMPORAL_UI_URL）'),
        h('a', { href: '#/operator' }, '返回查询'),
      ),
    ),
    h(
      'div',
      { class: 'grid2' },
      applicationCard(
        app,
        [
          h('h3', {}, '流程（Temporal 工作流）'),
          table(
            ['工作流', '类型', '状态'],
            history.workflows.map((w) =>
              h(
                'tr',
                {},
                h('td', {}, w.link ? h('a', { href: w.link, target: '_blank', rel: 'noopener' }, w.workflowId) : w.workflowId),
                h('td', {}, w.type),
                h('td', {}, w.status),
              ),
            ),
          ),
        ],
        { full: true },
      ),
      h('div', { class: 'card' }, h('h2', {}, '各事项'), itemsTable(app, '期限')),
    ),
    h(
      'div',
      { class: 'card' },
      h('h2', {}, `时间线（${history.timeline.length} 条，北京时间）`),
      h(
        'table',
        { class: 'timeline' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['时间', '事件', '事项', '操作人', '详情'].map((x) => h('th', {}, x)),
          ),
        ),
        h(
          'tbody',
          {},
          history.timeline.map((e) =>
            h(
              'tr',
              { 'data-kind': e.kind },
              h('td', { class: 'nowrap' }, bj(e.at)),
              h('td', {}, e.label),
              h('td', {}, e.item ? itemName(e.item) : ''),
              h('td', {}, actorText(e.actor)),
              h('td', { class: 'muted' }, detailText(e.detail)),
            ),
          ),
        ),
      ),
    ),
  );
}
