// One item's state and its pure transitions: review, correction (补正), §45 suspensions, extension,
// 容缺 materials, joint blocks, AB岗 and the working-day clock. No Temporal APIs: unit-testable.
import type { Actor } from '../shared/actor.js';
import type { Notice, NoticeKind } from '../shared/notices.js';
import { jsonBytes, MAX_INTERIM_DECISIONS, MAX_RESULT_BYTES } from '../shared/limits.js';
import { addWorkingDays, deadlineOf, legacyDeadlineOf, type WorkingCalendar } from '../shared/working-days.js';
import { SUSPENSION_REASONS, type DecideItemInput, type Decision, type ItemInput, type ItemState, type SuspensionReason } from './messages.js';
import { Refusal } from '../shared/refusal.js';

export { Refusal };

export type TimerKind = 'warn' | 'overdue' | 'postB' | 'correction-expired' | 'material-due' | 'material-returned';
export interface Timer {
  kind: TimerKind;
  at: string;
  material?: string;
}

/** Decisions that keep the item open and are capped; resuming is not, so a suspended clock can always run again. */
const INTERIM: DecideItemInput['decision'][] = ['suspend', 'correction', 'extend'];

const SYSTEM: Actor = { sub: 'system', role: 'window', name: '系统' };

/** The material codes of a correction, in either shape (codes, or each with its reason). */
function materialCodes(missing: NonNullable<DecideItemInput['missing']>): string[] {
  return missing.map((m) => (typeof m === 'string' ? m : m.material));
}

/** Exhaustive switches over DECISION_KINDS: a kind added there and not handled here fails to compile. */
function unknownDecision(kind: never): Refusal {
  return new Refusal('InvalidDecision', `未知的决定类型 (decision): ${String(kind)}`);
}

export class ItemRecord {
  readonly state: ItemState;
  readonly outbox: Notice[] = [];
  revision = 0;
  private calendar: WorkingCalendar;
  private halt?: { reason: SuspensionReason; expectedDays?: number };
  private noticeSeq = 0;
  /** The ledger's rules (working-days.ts); an execution begun before the patch `ledger-rules` keeps the old count. */
  private readonly deadlineOf: typeof deadlineOf;
  /** When the item was dispatched: post A's time (AB岗) counts from then. */
  private readonly dispatchedAt: string;

  /**
   * `rules.reproject`: a published calendar moves every clock, not only the deadlines (patch
   * `clocks-reprojected`). `rules.pledgeAwaitsMaterials`: a 告知承诺 grant still waits for promised
   * 容缺 materials (patch `pledge-awaits-materials`).
   */
  constructor(
    private readonly input: ItemInput,
    now: string,
    private readonly rules: { ledger: boolean; reproject: boolean; pledgeAwaitsMaterials?: boolean } = {
      ledger: true,
      reproject: true,
      pledgeAwaitsMaterials: true,
    },
  ) {
    this.deadlineOf = rules.ledger ? deadlineOf : legacyDeadlineOf;
    const { item } = input;
    // Dispatched at a time the application chose, so that it can show this same state at once.
    const start = input.dispatchedAt ?? now;
    this.dispatchedAt = start;
    this.calendar = input.calendar;
    this.state = {
      code: item.code,
      name: item.name,
      department: item.department,
      status: 'in_review',
      startedAt: input.clockFrom ?? start,
      clock: 'running',
      suspensions: [],
      extensionDays: 0,
      promised: input.promised.map((p) => ({ ...p })),
      blockedBy: [...input.blockedBy],
      decisions: [],
      postBFrom: addWorkingDays(start, input.policy.postADays, input.calendar).deadline,
      postBActive: false,
      warned: false,
      overdue: false,
    };
    this.project(start);
  }

  closed(): boolean {
    return this.state.status === 'approved' || this.state.status === 'rejected';
  }

  // --- department actions (updates) -------------------------------------------------------

