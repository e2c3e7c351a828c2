// Small helpers shared by the screens: building DOM, Chinese labels, Beijing time, status badges.

/** h('tag', { attr, onclick }, ...children): an element; strings become text (never HTML). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'disabled') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces a container's content. */
export function mount(container, ...children) {
  container.replaceChildren();
  append(container, children);
  return container;
}

/** A labelled form field around an input. */
export function field(label, input, { required = false, hint, className = '' } = {}) {
  return h('label', { class: `field ${className}` }, h('span', { class: required ? 'req' : '' }, label), input, hint ? h('small', {}, hint) : null);
}

export function table(headers, rows) {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((x) => h('th', {}, x)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

/** Definition list from [label, value] pairs (empty values skipped). */
export function kv(pairs) {
  return h(
    'dl',
    { class: 'kv' },
    pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

// --- words --------------------------------------------------------------------------------------

export const ROLE_NAMES = {
  window: '综合受理窗口',
  agent: '帮办代办',
  department: '部门审查',
  applicant: '申请人',
  coordinator: '运营统筹',
  hotline: '12345 热线',
};

export const DEPARTMENTS = {
  wsjk: '卫生健康委员会',
  jkzx: '疾病预防控制中心',
  gaj: '公安局',
  ybj: '医疗保障局',
  rsj: '人力资源和社会保障局',
  mzj: '民政局',
  scjg: '市场监督管理局',
  sw: '税务局',
  xfjy: '消防救援支队',
  gjj: '住房公积金管理中心',
  cgj: '城市管理局',
  cl: '残疾人联合会',
  yc: '烟草专卖局',
  water: '南京水务集团有限公司',
  gas: '南京港华燃气有限公司',
  power: '国网江苏省电力有限公司南京供电分公司',
  net: '基础电信运营企业南京分公司',
};
export const deptName = (code) => DEPARTMENTS[code] ?? code;

export const DELIVERY_METHOD = { electronic: '电子送达（电子证照）', window: '窗口领取', express: '快递寄送' };
export const DELIVERY_STATUS = { pending: '待送达', ready: '待领取', shipped: '已寄出', delivered: '已送达', closed: '已关闭', none: '无需送达' };
import { APP_STATUS, FINAL_ITEM, ITEM_STATUS } from './labels.js';
export { APP_STATUS, CHANNELS, DECISIONS, FINAL_APP, FINAL_ITEM, ITEM_STATUS } from './labels.js';
export const RATINGS = ['', '非常不满意', '不满意', '基本满意', '满意', '非常满意'];

// --- time ---------------------------------------------------------------------------------------

const BEIJING = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant as Beijing time, "2026-11-27 10:05". */
export function bj(iso) {
  if (!iso) return '—';
  const parts = Object.fromEntries(BEIJING.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** Today's date in Beijing, YYYY-MM-DD. */
export function todayBj() {
  return bj(new Date().toISOString()).slice(0, 10);
}

// --- badges -------------------------------------------------------------------------------------

const ITEM_TONE = { approved: 'ok', rejected: 'bad', cancelled: '', waiting: '', in_review: 'run', correction_requested: 'warn', awaiting_material: 'warn' };
const APP_TONE = {
  completed: 'ok',
  partially_completed: 'warn',
  terminated: 'bad',
  withdrawn: '',
  expired: 'bad',
  proposed: 'warn',
  incomplete: 'warn',
  received: 'warn',
  accepted: 'run',
  in_review: 'run',
};

export const itemBadge = (status) => h('span', { class: `badge ${ITEM_TONE[status] ?? ''}`, 'data-status': status }, ITEM_STATUS[status] ?? status);
export const appBadge = (status, big = false) =>
  h('span', { class: `badge ${APP_TONE[status] ?? ''} ${big ? 'big' : ''}`, 'data-status': status }, APP_STATUS[status] ?? status);

/** 'overdue' | 'warned' | 'ok' | null (no running clock) for an item. */
export function timeState(item) {
  if (!item || FINAL_ITEM.includes(item.status) || !item.deadline) return null;
  if (item.overdue || Date.parse(item.deadline) < Date.now()) return 'overdue';
  if (item.warned || (item.warnAt && Date.parse(item.warnAt) <= Date.now())) return 'warned';
  return 'ok';
}

/** The deadline with its marker: red 已超期, amber 即将到期 (colour and text). */
export function deadlineCell(item) {
  const state = timeState(item);
  return h(
    'span',
    { class: 'deadline' },
    item?.deadline ? bj(item.deadline) : '—',
    ' ',
    state === 'overdue' ? h('span', { class: 'badge bad' }, '已超期') : null,
    state === 'warned' ? h('span', { class: 'badge warn' }, '即将到期') : null,
    item?.clock === 'suspended' ? h('span', { class: 'badge' }, '计时中止') : null,
    item?.provisional ? provisionalMark() : null,
  );
}

/** A deadline counted over days whose holiday notice is not yet published (or late December). */
export const provisionalMark = () => h('span', { class: 'badge', title: '期限跨越尚未公布节假日安排的日期，公布后将重新计算' }, '暂定');

/** The application's committed limit (承诺办结期限), marked when provisional. */
export const appDeadline = (app, suffix = '') =>
  app.deadline ? h('span', {}, `${bj(app.deadline)}${suffix}`, app.deadlineProvisional ? [' ', provisionalMark()] : null) : null;

/** Key/value result data as text lines. */
export function resultView(result) {
  const entries = Object.entries(result ?? {});
  if (!entries.length) return h('span', { class: 'muted' }, '（无结果数据）');
  return kv(entries.map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
}

/**
 * A printable page (收件凭证 / 一次性告知书) fetched with the token, shown in a frame with a print
 * button (a plain link could not carry the token).
 */
export function printableFrame(html, title) {
  const frame = h('iframe', { class: 'receipt-frame', title, srcdoc: html });
  return h(
    'div',
    { class: 'printable' },
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => frame.contentWindow?.print() }, `打印${title}`)),
    frame,
  );
}

/** A one-line summary of an actor from the history or a decision. */
export function actorText(actor) {
  if (!actor) return '';
  const parts = [ROLE_NAMES[actor.role] ?? actor.role];
  if (actor.dept) parts.push(deptName(actor.dept));
  if (actor.post) parts.push(`${actor.post}岗${actor.actingFor ? '（代A岗）' : ''}`);
  parts.push(actor.sub);
  return parts.join(' · ');
}
