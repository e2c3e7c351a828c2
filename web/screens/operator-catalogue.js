// 一件事发布 (publish a new version of a bundle, retire one) and 工作日历 (holidays and 调休).
import { ApiError, api, attempt, flash, showError } from '../api.js';
import { bj, deptName, field, h, mount, table, todayBj } from '../ui.js';

const invalid = (message, details) => new ApiError(0, { error: 'bad_request', message, details });

/** The keys a published definition takes (POST /v1/bundles refuses any other). */
const DEFINITION_KEYS = [
  'code',
  'name',
  'lifecycle',
  'stage',
  'region',
  'leadDepartment',
  'leadPrinciple',
  'committedDays',
  'departments',
  'questions',
  'materials',
  'fields',
  'items',
  'joint',
];

export async function renderBundles(container, _s, parts) {
  const { bundles } = await api.get('/v1/bundles');
  const editor = h('div', { style: 'margin-top:12px' });
  mount(
    container,
    h('h1', {}, '一件事发布'),
    table(
      ['一件事', '代码', '版本', '区划', '事项', '承诺时限', ''],
      bundles.map((b) =>
        h(
          'tr',
          { class: b.code === parts[0] ? 'selected' : '' },
          h('td', {}, b.name),
          h('td', {}, b.code),
          h('td', {}, `第 ${b.version} 版`),
          h('td', {}, b.region),
          h('td', {}, b.items),
          h('td', {}, `${b.committedDays} 个工作日`),
          h('td', {}, h('a', { href: `#/operator/bundles/${b.code}` }, '查看 / 发布新版本')),
        ),
      ),
    ),
    editor,
  );
  if (parts[0]) await renderEditor(editor, parts[0]);
}

async function renderEditor(container, code) {
  const def = await api.get(`/v1/bundles/${encodeURIComponent(code)}`);
  const publishable = Object.fromEntries(DEFINITION_KEYS.filter((k) => def[k] !== undefined).map((k) => [k, def[k]]));
  const text = h('textarea', { name: 'definition', rows: 18, spellcheck: 'false', style: 'font-family:monospace;font-size:12px' });
  text.value = JSON.stringify(publishable, null, 2);
  const itemName = (c) => def.items.find((i) => i.code === c)?.name ?? c;
  const publish = () =>
    attempt(async () => {
      let body;
      try {
        body = JSON.parse(text.value);
      } catch (err) {
        throw invalid('定义不是有效的 JSON', [{ message: err.message }]);
      }
      const res = await api.post('/v1/bundles', body);
      flash(res.created ? `已发布「${res.name}」第 ${res.version} 版；在办申请继续按原版本办理` : `与第 ${res.version} 版相同，未发布新版本`);
      location.hash = `#/operator/bundles/${res.code}`;
    });
  const retire = () =>
    attempt(async () => {
      if (!confirm(`停用「${def.name}」后不再受理新申请，在办申请不受影响。确认停用？`)) return;
      const res = await api.post(`/v1/bundles/${encodeURIComponent(code)}/retire`);
      flash(`已停用 ${res.versions} 个版本（${bj(res.retiredAt)}）`);
      location.hash = '#/operator/bundles';
    });
  mount(
    container,
    h(
      'div',
      { class: 'card' },
      h('h2', {}, `${def.name} · 第 ${def.version} 版`),
      table(
        ['事项', '部门', '法定/承诺', '前置事项', '驳回影响'],
        def.items.map((i) =>
          h(
            'tr',
            {},
            h('td', {}, i.name),
            h('td', {}, deptName(i.department)),
            h('td', {}, `${i.legalDays} / ${i.committedDays} 个工作日`),
            h('td', {}, i.after.map(itemName).join('、') || '—'),
            h('td', {}, i.onReject === 'terminate' ? '终止整件' : '其他事项继续'),
          ),
        ),
      ),
      h('h3', {}, '定义（JSON）：修改后发布为新版本'),
      text,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: publish }, '发布新版本'),
        h('button', { type: 'button', class: 'danger', onclick: retire }, '停用此一件事'),
      ),
    ),
  );
}

