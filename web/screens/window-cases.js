// 综合受理窗口, the case desk: 受理审查, 补交材料, 快递单号, 发放结果, 撤回, 重打凭证.
import { ApiError, api, attempt, flash, query } from '../api.js';
import { bundleDef, materialName, requestedMaterials } from '../catalogue.js';
import {
  actions,
  applicationCard,
  button,
  itemsTable,
  linkedTable,
  receiptButton,
  requestedTable,
  screenHeading,
  selectOf,
  withdrawCard,
} from '../components.js';
import { APP_STATUS, CHANNELS, DELIVERY_METHOD, DELIVERY_STATUS, FINAL_APP, appBadge, bj, field, h, kv, mount, table } from '../ui.js';

const invalid = (message, details) => new ApiError(0, { error: 'bad_request', message, details });

export async function renderCases(container) {
  const number = h('input', { name: 'number', placeholder: '申请编号，如 YJS2026…', size: 28 });
  const status = selectOf('status', APP_STATUS, '全部状态');
  const list = h('div', {});
  const load = async () => {
    const { applications } = await api.get(`/v1/applications${query({ status: status.value, limit: 30 })}`);
    mount(
      list,
      linkedTable(
        ['申请编号', '一件事', '申请人', '渠道', '状态', '提交时间'],
        applications,
        (a) => `#/window/case/${a.id}`,
        (a) => [
          h('td', { class: 'nowrap' }, a.number),
          h('td', {}, a.bundle),
          h('td', {}, a.applicant.name),
          h('td', {}, CHANNELS[a.channel] ?? a.channel),
          h('td', {}, appBadge(a.status), a.overdue ? h('span', { class: 'badge bad' }, '已超期') : null),
          h('td', { class: 'nowrap' }, bj(a.createdAt)),
        ],
        '没有办件。',
      ),
    );
  };
  const open = (e) => {
    e.preventDefault();
    if (number.value.trim()) location.hash = `#/window/case/${number.value.trim().toUpperCase()}`;
  };
  status.addEventListener('change', () => void attempt(load));
  mount(
    container,
    h('h1', {}, '办件与出件'),
    h(
      'form',
      { class: 'card row', onsubmit: open },
      field('按申请编号打开', number),
      h('button', { type: 'submit', class: 'primary' }, '打开'),
      field('筛选', status),
    ),
    list,
  );
  await load();
}

/** Accept, or tell every material not in legal form at once, each with its reason. */
function intakeReviewCard(app, def, reload) {
  const rows = app.received.map((code) => ({
    code,
    box: h('input', { type: 'checkbox', name: `not-legal-${code}`, value: code }),
    reason: h('input', { name: `reason-${code}`, placeholder: '不符合法定形式的理由', size: 30 }),
  }));
  const send = (decision) =>
    attempt(async () => {
      const missing = rows.filter((r) => r.box.checked).map((r) => ({ material: r.code, reason: r.reason.value.trim() }));
      if (decision === 'correction' && !missing.length) throw invalid('请勾选不符合法定形式的材料');
      if (missing.some((m) => !m.reason)) throw invalid('请为每份勾选的材料填写理由');
      await api.post(`/v1/applications/${app.id}/intake-review`, decision === 'accept' ? { decision } : { decision, missing });
      flash(decision === 'accept' ? '已受理' : '已一次性告知补正');
      await reload();
    });
  return h(
    'div',
    { class: 'card todo' },
    h('h2', {}, '受理审查'),
    h(
      'p',
      { class: 'muted' },
      `网上提交的材料须审查是否符合法定形式；请于 ${bj(app.intakeReview.due)} 前告知，逾期未告知的自收件之日起即为受理（行政许可法第三十二条）。`,
    ),
    table(
      ['不符合法定形式', '材料', '理由'],
      rows.map((r) => h('tr', {}, h('td', {}, r.box), h('td', {}, materialName(def, r.code)), h('td', {}, r.reason))),
    ),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: () => send('accept') }, '予以受理'),
      h('button', { type: 'button', onclick: () => send('correction') }, '一次告知补正'),
    ),
  );
}

