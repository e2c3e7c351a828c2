// 申请人: my applications; for one, every item as a progress display with its deadline, what is
// asked of me (补正, 容缺, 一次告知), withdrawal, the results, the delivery and the rating.
import { ApiError, api, flash } from '../api.js';
import { bundleDef, requestedMaterials } from '../catalogue.js';
import { renderProposal } from './applicant-proposal.js';
import { actions, button, receiptButton, requestedTable, screenHeading, withdrawCard } from '../components.js';
import {
  CHANNELS,
  DELIVERY_METHOD,
  DELIVERY_STATUS,
  FINAL_APP,
  ITEM_STATUS,
  RATINGS,
  appBadge,
  bj,
  appDeadline,
  deadlineCell,
  deptName,
  h,
  itemBadge,
  kv,
  mount,
  resultView,
  table,
} from '../ui.js';

const invalid = (message) => new ApiError(0, { error: 'bad_request', message });

export async function render(container, parts) {
  if (parts[0]) return renderApplication(container, parts[0]);
  return renderList(container);
}

async function renderList(container) {
  const { applications } = await api.get('/v1/applications?limit=50');
  const proposed = applications.filter((a) => a.status === 'proposed');
  mount(
    container,
    h('h1', {}, '我的申请'),
    proposed.length
      ? h(
          'div',
          { class: 'card todo', id: 'proposals' },
          h('h2', {}, `为您主动推送的服务（${proposed.length} 项待确认）`),
          h('p', { class: 'muted' }, '平台根据共享的事件信息为您生成了申请并预填了信息，请核对后确认办理或谢绝。'),
          proposed.map((a) => h('p', {}, h('a', { href: `#/applicant/${a.id}` }, `${a.bundle} · ${a.number} · 去确认`))),
        )
      : null,
    applications.length
      ? table(
          ['申请编号', '一件事', '渠道', '状态', '提交时间', ''],
          applications.map((a) =>
            h(
              'tr',
              { class: 'clickable', onclick: () => (location.hash = `#/applicant/${a.id}`) },
              h('td', { class: 'nowrap' }, a.number),
              h('td', {}, a.bundle),
              h('td', {}, CHANNELS[a.channel] ?? a.channel),
              h('td', {}, appBadge(a.status), a.overdue ? h('span', { class: 'badge bad' }, '已超期') : null),
              h('td', { class: 'nowrap' }, bj(a.createdAt)),
              h('td', {}, h('a', { href: `#/applicant/${a.id}` }, '查看进度')),
            ),
          ),
        )
      : h('div', { class: 'card' }, h('p', {}, '您还没有申请。窗口代为提交时，请告知工作人员您的网上账号。')),
  );
}

/** The stages of one item as a progress bar: 受理 → 前置事项 → 部门审查 → 办结. */
function progress(item) {
  const st = item.status;
  const stages = ['已受理', '前置事项', '部门审查', '办结'];
  const at = { waiting: 1, in_review: 2, correction_requested: 2, awaiting_material: 2, approved: 4, rejected: 4, cancelled: 4 }[st] ?? 0;
  return h(
    'div',
    { class: 'progress', 'aria-label': `进度：${ITEM_STATUS[st] ?? st}` },
    stages.map((name, i) => {
      let cls = i < at ? 'done' : i === at ? 'now' : '';
      if (i === 3 && st === 'rejected') cls = 'fail';
      if (i === 3 && st === 'cancelled') cls = 'stop';
      if (i === 3 && st === 'approved') cls = 'done';
      const label = i === 3 && FINAL_ITEM_LABEL[st] ? FINAL_ITEM_LABEL[st] : i === 1 && !item.after.length ? '无前置' : name;
      return h('span', { class: cls }, label);
    }),
  );
}
const FINAL_ITEM_LABEL = { approved: '已办结', rejected: '不予批准', cancelled: '已取消' };