  /** Throws a Refusal for a decision the state or the input does not allow; changes nothing. */
  check(d: DecideItemInput): void {
    const s = this.state;
    if (d.actor.role !== 'department' || d.actor.dept !== s.department) {
      throw new Refusal('StateConflict', `只有${s.department}可以对事项「${s.name}」作出决定`);
    }
    if (s.status !== 'in_review') throw new Refusal('StateConflict', `事项「${s.name}」当前状态为 ${s.status}，不接受该决定`);
    if ((d.actor.post ?? 'A') === 'B' && !s.postBActive && !s.overdue) {
      throw new Refusal('StateConflict', `AB岗：A岗办理期限（${s.postBFrom}）未到，B岗暂不能代为办理`);
    }
    const need = (ok: unknown, message: string) => {
      if (!ok) throw new Refusal('InvalidDecision', message);
    };
    if (d.result !== undefined && jsonBytes(d.result) > MAX_RESULT_BYTES) {
      throw new Refusal('InvalidDecision', `结果数据 (result) 不得超过 ${MAX_RESULT_BYTES} 字节；证照等文件请以 uri 和 sha256 引用`);
    }
    if (INTERIM.includes(d.decision) && s.decisions!.filter((x) => INTERIM.includes(x.decision)).length >= MAX_INTERIM_DECISIONS) {
      throw new Refusal('StateConflict', `事项「${s.name}」的中止、补正和延长已达 ${MAX_INTERIM_DECISIONS} 次上限，请恢复计时后作出准予或不予批准的决定`);
    }
    switch (d.decision) {
      case 'approve':
        if (s.blockedBy?.length) throw new Refusal('StateConflict', `联合办理程序 ${s.blockedBy.join('、')} 尚未全部会签，不能批准`);
        if (s.clock === 'suspended') throw new Refusal('StateConflict', '办理时限中止期间不能作出批准决定，请先恢复 (resume)');
        return;
      case 'reject':
        return need(d.reason?.trim(), '不予批准须说明理由 (reason)');
      case 'correction': {
        need(d.missing?.length, '补正须列明需补正的材料 (missing)');
        const codes = materialCodes(d.missing!);
        const unknown = codes.filter((code) => !this.input.item.materials.some((m) => m.code === code));
        need(unknown.length === 0, `不是本事项的材料：${unknown.join('、')} (missing)`);
        // One reason for all, or each material its own.
        const eachHasOne = d.missing!.every((m) => typeof m !== 'string' && m.reason.trim());
        return need(d.reason?.trim() || eachHasOne, '补正须说明理由 (reason)');
      }
      case 'suspend':
        need(d.suspension && Object.hasOwn(SUSPENSION_REASONS, d.suspension), `中止须说明法定事由 (suspension: ${Object.keys(SUSPENSION_REASONS).join(', ')})`);
        need(Number.isInteger(d.expectedDays) && d.expectedDays! > 0, '中止须告知预计所需工作日 (expectedDays)');
        if (this.halt) throw new Refusal('StateConflict', `办理时限已因${SUSPENSION_REASONS[this.halt.reason]}中止`);
        return;
      case 'resume':
        if (!this.halt) throw new Refusal('StateConflict', '办理时限未中止，无需恢复');
        return;
      case 'extend': {
        need(Number.isInteger(d.days) && d.days! > 0, '延长时限须给出工作日数 (days)');
        // §42: the extension is approved within the limit; an expired limit is not reopened.
        if (s.overdue) throw new Refusal('StateConflict', `事项「${s.name}」已超过办理时限（${s.deadline}），不能再延长`);
        need(d.approver?.trim() && d.reason?.trim(), '延长时限须经负责人批准并说明理由 (approver, reason)');
        const left = this.input.policy.maxExtensionDays - (s.extensionDays ?? 0);
        if (d.days! > left) throw new Refusal('StateConflict', `延长时限最多还可延长 ${left} 个工作日`);
        return;
      }
      default:
        throw unknownDecision(d.decision);
    }
  }