export async function renderCase(container, id) {
  const app = await api.get(`/v1/applications/${encodeURIComponent(id)}`);
  const def = await bundleDef(app.bundle.code, app.bundle.version);
  const reload = () => renderCase(container, id);
  const final = FINAL_APP.includes(app.status);
  const receiptBox = h('div', {});

  const sections = [];
  // 受理审查 (行政许可法 §32): materials received online, judged here for legal form.
  if (app.status === 'received' && app.intakeReview) sections.push(intakeReviewCard(app, def, reload));
  // 补交材料
  const requested = requestedMaterials(app, def);
  if (requested.length && !final) {
    const boxes = requested.map((m) => h('input', { type: 'checkbox', name: `supply-${m.code}`, value: m.code }));
    const supply = () =>
      attempt(async () => {
        const codes = boxes.filter((b) => b.checked).map((b) => b.value);
        if (!codes.length) throw invalid('请勾选收到的材料');
        await api.post(`/v1/applications/${app.id}/supplements`, { materials: codes.map((code) => ({ code })) });
        flash('已登记补交材料');
        await reload();
      });
    sections.push(
      h(
        'div',
        { class: 'card todo' },
        h('h2', {}, '补交材料'),
        requestedTable(requested, boxes, '收到'),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: supply }, '登记补交')),
      ),
    );
  }
  // 送达
  const d = app.delivery;
  const deliveryActions = [];
  /** A delivery event, recorded; the platform checks it (a wrong pickup code is refused there, the window never sees it). */
  const record = (label, event, done) =>
    button(
      label,
      async () => {
        await api.post(`/v1/applications/${app.id}/delivery`, event());
        flash(done);
        await reload();
      },
      'primary',
    );
  if (d.method === 'express' && d.status === 'pending' && final) {
    const tracking = h('input', { name: 'tracking', placeholder: '快递单号' });
    deliveryActions.push(
      field('快递单号', tracking),
      record('登记寄出', () => ({ event: 'shipped', trackingNumber: tracking.value.trim() }), '已登记寄出'),
    );
  }
  if (d.method === 'express' && d.status === 'shipped') deliveryActions.push(record('登记已签收', () => ({ event: 'delivered' }), '已登记签收'));
  if (d.method === 'window' && d.status === 'ready') {
    const code = h('input', { name: 'pickup', placeholder: '申请人出示的取件码', size: 12 });
    deliveryActions.push(
      field('核对取件码', code),
      record('发放结果', () => ({ event: 'picked-up', pickupCode: code.value.trim() }), '结果已发放'),
    );
  }
  sections.push(
    h(
      'div',
      { class: 'card' },
      h('h2', {}, '结果送达（一次出件）'),
      kv([
        ['送达方式', DELIVERY_METHOD[d.method] ?? d.method],
        ['送达状态', DELIVERY_STATUS[d.status] ?? d.status],
        ['寄送地址', d.address],
        ['快递单号', d.trackingNumber],
      ]),
      deliveryActions.length ? h('div', { class: 'actions' }, deliveryActions) : final ? null : h('p', { class: 'muted' }, '全部事项办结后可送达结果。'),
    ),
  );
  // 撤回
  if (!final) {
    sections.push(withdrawCard(app, reload, { title: '代申请人撤回', confirmText: '确认撤回整个申请？未办结的事项将全部取消。', label: '撤回申请', invalid }));
  }

  mount(
    container,
    screenHeading(`办件 ${app.number}`, reload, { href: '#/window/cases', label: '返回列表' }),
    applicationCard(app, [h('h3', {}, '各事项'), itemsTable(app), actions(receiptButton(app, receiptBox, '重打')), receiptBox]),
    sections,
    h('p', { class: 'muted' }, `已收材料：${(app.received ?? []).map((c) => materialName(def, c)).join('、') || '—'}`),
  );
}
