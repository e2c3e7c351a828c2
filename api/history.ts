// The readable timeline: the workflow histories of an application and its items turned
// into dated, attributed entries with Chinese labels. Pure: decoded from the events alone, so it
// is unit-tested on recorded histories. Personal data never reaches an entry: the
// applicant, the form, material URIs and result data are left out, and what free text remains
// (reasons, opinions) is scrubbed of the applicant's known values, ID numbers and phone numbers.
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import type {
  ApplicationInput,
  ApplicationState,
  DeliveryEventInput,
  SignOffInput,
  ReviewIntakeInput,
  SupplementInput,
  WithdrawInput,
} from '../workflows/application/messages.js';
import type { DecideItemInput, Decision, ItemInput, ItemState } from '../workflows/item/messages.js';
import type { Actor } from '../workflows/shared/actor.js';
import { maskIdNumber, maskName, maskPhone } from '../workflows/shared/mask.js';
import {
  DELIVERY_LABELS,
  END_LABELS,
  compact,
  decisionDetail,
  decisionLabel,
  isObject,
  noticeEvents,
  safeActor,
  type TimelineActor,
  type TimelineKind,
} from '../workflows/shared/case-events.js';
import type { Notice } from '../workflows/shared/notices.js';

export { decisionLabel, noticeLabel, type TimelineActor, type TimelineKind } from '../workflows/shared/case-events.js';

export type HistoryEvent = NonNullable<History['events']>[number];

export interface WorkflowHistory {
  workflowId: string;
  events: readonly HistoryEvent[];
}

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  /** The item's code, for entries about one item. */
  item?: string;
  actor?: TimelineActor;
  detail: Record<string, unknown>;
  /** What happened, in Chinese, for operators. */
  label: string;
}

export type WorkflowRunStatus = 'running' | 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed_out' | 'continued_as_new';

export interface WorkflowSummary {
  workflowId: string;
  type: string;
  status: WorkflowRunStatus;
}

export interface Timeline {
  timeline: TimelineEntry[];
  workflows: WorkflowSummary[];
}

/** Builds the timeline from the histories of one application and (any of) its items. */
export function buildTimeline(histories: readonly WorkflowHistory[]): Timeline {
  const builder = new TimelineBuilder();
  // The application first: it names the departments and items and knows the applicant to scrub.
  const ordered = [...histories].sort((a, b) => rank(a) - rank(b));
  for (const h of ordered) builder.add(h);
  return builder.finish();
}

const RANK: Record<string, number> = { applicationWorkflow: 0, itemWorkflow: 1 };
const rank = (h: WorkflowHistory) => RANK[workflowTypeOf(h)] ?? 2;

function workflowTypeOf(h: WorkflowHistory): string {
  const started = h.events.find((e) => e.workflowExecutionStartedEventAttributes)?.workflowExecutionStartedEventAttributes;
  if (started?.workflowType?.name) return started.workflowType.name;
  return /:post-check$/.test(h.workflowId) ? 'postCheckWorkflow' : /:item:/.test(h.workflowId) ? 'itemWorkflow' : 'applicationWorkflow';
}

// --- decoding ------------------------------------------------------------------------------

function decode(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined; // an encoding we cannot read (e.g. encrypted): leave it out rather than fail
  }
}

const firstArg = <T>(payloads: { payloads?: Payload[] | null } | null | undefined): T | undefined => decode(payloads?.payloads?.[0]) as T | undefined;

