// 整改与工单: rectifications opened by bad reviews and 12345 tickets, each with the steps the
// signed-in role may take (the workflow refuses a step out of order with 409).
import { ApiError, api, attempt, flash, query } from '../api.js';
import { actions, button, linkedTable, selectOf } from '../components.js';
import { RATINGS, actorText, bj, deptName, DEPARTMENTS, field, h, kv, mount, table } from '../ui.js';

const invalid = (message) => new ApiError(0, { error: 'bad_request', message });

const CASE_STATUS = {
  assigned: '已派单',
  checked: '已核实',
  rectified: '已整改',
  replied: '已回复',
  closed: '已办结',
  appealed: '申诉中',
  dispatched: '已派单',
};
const TICKET_TYPES = { consultation: '咨询', help: '求助', suggestion: '建议', complaint: '投诉', report: '举报', urgent: '紧急' };
const STEP_NAMES = { check: '核实', rectify: '整改', reply: '答复评价人', 'return-visit': '回访', appeal: '申诉', 'appeal-decision': '申诉处理' };
const OUTCOMES = { immediate: '立行立改', deadline: '限期整改', explanation: '解释说明' };
/** Outcomes shown (a dismissed review is not chosen when rectifying: a coordinator's ruling on a dispute). */
const SHOWN = { ...OUTCOMES, dismissed: '申诉成立，差评不予采信' };
const STEPS_BY_ROLE = { department: ['check', 'rectify', 'reply'], hotline: ['return-visit'], coordinator: ['return-visit', 'appeal-decision'] };

let listFilters = {};

export async function renderCases(container, s, parts) {
  if (parts[0] === 'rectification' && parts[1]) return renderRectification(container, s, parts[1]);
  if (parts[0] === 'ticket' && parts[1]) return renderTicket(container, s, parts[1]);
  const kind = h(
    'select',
    { name: 'kind' },
    h('option', { value: '' }, '全部'),
    h('option', { value: 'rectification', selected: listFilters.kind === 'rectification' }, '差评整改'),
    h('option', { value: 'ticket', selected: listFilters.kind === 'ticket' }, '12345 工单'),
  );
  const overdue = h('input', { type: 'checkbox', name: 'overdue', checked: listFilters.overdue === true });
  const list = h('div', {});
  const load = async () => {
    listFilters = { kind: kind.value, overdue: overdue.checked || undefined };
    const { cases } = await api.get(`/v1/cases${query({ ...listFilters, limit: 100 })}`);
    mount(
      list,
      linkedTable(
        ['类型', '申请编号', '责任部门', '状态', '办理期限', '创建时间'],
        cases,
        (c) => `#/operator/cases/${c.kind}/${c.id}`,
        (c) => [
          h('td', {}, c.kind === 'rectification' ? '差评整改' : `工单 · ${TICKET_TYPES[c.type] ?? c.type ?? ''}`),
          h('td', {}, c.applicationId ?? '—'),
          h('td', {}, deptName(c.department)),
          h('td', {}, CASE_STATUS[c.status] ?? c.status),
          h('td', { class: 'nowrap' }, bj(c.dueAt), ' ', c.overdue ? h('span', { class: 'badge bad' }, '已超期') : null),
          h('td', { class: 'nowrap' }, bj(c.createdAt)),
        ],
        '没有整改或工单。',
      ),
    );
  };
  kind.addEventListener('change', () => void attempt(load));
  overdue.addEventListener('change', () => void attempt(load));
  mount(
    container,
    h(
      'div',
      { class: 'card row' },
      field('类型', kind),
      h('label', {}, overdue, ' 只看超期'),
      h('button', { type: 'button', onclick: () => attempt(load) }, '刷新'),
      s.claims.role === 'hotline' ? newTicketForm() : null,
    ),
    list,
  );
  await load();
}

function newTicketForm() {
  const type = h(
    'select',
    { name: 'type' },
    Object.entries(TICKET_TYPES).map(([v, l]) => h('option', { value: v }, l)),
  );
  const subject = h('input', { name: 'subject', size: 30, placeholder: '来电事由' });
  const number = h('input', { name: 'applicationNumber', placeholder: '申请编号（选填）' });
  const item = h('input', { name: 'item', placeholder: '事项代码（选填）', size: 12 });
  const department = selectOf('department', DEPARTMENTS, '按申请自动派单');
  const create = () =>
    attempt(async () => {
      if (!subject.value.trim()) throw invalid('请填写来电事由');
      const body = { type: type.value, subject: subject.value.trim() };
      if (number.value.trim()) body.applicationNumber = number.value.trim().toUpperCase();
      if (item.value.trim()) body.item = item.value.trim();
      if (department.value) body.department = department.value;
      const ticket = await api.post('/v1/tickets', body);
      flash(`工单已派至${deptName(ticket.department)}`);
      location.hash = `#/operator/cases/ticket/${ticket.id}`;
    });
  return h(
    'details',
    {},
    h('summary', {}, '登记 12345 工单'),
    h('div', { class: 'row' }, type, subject, number, item, department, h('button', { type: 'button', class: 'primary', onclick: create }, '派单')),
  );
}