  decide(d: DecideItemInput, now: string): void {
    const s = this.state;
    const decision: Decision = { ...d, at: now, ...((d.actor.post ?? 'A') === 'B' ? { actingFor: 'A' as const } : {}) };
    s.decisions!.push(decision);
    switch (d.decision) {
      case 'approve':
        s.decision = decision;
        s.result = d.result ?? {};
        // 容缺: the review is done, but the result is issued only once every promised material is in.
        s.status = this.outstanding().length ? 'awaiting_material' : 'approved';
        break;
      case 'reject':
        s.decision = decision;
        s.reason = d.reason;
        s.status = 'rejected';
        break;
      case 'correction': {
        const dueAt = addWorkingDays(now, this.input.policy.correctionDays, this.calendar).deadline;
        const missing = materialCodes(d.missing!);
        const own = Object.fromEntries(d.missing!.flatMap((m) => (typeof m === 'string' ? [] : [[m.material, m.reason]])));
        const reason = d.reason?.trim() || Object.values(own).join('；');
        s.correction = { missing, reason, ...(Object.keys(own).length ? { reasons: own } : {}), requestedAt: now, dueAt };
        s.status = 'correction_requested';
        // 一次告知: every material with its reason, in one notice.
        this.notify('correction', 'applicant', '补正材料告知书', {
          missing: missing.map((material) => ({ material, reason: own[material] ?? reason })),
          reason,
          dueAt,
        });
        break;
      }
      case 'suspend':
        this.halt = { reason: d.suspension!, expectedDays: d.expectedDays };
        this.notify('suspension', 'applicant', `办理时限中止告知（${SUSPENSION_REASONS[d.suspension!]}）`, {
          reason: SUSPENSION_REASONS[d.suspension!],
          expectedDays: d.expectedDays,
          detail: d.reason,
        });
        break;
      case 'resume':
        this.halt = undefined;
        break;
      case 'extend':
        s.extensionDays = (s.extensionDays ?? 0) + d.days!;
        break;
      default:
        throw unknownDecision(d.decision);
    }
    this.reconcileClock(now);
    this.project(now);
  }

  checkTake(actor: Actor): void {
    const post = actor.post ?? 'A';
    if (actor.role !== 'department' || actor.dept !== this.state.department) throw new Refusal('StateConflict', '只能领取本部门的任务');
    if (this.state.status !== 'in_review') throw new Refusal('StateConflict', `事项当前状态为 ${this.state.status}`);
    if (post === 'B' && !this.state.postBActive && !this.state.overdue) throw new Refusal('StateConflict', 'AB岗：A岗办理期限未到');
    if (this.state.assignee && this.state.assignee.sub !== actor.sub) throw new Refusal('StateConflict', `任务已由 ${this.state.assignee.sub} 领取`);
  }

  /** 告知承诺: granted on the applicant's written commitment, the check comes afterwards. */
  grantOnPledge(now: string): void {
    const decision: Decision = { decision: 'approve', reason: '告知承诺：依申请人书面承诺先行作出许可，事后核查', actor: SYSTEM, at: now };
    this.state.decisions!.push(decision);
    // The commitment covers the conditions, not the 容缺 materials promised at intake: their
    // deadlines and breach rule stay alive, and the result is issued once they are in (as an approval).
    const waiting = this.rules.pledgeAwaitsMaterials !== false && this.outstanding().length > 0;
    Object.assign(this.state, { status: waiting ? 'awaiting_material' : 'approved', decision, result: { grantedOnCommitment: true } });
    this.reconcileClock(now);
    this.project(now);
  }

  take(actor: Actor, now: string): void {
    this.state.assignee = { sub: actor.sub, post: actor.post ?? 'A', at: now };
    this.touch();
  }

  // --- what the application forwards (signals) --------------------------------------------