function timeOf(e: HistoryEvent): number {
  const ts = e.eventTime;
  if (!ts) return 0;
  const seconds = ts.seconds;
  const s = typeof seconds === 'number' ? seconds : seconds ? seconds.toNumber() : 0;
  return s * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

const idOf = (id: HistoryEvent['eventId']): string => String(id ?? '');

// --- scrubbing (R-9.2) ---------------------------------------------------------------------

const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const DATE_OR_NUMBER = /^[\d\s:./TZ+-]+$/;

export class Scrubber {
  private secrets: [string, string][] = [];

  add(value: unknown, mask: (s: string) => string): void {
    if (typeof value !== 'string') return;
    const v = value.trim();
    if (v.length < 2 || (DATE_OR_NUMBER.test(v) && mask !== maskIdNumber && mask !== maskPhone)) return;
    if (!this.secrets.some(([s]) => s === v)) this.secrets.push([v, mask(v)]);
    this.secrets.sort((a, b) => b[0].length - a[0].length);
  }

  /** The applicant's known values: every one is masked wherever free text repeats it. */
  learn(applicant: Partial<ApplicationInput['applicant']> | undefined, form: Record<string, unknown> | undefined, address: string | undefined): this {
    this.add(applicant?.idNumber, maskIdNumber);
    this.add(applicant?.phone, maskPhone);
    this.add(applicant?.name, maskName);
    for (const value of Object.values(form ?? {})) this.add(value, maskName);
    this.add(address, maskName);
    return this;
  }

  text(s: string): string {
    let out = s;
    for (const [secret, masked] of this.secrets) out = out.split(secret).join(masked);
    return out.replace(ID_NUMBER, maskIdNumber).replace(MOBILE, maskPhone);
  }

  deep(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.deep(x));
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.deep(x)]));
    return v;
  }
}

// --- the builder ---------------------------------------------------------------------------

interface Pending extends TimelineEntry {
  ms: number;
  /** Ties at the same instant: the submission, then acceptance, then everything else, the end last. */
  order: number;
  seq: number;
}

/** Ties at the same instant: the submission, then acceptance, then everything else, the end last. */
const ORDER: Partial<Record<TimelineKind, number>> = { submitted: 0, accepted: 1, incomplete: 1, ended: 9 };

class TimelineBuilder {
  private readonly entries: Pending[] = [];
  private readonly workflows: WorkflowSummary[] = [];
  private readonly scrub = new Scrubber();
  private readonly departments = new Map<string, string>();
  private readonly itemNames = new Map<string, string>();
  private readonly jointKinds = new Map<string, string>();
  /** Items whose child workflow was started. */
  private readonly dispatched = new Set<string>();
  /** Items whose own history was given: their decisions come from its updates. */
  private readonly covered = new Set<string>();
  /** Items already shown as ended (the parent and the item both record the end). */
  private readonly ended = new Set<string>();
  private readonly stops = new Map<string, Pending>();
  /** The latest state reported for each item, from either workflow. */
  private readonly itemStates = new Map<string, ItemState>();
  private readonly deliverySeen = new Set<string>();
  private acceptedSeen = false;
  private seq = 0;

  add(h: WorkflowHistory): void {
    const type = workflowTypeOf(h);
    this.workflows.push({ workflowId: h.workflowId, type, status: runStatus(h) });
    if (type === 'applicationWorkflow') this.addApplication(h);
    else if (type === 'itemWorkflow') this.addItem(h);
    else if (type === 'postCheckWorkflow') this.addPostCheck(h);
  }

  finish(): Timeline {
    // Decisions the item's updates do not show: timer-made (system) ones, and every decision of an
    // item whose own history was not given (taken from the last state it reported).
    for (const [code, state] of this.itemStates) {
      const decisions = (state.decisions ?? []).filter((d) => !this.covered.has(code) || d.actor?.sub === 'system');
      for (const d of decisions)
        this.push({
          ms: Date.parse(d.at),
          kind: 'decision',
          item: code,
          actor: safeActor(d.actor, d.actingFor),
          label: decisionLabel(d),
          detail: this.decisionDetail(code, d),
        });
      if (!this.covered.has(code) && state.assignee) {
        const a = state.assignee;
        this.push({
          ms: Date.parse(a.at),
          kind: 'taken',
          item: code,
          actor: { sub: a.sub, role: 'department', dept: state.department, post: a.post },
          label: a.post === 'B' ? 'B岗代为办理' : '领取任务',
          detail: { itemName: state.name },
        });
      }
    }
    const timeline = this.entries
      .sort((a, b) => a.ms - b.ms || a.order - b.order || a.seq - b.seq)
      .map(({ at, kind, item, actor, detail, label }) =>
        compact({ at, kind, item, actor, label: this.scrub.text(label), detail: this.scrub.deep(compact(detail)) as Record<string, unknown> }),
      );
    return { timeline, workflows: this.workflows };
  }

