// The case file's event log: what the workflows and activities record of each
// business event, and the Chinese labels people read. Pure (no Temporal APIs, no I/O): the state
// machines emit these, the activities write them, the API and the old history decoder label with
// the same tables.
import type { ApplicationStatus } from '../application/messages.js';
import { DECISION_KINDS, SUSPENSION_REASONS, type DecideItemInput, type Decision } from '../item/messages.js';
import type { Actor } from './actor.js';
import type { Audience, Notice } from './notices.js';

export type TimelineKind =
  | 'proposed'
  | 'confirmed'
  | 'declined'
  | 'submitted'
  | 'accepted'
  | 'incomplete'
  | 'intake-review'
  | 'supplement'
  | 'dispatched'
  | 'dispatch-failed'
  | 'taken'
  | 'decision'
  | 'joint-signoff'
  | 'joint-completed'
  | 'joint-resolved'
  | 'notice'
  | 'warning'
  | 'escalation'
  | 'returned'
  | 'archived'
  | 'item-ended'
  | 'withdrawn'
  | 'delivery'
  | 'calendar'
  | 'cancel-requested'
  | 'post-check'
  | 'evaluation'
  | 'ended';

export interface TimelineActor {
  sub: string;
  role: string;
  dept?: string;
  post?: 'A' | 'B';
  /** AB岗: post B acted for post A. */
  actingFor?: 'A';
  /** 帮办代办: the mandate an agent acted under. */
  mandate?: string;
  /** Through which channel the act came (web, app, window, api). */
  channel?: string;
}

/** One business event as recorded in the case file (`case_events`). */
export interface CaseEvent {
  /** Unique per application: a retried activity writes the event once. */
  key: string;
  at: string;
  kind: TimelineKind;
  item?: string;
  actor?: TimelineActor;
  label: string;
  detail: Record<string, unknown>;
  /** A decision event: the decision itself, kept beside the timeline's detail. */
  decision?: Decision;
}

/** The timeline's labels of decisions: the kinds' own (a suspension adds its ground, decisionLabel). */
export const DECISION_LABELS: Record<DecideItemInput['decision'], string> = DECISION_KINDS;

export const AUDIENCE_LABELS: Record<Audience, string> = {
  applicant: '通知申请人',
  department: '通知部门',
  lead: '通知牵头部门',
  coordinator: '通知协调机构',
};

export const END_LABELS: Record<ApplicationStatus, string> = {
  completed: '办结',
  partially_completed: '部分办结',
  terminated: '终止办理',
  withdrawn: '办理结束（已撤回）',
  expired: '申请失效',
  proposed: '流程结束',
  incomplete: '流程结束',
  received: '流程结束',
  accepted: '流程结束',
  in_review: '流程结束',
};

export const DELIVERY_LABELS: Record<string, string> = {
  shipped: '送达（已寄出）',
  delivered: '送达（已签收）',
  'picked-up': '送达（窗口领取）',
  pushed: '送达（电子证照推送）',
  closed: '送达结束（期限届满）',
};

export function decisionLabel(d: Pick<DecideItemInput, 'decision' | 'suspension' | 'offline' | 'actor'>): string {
  const base =
    d.decision === 'suspend'
      ? `中止计时（${d.suspension ? (SUSPENSION_REASONS[d.suspension] ?? d.suspension) : '法定事由'}）`
      : (DECISION_LABELS[d.decision] ?? d.decision);
  return base + ((d.actor?.post ?? 'A') === 'B' ? '（B岗代为办理）' : '') + (d.offline ? '（线下办理）' : '');
}

export function noticeLabel(n: Pick<Notice, 'kind' | 'to' | 'body'>): string {
  switch (n.kind) {
    case 'incomplete':
      return (n.body?.missing as { reason?: string }[] | undefined)?.some((m) => m.reason) ? '一次性告知（材料不符合法定形式）' : '一次性告知（材料不全）';
    case 'warning':
      return n.body?.post === 'B' ? '预警（A岗超时，转B岗办理）' : '预警';
    case 'overdue':
      return '超期督办';
    case 'joint':
      return n.to === 'lead' ? '会签分歧提交牵头部门' : '请复议会签意见';
    case 'returned':
      return '退件';
    default:
      return AUDIENCE_LABELS[n.to] ?? '通知';
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Drops undefined (and empty-array) fields so the JSON stays short. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as T;
}

export function safeActor(a: Actor | undefined, actingFor?: 'A'): TimelineActor | undefined {
  if (!a || typeof a.sub !== 'string') return undefined;
  // No display name: for an applicant it is their real name.
  return compact({ sub: a.sub, role: a.role, dept: a.dept, post: a.post, actingFor, mandate: a.mandate, channel: a.channel });
}

/** What a decision's entry shows; result data may carry personal data, so only which fields were issued. */
export function decisionDetail(itemName: string | undefined, d: DecideItemInput | Decision): Record<string, unknown> {
  return compact({
    itemName,
    decision: d.decision,
    reason: d.reason,
    missing: d.missing,
    suspension: d.suspension && (SUSPENSION_REASONS[d.suspension] ?? d.suspension),
    expectedDays: d.expectedDays,
    days: d.days,
    approver: d.approver,
    offline: d.offline || undefined,
    resultFields: isObject(d.result) ? Object.keys(d.result) : undefined,
  });
}

/** The facts of a notice body worth showing; never results, addresses or material contents. */
export function noticeFacts(body: Record<string, unknown>): Record<string, unknown> {
  const missing = Array.isArray(body.missing)
    ? body.missing.map((m) => (isObject(m) ? m.material : m)).filter((m): m is string => typeof m === 'string')
    : undefined;
  const pick = (k: string) => (['string', 'number', 'boolean'].includes(typeof body[k]) ? body[k] : undefined);
  return compact({
    missing,
    dueAt: pick('dueAt'),
    deadline: pick('deadline'),
    reason: pick('reason'),
    expectedDays: pick('expectedDays'),
    material: pick('material'),
    graceDays: pick('graceDays'),
    status: pick('status'),
    outcome: pick('outcome'),
    method: pick('method'),
    materialsReturned: pick('materialsReturned'),
  });
}

const NOTICE_KINDS: Partial<Record<Notice['kind'], TimelineKind>> = {
  incomplete: 'incomplete',
  warning: 'warning',
  overdue: 'escalation',
  returned: 'returned',
};

/**
 * The timeline entries of the notices one activity call queued: the same notice to several
 * audiences is one entry. `itemName` names an item from its code.
 */
export function noticeEvents(at: string, notices: readonly Notice[], itemName: (code: string) => string | undefined, item?: string): CaseEvent[] {
  const groups = new Map<string, Notice[]>();
  for (const n of notices) {
    const key = `${n.kind}\u0000${n.title}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  return [...groups.values()].map((group) => {
    const n = group[0]!;
    const body = isObject(n.body) ? n.body : {};
    const code = typeof body.item === 'string' ? body.item : item;
    return {
      key: `notice:${n.key}`,
      at,
      kind: NOTICE_KINDS[n.kind] ?? 'notice',
      item: code,
      label: noticeLabel(n),
      detail: compact({
        notice: n.kind,
        title: n.title,
        to: [...new Set(group.map((g) => g.to))],
        departments: [...new Set(group.map((g) => g.department).filter((d): d is string => !!d))],
        itemName: code && itemName(code),
        ...noticeFacts(body),
      }),
    };
  });
}