  supply(codes: string[], now: string): void {
    const s = this.state;
    let changed = false;
    for (const p of s.promised ?? []) {
      if (!p.receivedAt && codes.includes(p.material)) {
        p.receivedAt = now;
        changed = true;
      }
    }
    if (s.status === 'correction_requested') {
      // Only what arrives after the request answers it, and it may arrive in several supplements.
      const c = s.correction!;
      const fresh = codes.filter((m) => c.missing.includes(m) && !c.received?.includes(m));
      if (fresh.length) {
        c.received = [...(c.received ?? []), ...fresh];
        changed = true;
      }
    }
    if (s.status === 'correction_requested' && s.correction!.missing.every((m) => (s.correction!.received ?? []).includes(m))) {
      s.status = 'in_review';
      s.correction = undefined;
      changed = true;
    }
    if (s.status === 'awaiting_material' && this.outstanding().length === 0) {
      s.status = 'approved';
      changed = true;
    }
    if (changed) {
      this.reconcileClock(now);
      this.project(now);
    }
  }

  jointCompleted(code: string): void {
    this.state.blockedBy = (this.state.blockedBy ?? []).filter((c) => c !== code);
    this.touch();
  }

  /** The lead department rejected the joint procedure's items over a dissent (8.3.2): a decision in its name. */
  jointRejected(code: string, reason: string, actor: Actor, now: string): void {
    if (this.closed()) return;
    this.state.blockedBy = (this.state.blockedBy ?? []).filter((c) => c !== code);
    this.end('rejected', reason, now, actor);
    this.reconcileClock(now);
    this.project(now);
  }

  /** A newly published calendar re-projects the deadlines; the item keeps a record of why they moved. */
  setCalendar(calendar: WorkingCalendar, now: string): void {
    const before = this.state.deadline;
    this.calendar = calendar;
    if (this.rules.reproject) this.reprojectClocks();
    this.project(now);
    if (before !== this.state.deadline) {
      (this.state.reprojections ??= []).push({ at: now, from: before, to: this.state.deadline, reason: '工作日历更新（节假日/调休发布）' });
    }
  }

  /** The item's other clocks, counted again on the calendar just set (the deadlines: project()). */
  private reprojectClocks(): void {
    const s = this.state;
    const due = (from: string, days: number) => addWorkingDays(from, days, this.calendar).deadline;
    if (!s.postBActive) s.postBFrom = due(this.dispatchedAt, this.input.policy.postADays);
    if (s.correction) s.correction.dueAt = due(s.correction.requestedAt, this.input.policy.correctionDays);
    for (const p of s.promised ?? []) {
      if (p.from && p.days !== undefined && !p.overdueAt) p.due = due(p.from, p.days);
    }
  }

  // --- the clock ---------------------------------------------------------------------------

  /** The next moment something happens by itself, if any. */
  nextTimer(): Timer | undefined {
    const s = this.state;
    const timers: Timer[] = [];
    if (s.status === 'in_review' && s.clock === 'running') {
      if (!s.warned && s.warnAt) timers.push({ kind: 'warn', at: s.warnAt });
      if (!s.overdue && s.deadline) timers.push({ kind: 'overdue', at: s.deadline });
    }
    if (s.status === 'in_review' && !s.postBActive && !s.assignee) timers.push({ kind: 'postB', at: s.postBFrom! });
    if (s.status === 'correction_requested') timers.push({ kind: 'correction-expired', at: s.correction!.dueAt });
    for (const p of this.outstanding()) {
      if (!p.overdueAt) timers.push({ kind: 'material-due', at: p.due, material: p.material });
      else {
        const returnAt = addWorkingDays(p.overdueAt, this.input.policy.materialGraceDays, this.calendar).deadline;
        timers.push({ kind: 'material-returned', at: returnAt, material: p.material });
      }
    }
    return timers.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
  }

