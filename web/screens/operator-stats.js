// 统计分析 (R-8.4): figures and inline SVG charts from GET /v1/stats.
import { api, query } from '../api.js';
import { barChart } from '../chart.js';
import { APP_STATUS, DEPARTMENTS, deptName, field, h, mount, table } from '../ui.js';

const COLORS = { blue: '#1f5fa8', green: '#1e8449', red: '#c0392b', amber: '#d68910', grey: '#9aa1ab', light: '#7fa7d6' };
const pct = (rate) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);
const days = (hours) => (hours === null || hours === undefined ? null : hours / 24);

let filters = {};

export async function renderStats(container, s) {
  const { bundles } = await api.get('/v1/bundles');
  const isDept = s.claims.role === 'department';
  const bundle = h(
    'select',
    { name: 'bundle' },
    h('option', { value: '' }, '全部一件事'),
    bundles.map((b) => h('option', { value: b.code, selected: filters.bundle === b.code }, b.name)),
  );
  const department = isDept
    ? h('select', { name: 'department', disabled: true }, h('option', {}, deptName(s.claims.dept)))
    : h(
        'select',
        { name: 'department' },
        h('option', { value: '' }, '全部部门'),
        Object.entries(DEPARTMENTS).map(([v, l]) => h('option', { value: v, selected: filters.department === v }, l)),
      );
  const from = h('input', { type: 'date', name: 'from', value: filters.from ?? '' });
  const to = h('input', { type: 'date', name: 'to', value: filters.to ?? '' });
  const out = h('div', {});
  const load = async () => {
    filters = { bundle: bundle.value, department: isDept ? undefined : department.value, from: from.value, to: to.value };
    const st = await api.get(`/v1/stats${query(filters)}`);
    draw(out, st, bundles);
  };
  mount(
    container,
    h(
      'form',
      { class: 'card row', onsubmit: (e) => (e.preventDefault(), void load()) },
      field('一件事', bundle),
      field('部门', department),
      field('提交日期从', from),
      field('至', to),
      h('button', { type: 'submit', class: 'primary' }, '统计'),
    ),
    out,
  );
  await load();
}

function draw(out, st, bundles) {
  const bundleName = (code) => bundles.find((b) => b.code === code)?.name ?? code;
  const items = st.items.filter((i) => i.items > 0);
  const itemLabel = (i) => `${i.name ?? i.item}（${deptName(i.department)}）`;
  const outcomes = Object.entries(st.outcomes).filter(([, n]) => n > 0);
  mount(
    out,
    h(
      'div',
      { class: 'figures' },
      h('div', { class: 'figure' }, h('b', {}, st.volume), '办件量'),
      h('div', { class: 'figure' }, h('b', {}, pct(st.completionRate)), `办结率（已办结 ${st.completed} / 已结束 ${st.ended}）`),
      h(
        'div',
        { class: `figure ${st.itemTotals.overdue ? 'bad' : ''}` },
        h('b', {}, st.itemTotals.overdue),
        `超期事项（超期办结 ${st.itemTotals.decidedLate}）`,
      ),
      h(
        'div',
        { class: `figure ${st.badReviews ? 'bad' : ''}` },
        h('b', {}, pct(st.evaluations ? st.badReviewRate : null)),
        `差评率（差评 ${st.badReviews} / 评价 ${st.evaluations}）`,
      ),
    ),
    h(
      'div',
      { class: 'grid2', style: 'margin-top:12px' },
      h(
        'div',
        { class: 'chart', id: 'chart-volume' },
        barChart({
          title: '办件量（按一件事）',
          categories: st.byBundle.map((b) => bundleName(b.bundle)),
          series: [
            { name: '办件量', color: COLORS.blue, values: st.byBundle.map((b) => b.volume) },
            { name: '已办结', color: COLORS.green, values: st.byBundle.map((b) => b.completed) },
          ],
          unit: '件',
        }),
      ),
      h(
        'div',
        { class: 'chart', id: 'chart-handling' },
        barChart({
          title: '办理用时与时限（按事项，天）',
          categories: items.map(itemLabel),
          series: [
            { name: '平均用时', color: COLORS.blue, values: items.map((i) => days(i.handling.averageHours)) },
            { name: 'P90 用时', color: COLORS.light, values: items.map((i) => days(i.handling.p90Hours)) },
          ],
          markers: [
            { name: '法定时限', color: COLORS.red, values: items.map((i) => i.legalDays ?? null) },
            { name: '承诺时限', color: COLORS.amber, values: items.map((i) => i.committedDays ?? null) },
          ],
          unit: '天',
        }),
        h('small', { class: 'muted' }, '用时按自然日计，时限为工作日。'),
      ),
      h(
        'div',
        { class: 'chart', id: 'chart-overdue' },
        barChart({
          title: '超期（按事项）',
          categories: items.map(itemLabel),
          series: [
            { name: '当前超期', color: COLORS.red, values: items.map((i) => i.overdue) },
            { name: '超期办结', color: COLORS.amber, values: items.map((i) => i.decidedLate) },
          ],
          unit: '件',
        }),
      ),
      h(
        'div',
        { class: 'chart', id: 'chart-outcomes' },
        barChart({
          title: '办理结果与好差评',
          categories: [...outcomes.map(([k]) => APP_STATUS[k] ?? k), '评价', '差评'],
          series: [{ name: '件数', color: COLORS.green, values: [...outcomes.map(([, n]) => n), st.evaluations, st.badReviews] }],
          unit: '件',
        }),
      ),
    ),
    h(
      'div',
      { class: 'grid2', style: 'margin-top:12px' },
      h(
        'div',
        { class: 'card' },
        h('h2', {}, '不予批准原因'),
        st.rejections.length
          ? table(
              ['原因', '件数'],
              st.rejections.map((r) => h('tr', {}, h('td', {}, r.reason), h('td', {}, r.count))),
            )
          : h('p', { class: 'muted' }, '无'),
        h('h2', {}, '流转堵点'),
        st.blockages.longest
          ? h(
              'p',
              {},
              `等待最久：${st.blockages.longest.number} 的「${st.blockages.longest.itemName}」（${deptName(st.blockages.longest.department)}），已 ${st.blockages.longest.waitHours.toFixed(1)} 小时`,
            )
          : h('p', { class: 'muted' }, '无在办事项'),
      ),
      h(
        'div',
        { class: 'card' },
        h('h2', {}, '一件事带来的减负'),
        table(
          ['一件事', '办件', '材料', '表单项', '跑动'],
          st.savings.map((x) =>
            h(
              'tr',
              {},
              h('td', {}, x.name),
              h('td', {}, x.applications),
              h(
                'td',
                {},
                `${x.materialsBefore}→${x.materialsAfter}（累计少交 ${x.materialsSaved}${x.materialsShared ? `，其中电子证照免提交 ${x.materialsShared}` : ''}）`,
              ),
              h('td', {}, `${x.fieldsBefore}→${x.fieldsAfter}`),
              h('td', {}, `${x.tripsBefore}→${x.tripsAfter}（累计少跑 ${x.tripsSaved}）`),
            ),
          ),
        ),
      ),
    ),
  );
}