// --- calendar -----------------------------------------------------------------------------------

const WEEK = ['一', '二', '三', '四', '五', '六', '日'];

function monthGrid(year, month, holidays, workdays) {
  const first = new Date(Date.UTC(year, month, 1));
  const daysIn = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7;
  const cells = [];
  for (let i = 0; i < lead; i++) cells.push(h('td', {}));
  for (let d = 1; d <= daysIn; d++) {
    const date = `${year}-${String(month + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const weekend = [0, 6].includes(new Date(Date.UTC(year, month, d)).getUTCDay());
    const style = holidays.has(date)
      ? 'background:#fdecea;color:#c0392b;font-weight:600'
      : workdays.has(date)
        ? 'background:#e8f0fb;color:#1f5fa8;font-weight:600'
        : weekend
          ? 'color:#9aa1ab'
          : '';
    cells.push(h('td', { style, title: holidays.has(date) ? '休' : workdays.has(date) ? '班（调休）' : '' }, d));
  }
  const rows = [];
  for (let i = 0; i < cells.length; i += 7) rows.push(h('tr', {}, cells.slice(i, i + 7)));
  return h(
    'div',
    { class: 'month' },
    h('strong', {}, `${month + 1} 月`),
    h(
      'table',
      { style: 'font-size:11px' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          WEEK.map((w) => h('th', { style: 'padding:1px 3px' }, w)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

export async function renderCalendar(container, _s, parts) {
  const year = Number(parts[0]) || Number(todayBj().slice(0, 4));
  let stored = null;
  try {
    stored = await api.get(`/v1/calendar/${year}`);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) showError(err);
  }
  const holidays = h('textarea', { name: 'holidays', rows: 10 });
  const workdays = h('textarea', { name: 'workdays', rows: 10 });
  holidays.value = (stored?.holidays ?? []).join('\n');
  workdays.value = (stored?.workdays ?? []).join('\n');
  const dates = (el) =>
    el.value
      .split(/[\s,，]+/)
      .map((x) => x.trim())
      .filter(Boolean);
  const yearInput = h('input', {
    type: 'number',
    name: 'year',
    value: String(year),
    min: 2000,
    max: 2100,
    onchange: (e) => (location.hash = `#/operator/calendar/${e.target.value}`),
  });
  const save = () =>
    attempt(async () => {
      const res = await api.put(`/v1/calendar/${year}`, { holidays: dates(holidays), workdays: dates(workdays) });
      flash(`已发布 ${year} 年工作日历；${res.reprojected} 件在办申请已按新日历重算期限`);
      await renderCalendar(container, _s, [String(year)]);
    });
  const hs = new Set(dates(holidays));
  const ws = new Set(dates(workdays));
  mount(
    container,
    h('div', { class: 'spread' }, h('h1', {}, `${year} 年工作日历`), field('年份', yearInput)),
    h(
      'p',
      { class: 'muted' },
      stored ? `由 ${stored.publishedBy} 于 ${bj(stored.publishedAt)} 发布。` : '本年度尚未发布：期限按周一至周五临时计算。',
      ' 图例：',
      h('span', { class: 'legend-holiday' }, '放假'),
      ' ',
      h('span', { class: 'legend-workday' }, '调休上班'),
      '，灰色为周末。',
    ),
    h(
      'div',
      { class: 'cols' },
      h(
        'div',
        { class: 'card' },
        field('法定节假日及调休放假日（每行一个日期 YYYY-MM-DD）', holidays),
        field('调休上班日（周末上班）', workdays),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: save }, '发布日历')),
      ),
      h(
        'div',
        { class: 'card grid4', style: 'font-size:12px' },
        Array.from({ length: 12 }, (_, m) => monthGrid(year, m, hs, ws)),
      ),
    ),
  );
}