  fire(timer: Timer, now: string): void {
    const s = this.state;
    switch (timer.kind) {
      case 'warn':
        s.warned = true;
        this.notify('warning', 'department', `预警：事项「${s.name}」将于 ${s.deadline} 到期`, { deadline: s.deadline });
        break;
      case 'overdue':
        s.overdue = true;
        for (const to of ['department', 'lead', 'coordinator'] as const) {
          this.notify('overdue', to, `超期：事项「${s.name}」已超过法定办结时限`, { deadline: s.deadline, escalateTo: to === 'department' ? 'B岗' : to });
        }
        break;
      case 'postB':
        s.postBActive = true;
        this.notify('warning', 'department', `AB岗：A岗未按时办理「${s.name}」，转B岗办理`, { post: 'B' });
        break;
      case 'correction-expired':
        this.end('rejected', `申请人逾期未补正（${s.correction!.missing.join('、')}）`, now);
        break;
      case 'material-due': {
        const p = s.promised!.find((x) => x.material === timer.material)!;
        p.overdueAt = now;
        this.notify('material-overdue', 'applicant', `容缺材料「${p.name}」逾期未补齐，事项「${s.name}」暂停办理`, {
          material: p.material,
          graceDays: this.input.policy.materialGraceDays,
        });
        break;
      }
      case 'material-returned': {
        const p = s.promised!.find((x) => x.material === timer.material)!;
        this.notify('returned', 'applicant', `退件：容缺材料「${p.name}」逾期仍未补齐`, { material: p.material });
        this.end('rejected', `容缺材料「${p.name}」逾期未补齐，退件`, now);
        break;
      }
    }
    this.reconcileClock(now);
    this.project(now);
  }

  /** Promised materials not yet received. */
  outstanding() {
    return (this.state.promised ?? []).filter((p) => !p.receivedAt);
  }

  private end(status: 'rejected', reason: string, now: string, actor: Actor = SYSTEM): void {
    const decision: Decision = { decision: 'reject', reason, actor, at: now };
    this.state.decisions!.push(decision);
    Object.assign(this.state, { status, reason, decision });
  }

  /** The clock stops while the applicant is awaited or a §45 procedure runs, as one ledger entry. */
  private reconcileClock(now: string): void {
    const s = this.state;
    const reason =
      s.status === 'correction_requested'
        ? ('correction' as const)
        : (this.halt?.reason ?? (this.outstanding().some((p) => p.overdueAt) ? ('material' as const) : undefined));
    const open = s.suspensions!.find((x) => !x.to);
    const stopped = !!reason && !this.closed(); // an item that has ended leaves no open ledger entry
    if (stopped && !open) s.suspensions!.push({ from: now, reason, expectedDays: this.halt?.expectedDays });
    if (!stopped && open) open.to = now;
    s.clock = stopped ? 'suspended' : 'running';
  }

  /** Derives the deadlines from the budget, the extensions and the ledger (never stored as fixed dates). */
  private project(now: string): void {
    const s = this.state;
    const { legalDays, committedDays } = this.input.item;
    const extra = s.extensionDays ?? 0;
    const legal = this.deadlineOf(s.startedAt!, legalDays + extra, s.suspensions!, now, this.calendar);
    const committed = this.deadlineOf(s.startedAt!, committedDays + extra, s.suspensions!, now, this.calendar);
    const warnDays = Math.max(0, Math.floor((legalDays + extra) * this.input.policy.warnFraction));
    s.deadline = legal.deadline;
    s.provisional = legal.provisional;
    s.committedDeadline = committed.deadline;
    s.warnAt = this.deadlineOf(s.startedAt!, warnDays, s.suspensions!, now, this.calendar).deadline;
    this.touch();
  }

  private notify(kind: NoticeKind, to: Notice['to'], title: string, body: Record<string, unknown>): void {
    this.noticeSeq += 1;
    this.outbox.push({
      key: `${this.state.code}:${kind}:${to}:${this.noticeSeq}`,
      kind,
      to,
      department: to === 'department' ? this.state.department : undefined,
      title,
      body: { item: this.state.code, itemName: this.state.name, ...body },
    });
  }

  private touch(): void {
    this.revision += 1;
  }
}

/**
 * The item's first state, a pure function of its input: the application shows it as soon as it has
 * started the item (patch items-announced-by-application), before the item reports anything.
 */
export function firstState(input: ItemInput, now: string): ItemState {
  return new ItemRecord(input, now).state;
}
