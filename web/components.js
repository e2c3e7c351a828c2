// Pieces several screens show alike: action buttons, a screen's heading, an application's items,
// the withdrawal card. Labels come from ui.js (and the server's /console/labels.js).
import { api, attempt, flash } from './api.js';
import { CHANNELS, appBadge, appDeadline, bj, deadlineCell, deptName, h, itemBadge, kv, mount, printableFrame, resultView, table } from './ui.js';

/** A button that runs `act`; an error is shown, never thrown. `kind`: 'primary' or 'danger'. */
export const button = (label, act, kind) => h('button', { type: 'button', ...(kind ? { class: kind } : {}), onclick: () => attempt(act) }, label);

/** A row of action buttons. */
export const actions = (...buttons) => h('div', { class: 'actions' }, ...buttons);

/** A screen's heading with a refresh button and, optionally, the way back. */
export const screenHeading = (title, reload, back) =>
  h('div', { class: 'spread' }, h('h1', {}, title), h('div', { class: 'row' }, button('刷新', reload), back ? h('a', { href: back.href }, back.label) : null));

/** The application's items: department, status, deadline, and the result (or the reason it was not granted). */
export const itemsTable = (app, deadlineHeader = '法定期限') =>
  table(
    ['事项', '部门', '状态', deadlineHeader, '结果'],
    app.items.map((i) =>
      h(
        'tr',
        {},
        h('td', {}, i.name),
        h('td', {}, deptName(i.department)),
        h('td', {}, itemBadge(i.status)),
        h('td', {}, deadlineCell(i)),
        h('td', {}, i.status === 'approved' ? resultView(i.result) : (i.reason ?? '')),
      ),
    ),
  );

/** 撤回: the whole application, after a confirmation; its open items are cancelled, its materials returned. */
export function withdrawCard(app, reload, { title, note, confirmText, label, invalid, collapsed = false }) {
  const reason = h('input', { name: 'withdraw-reason', placeholder: '撤回原因', size: 40 });
  const withdraw = async () => {
    if (!reason.value.trim()) throw invalid('请填写撤回原因');
    if (!confirm(confirmText)) return;
    await api.post(`/v1/applications/${app.id}/withdraw`, { reason: reason.value.trim() });
    flash('申请已撤回');
    await reload();
  };
  const body = [note ? h('p', { class: 'muted' }, note) : null, h('div', { class: 'row' }, reason, button(label, withdraw, 'danger'))];
  return collapsed ? h('details', { class: 'card' }, h('summary', {}, title), ...body) : h('div', { class: 'card' }, h('h2', {}, title), ...body);
}

/** Shows the receipt (收件凭证) — while incomplete, the one-time notice (一次性告知书) — ready to print in `box`. */
export function receiptButton(app, box, verb) {
  const title = app.status === 'incomplete' ? '一次性告知书' : '收件凭证';
  return button(`${verb}${title}`, async () => mount(box, printableFrame(await api.html(`/v1/applications/${app.id}/receipt`), title)));
}

/** The application's card: its bundle and status, who applied through which channel, when, its limit and conclusion; then `children`. */
export function applicationCard(app, children = [], { full = false } = {}) {
  return h(
    'div',
    { class: 'card' },
    h('div', { class: 'spread' }, h('h2', {}, app.bundle.name), appBadge(app.status, true)),
    kv([
      ['申请人', `${app.applicant.name}（${app.applicant.idNumber}）`],
      ['渠道', CHANNELS[app.channel] ?? app.channel],
      ['提交', bj(app.createdAt)],
      ['受理', full && app.acceptedAt ? bj(app.acceptedAt) : null],
      ['承诺期限', appDeadline(app)],
      ['办结', full && app.endedAt ? bj(app.endedAt) : null],
      ['结论', app.outcome],
    ]),
    ...children,
  );
}

/** The materials the application still awaits (补交), each with a box to tick, why it is needed and by when. */
export const requestedTable = (requested, boxes, tickHeader, dueHeader = '期限') =>
  table(
    [tickHeader, '材料', '原因', dueHeader],
    requested.map((m, i) => h('tr', {}, h('td', {}, boxes[i]), h('td', {}, m.name), h('td', {}, m.why.join('；')), h('td', { class: 'nowrap' }, bj(m.due)))),
  );

/** A list whose rows open what they show (overdue rows marked); `empty` when there is none. */
export const linkedTable = (headers, rows, hrefOf, cellsOf, empty) =>
  rows.length
    ? table(
        headers,
        rows.map((r) => h('tr', { class: `clickable ${r.overdue ? 'overdue' : ''}`, onclick: () => (location.hash = hrefOf(r)) }, ...cellsOf(r))),
      )
    : h('p', { class: 'muted' }, empty);

/** A select of labelled values, led by an option for none (`noneLabel`). */
export const selectOf = (name, labels, noneLabel) =>
  h(
    'select',
    { name },
    h('option', { value: '' }, noneLabel),
    Object.entries(labels).map(([v, l]) => h('option', { value: v }, l)),
  );