function stepForm(label, onSubmit, extra = []) {
  const text = h('textarea', { name: 'text', placeholder: `${label}内容` });
  return h(
    'div',
    { class: 'card' },
    h('h3', {}, label),
    text,
    h(
      'div',
      { class: 'row' },
      extra.map((x) => x.el),
    ),
    actions(
      button(
        `提交${label}`,
        async () => {
          if (!text.value.trim()) throw invalid(`请填写${label}内容`);
          await onSubmit(text.value.trim(), Object.fromEntries(extra.map((x) => [x.key, x.value()])));
        },
        'primary',
      ),
    ),
  );
}

async function renderRectification(container, s, id) {
  const r = await api.get(`/v1/rectifications/${id}`);
  const reload = () => renderRectification(container, s, id);
  const forms = (STEPS_BY_ROLE[s.claims.role] ?? []).map((step) => {
    const extra = [];
    if (step === 'check') {
      const outcome = h(
        'select',
        { name: 'outcome' },
        Object.entries(OUTCOMES).map(([v, l]) => h('option', { value: v }, l)),
      );
      extra.push({ key: 'outcome', el: field('处理方式', outcome), value: () => outcome.value });
    }
    if (step === 'return-visit') {
      const satisfied = h('input', { type: 'checkbox', name: 'satisfied' });
      extra.push({ key: 'satisfied', el: h('label', {}, satisfied, ' 评价人表示满意'), value: () => satisfied.checked });
    }
    if (step === 'appeal-decision') {
      const reopen = h('input', { type: 'checkbox', name: 'reopen' });
      extra.push({ key: 'reopen', el: h('label', {}, reopen, ' 申诉成立，重新整改'), value: () => reopen.checked });
    }
    return stepForm(
      STEP_NAMES[step],
      async (text, values) => {
        await api.post(`/v1/rectifications/${id}/${step}`, { text, ...values });
        flash(`已提交${STEP_NAMES[step]}`);
        await reload();
      },
      extra,
    );
  });
  mount(
    container,
    h('div', { class: 'spread' }, h('h1', {}, '差评整改'), h('a', { href: '#/operator/cases' }, '返回列表')),
    h(
      'div',
      { class: 'card' },
      kv([
        ['申请编号', r.applicationId],
        ['责任部门', deptName(r.department)],
        ['评价', `${r.rating} 星 · ${RATINGS[r.rating] ?? ''}`],
        ['状态', CASE_STATUS[r.status] ?? r.status],
        ['处理方式', r.outcome ? SHOWN[r.outcome] : null],
        ['超期', r.overdue ? h('span', { class: 'badge bad' }, '已超期') : '否'],
        ['办结', r.closedAt ? bj(r.closedAt) : null],
      ]),
      h('h3', {}, '办理过程'),
      r.steps.length
        ? table(
            ['时间', '环节', '办理人', '内容'],
            r.steps.map((x) =>
              h(
                'tr',
                {},
                h('td', { class: 'nowrap' }, bj(x.at)),
                h('td', {}, STEP_NAMES[x.step] ?? x.step),
                h('td', {}, actorText(x.actor)),
                h(
                  'td',
                  {},
                  Object.values(x.detail ?? {})
                    .filter((v) => typeof v === 'string')
                    .join('；'),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, '尚未处理'),
    ),
    r.status === 'closed' ? null : h('div', { class: 'grid3' }, forms),
  );
}

async function renderTicket(container, s, id) {
  const t = await api.get(`/v1/tickets/${id}`);
  const reload = () => renderTicket(container, s, id);
  const forms = [];
  if (s.claims.role === 'department' && t.status === 'dispatched') {
    forms.push(
      stepForm('答复', async (text) => {
        await api.post(`/v1/tickets/${id}/reply`, { text });
        flash('已答复');
        await reload();
      }),
    );
  }
  if (['hotline', 'coordinator'].includes(s.claims.role) && t.status !== 'closed') {
    const satisfied = h('input', { type: 'checkbox', name: 'satisfied' });
    forms.push(
      stepForm(
        '回访办结',
        async (note, values) => {
          await api.post(`/v1/tickets/${id}/close`, { satisfied: values.satisfied, note });
          flash('工单已办结');
          await reload();
        },
        [{ key: 'satisfied', el: h('label', {}, satisfied, ' 来电人满意'), value: () => satisfied.checked }],
      ),
    );
  }
  mount(
    container,
    h('div', { class: 'spread' }, h('h1', {}, `12345 工单 · ${TICKET_TYPES[t.type] ?? t.type}`), h('a', { href: '#/operator/cases' }, '返回列表')),
    h(
      'div',
      { class: 'card' },
      kv([
        ['事由', t.subject],
        ['申请编号', t.applicationId],
        ['责任部门', deptName(t.department)],
        ['状态', CASE_STATUS[t.status] ?? t.status],
        ['超期', t.overdue ? h('span', { class: 'badge bad' }, '已超期') : '否'],
        ['部门答复', t.reply ? `${t.reply.text}（${bj(t.reply.at)}）` : null],
        ['回访', t.visit ? `${t.visit.satisfied ? '满意' : '不满意'}：${t.visit.note}` : null],
      ]),
    ),
    h('div', { class: 'grid2' }, forms),
  );
}