async function renderApplication(container, id) {
  const app = await api.get(`/v1/applications/${encodeURIComponent(id)}`);
  const reload = () => renderApplication(container, id);
  if (app.status === 'proposed' && app.proposal) return renderProposal(container, app, reload);
  const def = await bundleDef(app.bundle.code, app.bundle.version);
  const final = FINAL_APP.includes(app.status);
  const name = (code) => app.items.find((i) => i.code === code)?.name ?? code;

  // What is asked of me.
  const requested = requestedMaterials(app, def);
  let todo = null;
  if (requested.length && !final) {
    const boxes = requested.map((m) => h('input', { type: 'checkbox', name: `supply-${m.code}`, value: m.code }));
    todo = h(
      'div',
      { class: 'card todo' },
      h('h2', {}, '需要您办理'),
      requestedTable(requested, boxes, '补交', '期限（北京时间）'),
      actions(
        button(
          '提交补充材料',
          async () => {
            const codes = boxes.filter((b) => b.checked).map((b) => b.value);
            if (!codes.length) throw invalid('请勾选要补交的材料');
            await api.post(`/v1/applications/${app.id}/supplements`, { materials: codes.map((code) => ({ code })) });
            flash('材料已补交');
            await reload();
          },
          'primary',
        ),
      ),
    );
  }

  const items = app.items.map((i) =>
    h(
      'div',
      { class: 'card item', 'data-item': i.code },
      h('div', { class: 'spread' }, h('h3', {}, `${i.name}`, h('small', {}, ` · ${deptName(i.department)}`)), itemBadge(i.status)),
      progress(i),
      kv([
        ['前置事项', i.status === 'waiting' && i.after.length ? `等待「${i.after.map(name).join('」「')}」办结` : null],
        ['办理期限', i.deadline && !['approved', 'rejected', 'cancelled'].includes(i.status) ? deadlineCell(i) : null],
        ['办结时间', i.decision && ['approved', 'rejected'].includes(i.status) ? bj(i.decision.at) : null],
        [
          '需要您',
          i.status === 'correction_requested'
            ? `补正：${i.correction?.reason ?? ''}`
            : i.status === 'awaiting_material'
              ? '补交承诺的容缺材料后发放结果'
              : null,
        ],
        ['不予批准理由', i.status === 'rejected' ? i.reason : null],
        ['办理结果', i.status === 'approved' ? resultView(i.result) : null],
      ]),
    ),
  );

  const d = app.delivery;
  const receiptBox = h('div', {});
  const sections = [];
  if (final) {
    sections.push(
      h(
        'div',
        { class: 'card results' },
        h('h2', {}, '办理结果'),
        h('p', {}, app.outcome ?? ''),
        kv([
          ['送达方式', DELIVERY_METHOD[d.method] ?? d.method],
          ['送达状态', DELIVERY_STATUS[d.status] ?? d.status],
          ['取件码', d.pickupCode],
          ['快递单号', d.trackingNumber],
        ]),
      ),
    );
    sections.push(ratingForm(app));
  } else {
    sections.push(
      withdrawCard(app, reload, {
        title: '撤回申请',
        note: '撤回后，尚未办结的事项全部取消，已提交的材料退还。',
        confirmText: '确认撤回整个申请？',
        label: '撤回',
        invalid,
        collapsed: true,
      }),
    );
  }

  mount(
    container,
    screenHeading(`${app.bundle.name}`, reload, { href: '#/applicant', label: '我的申请' }),
    h(
      'div',
      { class: 'card' },
      h(
        'div',
        { class: 'spread' },
        h('div', {}, '申请编号 ', h('strong', {}, app.number)),
        h('span', { class: 'app-status' }, '申请状态：', appBadge(app.status, true)),
      ),
      kv([
        ['提交时间', bj(app.createdAt)],
        ['受理时间', app.acceptedAt ? bj(app.acceptedAt) : null],
        ['承诺办结期限', appDeadline(app, '（北京时间）')],
        ['办结时间', app.endedAt ? bj(app.endedAt) : null],
      ]),
      actions(receiptButton(app, receiptBox, '查看')),
      receiptBox,
    ),
    todo,
    h('h2', {}, `各事项进度（${app.items.length} 项）`),
    h('div', { class: 'grid2' }, items),
    sections,
  );
}

function ratingForm(app) {
  const key = `yjs.rated.${app.id}`;
  if (localStorage.getItem(key))
    return h('div', { class: 'card rated' }, h('h2', {}, '服务评价'), h('p', {}, `您已评价：${localStorage.getItem(key)}。感谢您的反馈！`));
  let rating = 0;
  const comment = h('textarea', { name: 'comment', placeholder: '意见或建议（选填）' });
  const box = h('div', { class: 'card rating' });
  mount(
    box,
    h('h2', {}, '服务评价（好差评）'),
    h('p', { class: 'muted' }, '一事一评：请对本次办理作出评价；“不满意”及以下将转交责任部门整改并回访。'),
    h(
      'div',
      { class: 'stars row' },
      [5, 4, 3, 2, 1].map((n) =>
        h('label', {}, h('input', { type: 'radio', name: 'rating', value: String(n), onchange: () => (rating = n) }), ` ${'★'.repeat(n)} ${RATINGS[n]}`),
      ),
    ),
    comment,
    actions(
      button(
        '提交评价',
        async () => {
          if (!rating) throw invalid('请选择满意程度');
          const res = await api.post(`/v1/applications/${app.id}/evaluation`, {
            rating,
            ...(comment.value.trim() ? { comment: comment.value.trim() } : {}),
          });
          localStorage.setItem(key, res.level ?? RATINGS[rating]);
          mount(
            box,
            h('h2', {}, '服务评价'),
            h(
              'p',
              {},
              `评价已提交：${res.level ?? RATINGS[rating]}。`,
              res.rectification ? `已转交${deptName(res.rectification.department)}整改，办结后将回访您。` : '感谢您的反馈！',
            ),
          );
        },
        'primary',
      ),
    ),
  );
  return box;
}