  /**
   * An item's state as it reported it. A bounded report (`decisionsFrom`) holds only the decisions
   * not reported before, and an update's answer or the outcome none: the list is pieced together.
   */
  private report(state: ItemState): void {
    const before = this.itemStates.get(state.code)?.decisions ?? [];
    const { decisionsFrom, ...rest } = state;
    const decisions = decisionsFrom !== undefined ? [...before.slice(0, decisionsFrom), ...(state.decisions ?? [])] : (state.decisions ?? before);
    this.itemStates.set(state.code, { ...rest, decisions });
  }

  private push(e: Omit<Pending, 'at' | 'order' | 'seq'>): Pending {
    const entry: Pending = { ...e, at: new Date(e.ms).toISOString(), order: ORDER[e.kind] ?? 5, seq: this.seq++ };
    this.entries.push(entry);
    return entry;
  }

  private itemName(code: string): string | undefined {
    return this.itemNames.get(code);
  }

  // --- the application -------------------------------------------------------------------

  private addApplication(h: WorkflowHistory): void {
    const updates = new Map<string, Pending>();
    const dispatches = new Map<string, Pending>();
    let lastAction = 0;
    for (const e of h.events) {
      const ms = timeOf(e);
      if (e.workflowExecutionStartedEventAttributes) {
        const input = firstArg<ApplicationInput>(e.workflowExecutionStartedEventAttributes.input);
        if (!input) continue;
        this.learn(input);
        const bundle = input.bundle;
        this.push({
          ms,
          kind: 'submitted',
          actor: safeActor(input.submittedBy),
          label: '提交申请',
          detail: { channel: input.channel, bundle: compact({ code: bundle?.code, version: bundle?.version, name: bundle?.name }) },
        });
        lastAction = ms;
      } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
        const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
        if (a.workflowType?.name && a.workflowType.name !== 'itemWorkflow') continue;
        const input = firstArg<ItemInput>(a.input);
        const code = input?.item?.code ?? itemCodeOf(a.workflowId ?? '');
        if (!code) continue;
        this.dispatched.add(code);
        const dept = input?.item?.department;
        const deptName = (dept && this.departments.get(dept)) ?? dept ?? '';
        const name = input?.item?.name ?? this.itemName(code) ?? code;
        dispatches.set(
          idOf(e.eventId),
          this.push({
            ms,
            kind: 'dispatched',
            item: code,
            label: `分办至 ${deptName} (${name})${input?.pledged ? '（告知承诺）' : ''}`,
            detail: {
              itemName: name,
              department: dept,
              workflowId: a.workflowId,
              after: Object.keys(input?.inputs ?? {}),
              blockedBy: input?.blockedBy,
              promised: input?.promised?.map((p) => p.material),
              pledged: input?.pledged || undefined,
            },
          }),
        );
      } else if (e.childWorkflowExecutionStartedEventAttributes) {
        const entry = dispatches.get(idOf(e.childWorkflowExecutionStartedEventAttributes.initiatedEventId));
        if (entry) entry.detail.startedAt = new Date(ms).toISOString();
      } else if (e.startChildWorkflowExecutionFailedEventAttributes) {
        const a = e.startChildWorkflowExecutionFailedEventAttributes;
        const code = itemCodeOf(a.workflowId ?? '');
        this.push({ ms, kind: 'dispatch-failed', item: code, label: '分办失败', detail: { itemName: code && this.itemName(code), workflowId: a.workflowId } });
      } else if (e.childWorkflowExecutionCompletedEventAttributes) {
        const a = e.childWorkflowExecutionCompletedEventAttributes;
        const state = firstArg<ItemState>(a.result);
        const code = state?.code ?? itemCodeOf(a.workflowExecution?.workflowId ?? '');
        if (state) this.report(state);
        if (code) this.itemEnd(ms, code, state);
      } else if (e.childWorkflowExecutionCanceledEventAttributes) {
        const code = itemCodeOf(e.childWorkflowExecutionCanceledEventAttributes.workflowExecution?.workflowId ?? '');
        if (code) this.itemStopped(ms, code, '事项取消', 'cancelled');
      } else if (e.childWorkflowExecutionFailedEventAttributes) {
        const a = e.childWorkflowExecutionFailedEventAttributes;
        const code = itemCodeOf(a.workflowExecution?.workflowId ?? '');
        if (code) this.itemStopped(ms, code, '事项异常终止', 'failed', a.failure?.message ?? undefined);
      } else if (e.childWorkflowExecutionTerminatedEventAttributes) {
        const code = itemCodeOf(e.childWorkflowExecutionTerminatedEventAttributes.workflowExecution?.workflowId ?? '');
        if (code) this.itemStopped(ms, code, '事项被强制终止', 'terminated');
      } else if (e.childWorkflowExecutionTimedOutEventAttributes) {
        const code = itemCodeOf(e.childWorkflowExecutionTimedOutEventAttributes.workflowExecution?.workflowId ?? '');
        if (code) this.itemStopped(ms, code, '事项超时', 'timed_out');
      } else if (e.workflowExecutionSignaledEventAttributes) {
        const a = e.workflowExecutionSignaledEventAttributes;
        if (a.signalName === 'itemChanged') {
          const state = firstArg<ItemState>(a.input);
          if (state?.code) this.report(state);
        } else if (a.signalName === 'publishCalendar') {
          const cal = firstArg<{ calendar?: { years?: Record<string, unknown> } }>(a.input);
          this.push({ ms, kind: 'calendar', label: '更新工作日历', detail: { years: Object.keys(cal?.calendar?.years ?? {}) } });
        }
      } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
        const a = e.workflowExecutionUpdateAcceptedEventAttributes;
        const entry = this.applicationUpdate(ms, a.acceptedRequest?.input?.name ?? '', firstArg(a.acceptedRequest?.input?.args));
        if (entry) updates.set(a.acceptedRequest?.meta?.updateId ?? a.protocolInstanceId ?? '', entry);
        lastAction = ms;
      } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
        const a = e.workflowExecutionUpdateCompletedEventAttributes;
        const entry = updates.get(a.meta?.updateId ?? '');
        if (!entry) continue;
        if (a.outcome?.failure) this.failed(entry, a.outcome.failure.message);
        else {
          const state = firstArg<ApplicationState>(a.outcome?.success);
          if (state?.status) entry.detail.status = state.status;
          if (state) this.observeApplication(state, ms, lastAction);
        }
      } else if (e.activityTaskScheduledEventAttributes) {
        const a = e.activityTaskScheduledEventAttributes;
        const name = a.activityType?.name;
        if (name === 'sendNotices') this.notices(ms, firstArg<{ notices?: Notice[] }>(a.input)?.notices ?? []);
        else if (name === 'syncApplication') {
          const state = firstArg<ApplicationState>(a.input);
          if (state) this.observeApplication(state, ms, lastAction);
        }
      } else if (e.workflowExecutionCompletedEventAttributes) {
        const state = firstArg<ApplicationState>(e.workflowExecutionCompletedEventAttributes.result);
        if (state) this.observeApplication(state, ms, lastAction);
        const status = state?.status;
        this.push({ ms, kind: 'ended', label: status ? (END_LABELS[status] ?? '流程结束') : '流程结束', detail: { status, outcome: state?.outcome } });
      } else {
        this.lifecycle(e, ms, undefined);
      }
    }
  }

  /** Names, joint kinds and the personal values to scrub, from the submission. */
  private learn(input: ApplicationInput): void {
    for (const d of input.bundle?.departments ?? []) this.departments.set(d.code, d.name);
    for (const i of input.bundle?.items ?? []) this.itemNames.set(i.code, i.name);
    for (const j of input.bundle?.joint ?? []) this.jointKinds.set(j.code, j.kind);
    this.scrub.learn(input.applicant, input.form, input.delivery?.address);
  }

  private applicationUpdate(ms: number, name: string, input: unknown): Pending | undefined {
    if (!isObject(input)) return undefined;
    const actor = safeActor(input.actor as Actor | undefined);
    switch (name) {
      case 'supplement': {
        const s = input as unknown as SupplementInput;
        return this.push({ ms, kind: 'supplement', actor, label: '补充材料', detail: { materials: (s.materials ?? []).map((m) => m.code) } });
      }
      case 'reviewIntake': {
        const r = input as unknown as ReviewIntakeInput;
        const accept = r.decision === 'accept';
        return this.push({
          ms,
          kind: 'intake-review',
          actor,
          label: accept ? '受理审查：予以受理' : '受理审查：材料不符合法定形式，一次告知补正',
          detail: { decision: r.decision, missing: r.missing },
        });
      }
      case 'withdraw': {
        const w = input as unknown as WithdrawInput;
        return this.push({ ms, kind: 'withdrawn', actor, label: '撤回', detail: { reason: w.reason } });
      }
      case 'signOffJoint': {
        const s = input as unknown as SignOffInput;
        const kind = this.jointKinds.get(s.code) ?? '联合办理';
        return this.push({ ms, kind: 'joint-signoff', actor, label: `${kind}会签`, detail: { joint: s.code, jointKind: kind, opinion: s.opinion } });
      }
      case 'recordDelivery': {
        const d = input as unknown as DeliveryEventInput;
        return this.push({
          ms,
          kind: 'delivery',
          actor,
          label: DELIVERY_LABELS[d.event] ?? '送达',
          detail: { event: d.event, trackingNumber: d.trackingNumber },
        });
      }
      default:
        return this.push({ ms, kind: 'notice', actor, label: `操作：${name}`, detail: {} });
    }
  }

  /** What only the application's state shows: acceptance, items cancelled before dispatch, system delivery events. */
  private observeApplication(state: ApplicationState, ms: number, lastAction: number): void {
    if (state.acceptedAt && !this.acceptedSeen) {
      this.acceptedSeen = true;
      this.push({
        // Accepted inside the task that took the last action; never shown before that action.
        ms: Math.max(Date.parse(state.acceptedAt), lastAction),
        kind: 'accepted',
        label:
          state.intakeReview?.outcome === 'deemed_accepted'
            ? '受理（受理审查逾期未告知，自收件之日起视为受理）'
            : state.receipt?.promised?.length
              ? '受理（容缺）'
              : '受理',
        detail: {
          items: state.receipt?.items?.map((i) => i.code),
          promised: state.receipt?.promised?.map((p) => ({ material: p.material, due: p.due })),
          deadline: state.deadline,
        },
      });
    }
    for (const item of state.items ?? []) {
      if (item.status !== 'cancelled') continue;
      if (!this.dispatched.has(item.code)) this.itemStopped(ms, item.code, '事项取消', 'cancelled', item.reason);
      // A started item's cancellation shows first in the child's event; the reason only in the state.
      const stopped = this.stops.get(item.code);
      if (stopped && stopped.detail.reason === undefined && item.reason) stopped.detail.reason = item.reason;
    }
    for (const ev of state.delivery?.events ?? []) {
      const key = `${ev.event}@${ev.at}`;
      if (ev.actor || this.deliverySeen.has(key)) continue; // actors' events are shown from their updates
      this.deliverySeen.add(key);
      this.push({
        ms: Date.parse(ev.at),
        kind: 'delivery',
        label: DELIVERY_LABELS[ev.event] ?? '送达',
        detail: { event: ev.event, method: state.delivery.method },
      });
    }
  }

  // --- the items -------------------------------------------------------------------------

  private addItem(h: WorkflowHistory): void {
    const updates = new Map<string, Pending>();
    let code = itemCodeOf(h.workflowId);
    for (const e of h.events) {
      const ms = timeOf(e);
      if (e.workflowExecutionStartedEventAttributes) {
        const input = firstArg<ItemInput>(e.workflowExecutionStartedEventAttributes.input);
        if (input?.item) {
          code = input.item.code;
          this.itemNames.set(code, this.itemNames.get(code) ?? input.item.name);
        }
        if (code) this.covered.add(code);
      } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
        const a = e.workflowExecutionUpdateAcceptedEventAttributes;
        const entry = this.itemUpdate(ms, code, a.acceptedRequest?.input?.name ?? '', firstArg(a.acceptedRequest?.input?.args));
        if (entry) updates.set(a.acceptedRequest?.meta?.updateId ?? a.protocolInstanceId ?? '', entry);
      } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
        const a = e.workflowExecutionUpdateCompletedEventAttributes;
        const entry = updates.get(a.meta?.updateId ?? '');
        if (!entry) continue;
        if (a.outcome?.failure) this.failed(entry, a.outcome.failure.message);
        else {
          const state = firstArg<ItemState>(a.outcome?.success);
          if (state?.status) entry.detail.status = state.status;
          if (state?.code) this.report(state);
        }
      } else if (e.activityTaskScheduledEventAttributes) {
        const a = e.activityTaskScheduledEventAttributes;
        const name = a.activityType?.name;
        if (name === 'sendNotices') this.notices(ms, firstArg<{ notices?: Notice[] }>(a.input)?.notices ?? [], code);
        else if (name === 'archiveResult') {
          const r = firstArg<{ resultType?: string; resultName?: string }>(a.input);
          this.push({
            ms,
            kind: 'archived',
            item: code,
            label: '结果归集入库',
            detail: { itemName: code && this.itemName(code), resultType: r?.resultType, resultName: r?.resultName },
          });
        }
      } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
        const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
        if (a.workflowType?.name !== 'postCheckWorkflow') continue;
        const input = firstArg<{ postCheckDays?: number }>(a.input);
        this.push({
          ms,
          kind: 'post-check',
          item: code,
          label: '告知承诺核查开始',
          detail: { itemName: code && this.itemName(code), postCheckDays: input?.postCheckDays, workflowId: a.workflowId },
        });
      } else if (e.workflowExecutionSignaledEventAttributes) {
        const a = e.workflowExecutionSignaledEventAttributes;
        if (a.signalName === 'jointCompleted') {
          const j = firstArg<{ code?: string }>(a.input);
          this.push({ ms, kind: 'joint-completed', item: code, label: '会签完成', detail: { itemName: code && this.itemName(code), joint: j?.code } });
        }
      } else if (e.workflowExecutionCompletedEventAttributes) {
        const state = firstArg<ItemState>(e.workflowExecutionCompletedEventAttributes.result);
        if (state?.code) this.report(state);
        if (code) this.itemEnd(ms, code, state);
      } else if (e.workflowExecutionCanceledEventAttributes) {
        if (code) this.itemStopped(ms, code, '事项取消', 'cancelled');
      } else {
        this.lifecycle(e, ms, code);
      }
    }
  }

  private itemUpdate(ms: number, code: string | undefined, name: string, input: unknown): Pending | undefined {
    if (!isObject(input)) return undefined;
    if (name === 'decideItem') {
      const d = input as unknown as DecideItemInput;
      const actingFor = (d.actor?.post ?? 'A') === 'B' ? ('A' as const) : undefined;
      return this.push({
        ms,
        kind: 'decision',
        item: code,
        actor: safeActor(d.actor, actingFor),
        label: decisionLabel(d),
        detail: this.decisionDetail(code, d),
      });
    }
    if (name === 'takeItem') {
      const actor = (input as { actor?: Actor }).actor;
      const b = actor?.post === 'B';
      return this.push({
        ms,
        kind: 'taken',
        item: code,
        actor: safeActor(actor, b ? 'A' : undefined),
        label: b ? 'B岗代为办理' : '领取任务',
        detail: { itemName: code && this.itemName(code) },
      });
    }
    return this.push({ ms, kind: 'notice', item: code, actor: safeActor((input as { actor?: Actor }).actor), label: `操作：${name}`, detail: {} });
  }

  // --- 告知承诺 post-checks ---------------------------------------------------------------

  private addPostCheck(h: WorkflowHistory): void {
    let code = itemCodeOf(h.workflowId);
    const updates = new Map<string, Pending>();
    for (const e of h.events) {
      const ms = timeOf(e);
      if (e.workflowExecutionStartedEventAttributes) {
        code = firstArg<{ itemCode?: string }>(e.workflowExecutionStartedEventAttributes.input)?.itemCode ?? code;
      } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
        const a = e.workflowExecutionUpdateAcceptedEventAttributes;
        const input = firstArg<{ outcome?: string; reason?: string; actor?: Actor }>(a.acceptedRequest?.input?.args);
        if (!input) continue;
        const label =
          input.outcome === 'revoked'
            ? '撤销许可（承诺不实）'
            : input.outcome === 'confirmed'
              ? '告知承诺核查属实'
              : `操作：${a.acceptedRequest?.input?.name ?? ''}`;
        const entry = this.push({
          ms,
          kind: 'post-check',
          item: code,
          actor: safeActor(input.actor),
          label,
          detail: { itemName: code && this.itemName(code), outcome: input.outcome, reason: input.reason },
        });
        updates.set(a.acceptedRequest?.meta?.updateId ?? a.protocolInstanceId ?? '', entry);
      } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
        const a = e.workflowExecutionUpdateCompletedEventAttributes;
        const entry = updates.get(a.meta?.updateId ?? '');
        if (entry && a.outcome?.failure) this.failed(entry, a.outcome.failure.message);
      } else if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendNotices') {
        this.notices(ms, firstArg<{ notices?: Notice[] }>(e.activityTaskScheduledEventAttributes.input)?.notices ?? [], code);
      }
    }
  }

  private decisionDetail(code: string | undefined, d: DecideItemInput | Decision): Record<string, unknown> {
    return decisionDetail(code && this.itemName(code), d);
  }

  // --- shared ----------------------------------------------------------------------------

  /** The notices one sendNotices call queued; the same notice to several audiences is one entry. */
  private notices(ms: number, notices: Notice[], item?: string): void {
    for (const { key: _key, at: _at, ...entry } of noticeEvents(new Date(ms).toISOString(), notices, (c) => this.itemName(c), item))
      this.push({ ms, ...entry });
  }

  private itemEnd(ms: number, code: string, state: ItemState | undefined): void {
    if (this.ended.has(code)) return;
    this.ended.add(code);
    const status = state?.status;
    const label = status === 'approved' ? '事项办结（准予）' : status === 'rejected' ? '事项办结（不予批准）' : '事项结束';
    this.push({ ms, kind: 'item-ended', item: code, label, detail: { itemName: this.itemName(code) ?? state?.name, status, reason: state?.reason } });
  }

  private itemStopped(ms: number, code: string, label: string, status: string, reason?: string): void {
    if (this.ended.has(code)) return;
    this.ended.add(code);
    this.stops.set(code, this.push({ ms, kind: 'item-ended', item: code, label, detail: { itemName: this.itemName(code), status, reason } }));
  }

  /** Cancellation, termination, failure and timeout of a workflow itself. */
  private lifecycle(e: HistoryEvent, ms: number, item: string | undefined): void {
    if (e.workflowExecutionCancelRequestedEventAttributes) {
      if (item) return; // an item is cancelled by its application: its end shows it
      this.push({ ms, kind: 'cancel-requested', label: '请求取消', detail: { cause: e.workflowExecutionCancelRequestedEventAttributes.cause ?? undefined } });
    } else if (e.workflowExecutionCanceledEventAttributes) {
      this.push({ ms, kind: 'ended', item, label: '流程已取消', detail: { status: 'canceled' } });
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      const reason = e.workflowExecutionTerminatedEventAttributes.reason ?? undefined;
      if (item) this.itemStopped(ms, item, '事项被强制终止', 'terminated', reason);
      else this.push({ ms, kind: 'ended', label: '流程被强制终止', detail: { status: 'terminated', reason } });
    } else if (e.workflowExecutionFailedEventAttributes) {
      const message = e.workflowExecutionFailedEventAttributes.failure?.message ?? undefined;
      if (item) this.itemStopped(ms, item, '事项异常终止', 'failed', message);
      else this.push({ ms, kind: 'ended', label: '流程异常终止', detail: { status: 'failed', reason: message } });
    } else if (e.workflowExecutionTimedOutEventAttributes) {
      if (item) this.itemStopped(ms, item, '事项超时', 'timed_out');
      else this.push({ ms, kind: 'ended', label: '流程超时', detail: { status: 'timed_out' } });
    }
  }

  private failed(entry: Pending, message: string | null | undefined): void {
    entry.label += '（未成功）';
    entry.detail.failed = message ?? 'failed';
  }
}

function itemCodeOf(workflowId: string): string | undefined {
  return /:item:([^:]+)/.exec(workflowId)?.[1];
}

function runStatus(h: WorkflowHistory): WorkflowRunStatus {
  for (let i = h.events.length - 1; i >= 0; i--) {
    const e = h.events[i]!;
    if (e.workflowExecutionCompletedEventAttributes) return 'completed';
    if (e.workflowExecutionFailedEventAttributes) return 'failed';
    if (e.workflowExecutionCanceledEventAttributes) return 'canceled';
    if (e.workflowExecutionTerminatedEventAttributes) return 'terminated';
    if (e.workflowExecutionTimedOutEventAttributes) return 'timed_out';
    if (e.workflowExecutionContinuedAsNewEventAttributes) return 'continued_as_new';
  }
  return 'running';
}
