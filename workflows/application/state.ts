// The application's state and its pure transitions: intake (8.1), 一次分办 (8.2), joint procedures
// and rejection rules (8.3), withdrawal, one feedback and one delivery (8.4). No Temporal APIs here.
import { FINAL_ITEM_STATUSES, type Decision, type ItemState, type ItemStatus, type PromisedMaterial, type ResultData } from '../item/messages.js';
import type { Actor } from '../shared/actor.js';
import type { BundleVersion, ItemDefinition } from '../shared/bundle.js';
import {
  DELIVERY_LABELS,
  END_LABELS,
  compact,
  decisionDetail,
  decisionLabel,
  safeActor,
  type CaseEvent,
  type TimelineActor,
  type TimelineKind,
} from '../shared/case-events.js';
import { itemWorkflowId } from '../shared/ids.js';
import { competentRegion } from '../shared/jurisdiction.js';
import { intakeDecision, needsIntakeReview } from './intake-decision.js';
import { checkSubmission } from '../shared/intake.js';
import { MAX_INTAKE_CORRECTIONS, MAX_SUPPLEMENTS } from '../shared/limits.js';
import type { Audience, Notice, NoticeKind } from '../shared/notices.js';
import { dependentsOf, prerequisites } from '../shared/rules.js';
import { addWorkingDays, deadlineOf, type WorkingCalendar } from '../shared/working-days.js';
import {
  checkResolve as checkJointResolve,
  checkSignOff as checkJointSignOff,
  dissents,
  fireJointTimer,
  leadOf,
  nextJointTimer,
  openClocks,
  reprojectJoint,
  resolve as resolveJointDissent,
  signOff as signOffJoint,
  type JointTimer,
} from './joint.js';
import type {
  ApplicationInput,
  ApplicationState,
  ApplicationStatus,
  DeliveryEventInput,
  ItemView,
  JointState,
  ResolveJointInput,
  ReviewIntakeInput,
  SignOffInput,
  SupplementInput,
} from './messages.js';
import { Refusal } from '../shared/refusal.js';

export { Refusal };

export const isFinalItem = (status: ItemStatus): boolean => FINAL_ITEM_STATUSES.includes(status);

/** What an application's state shows of the bundle version it started with. */
export const bundleSummary = (bundle: BundleVersion): ApplicationState['bundle'] => ({
  code: bundle.code,
  version: bundle.version,
  name: bundle.name,
  region: bundle.region,
  leadDepartment: bundle.leadDepartment,
});

export class ApplicationRecord {
  readonly state: ApplicationState;
  readonly outbox: Notice[] = [];
  /** The case file's events since the last publish (the workflow writes them with the read model). */
  readonly events: CaseEvent[] = [];
  calendar: WorkingCalendar;
  private readonly defs: Map<string, ItemDefinition>;
  private readonly results = new Map<string, ResultData>();
  /** Items whose child workflow was started; they show in_review once the child reports in. */
  private readonly dispatched = new Set<string>();
  /** Items whose workflow has ended: an approval counts for dependents only once its result is archived. */
  private readonly ended = new Set<string>();
  private terminatedBy?: string;
  private withdrawn = false;
  /** Counted against the bounds of workflows/shared/limits.ts (replayed like the rest). */
  private supplements = 0;
  private intakeCorrections = 0;
  private noticeSeq = 0;
  private eventSeq = 0;
  private endRecorded = false;
  /** When the supplement of an incomplete application and the delivery were first awaited (their clocks' starts). */
  private supplementFrom?: string;
  private deliveryFrom?: string;

  /**
   * `rules.reproject`: every clock is derived from its start, its budget and the calendar, and a
   * newly published calendar moves them all (patch `clocks-reprojected`; before it, only the items'
   * deadlines moved and the application's own limit was fixed at acceptance). `rules.jointClocks`:
   * joint sign-offs are due within `policy.jointDays` (patch `joint-sign-off-clocks`).
   */
  constructor(
    private readonly input: ApplicationInput,
    now: string,
    private readonly rules: { reproject: boolean; jointClocks?: boolean } = { reproject: true, jointClocks: true },
    /** 政策服务免申办: the proposal this application was confirmed from (its revisions come first). */
    proposed?: ApplicationState,
  ) {
    this.calendar = input.calendar;
    const { check, next, receipt } = intakeDecision(input);
    const applicable = new Set(check.items.map((i) => i.code));
    this.defs = new Map(check.items.map((i) => [i.code, { ...i, after: prerequisites(i, applicable) }]));
    const bundle = input.bundle;
    this.state = {
      id: input.id,
      number: input.number,
      bundle: bundleSummary(bundle),
      status: 'incomplete',
      channel: input.channel,
      applicant: input.applicant,
      owner: input.owner,
      submittedBy: input.submittedBy,
      items: check.items.map((d) => ({
        code: d.code,
        name: d.name,
        department: d.department,
        // The office competent for this applicant (属地): applications begun before regions had none, so the bundle's region.
        region: competentRegion(d, bundle, input.region),
        after: this.defs.get(d.code)!.after,
        status: 'waiting',
      })),
      receipt,
      received: input.materials.map((m) => m.code),
      joint: (bundle.joint ?? [])
        .map((j) => ({ ...j, items: j.items.filter((c) => applicable.has(c)) }))
        .filter((j) => j.items.length > 1)
        .map((j) => {
          const departments = [...new Set(j.items.map((c) => this.defs.get(c)!.department))];
          return { code: j.code, kind: j.kind, items: j.items, departments, lead: leadOf(bundle.leadDepartment, departments), signedOff: [] };
        }),
      delivery: { ...input.delivery, status: 'pending', events: [] },
      createdAt: input.submittedAt,
      revision: 0,
    };
    this.record(
      now,
      'submitted',
      '提交申请',
      { channel: input.channel, bundle: { code: bundle.code, version: bundle.version, name: bundle.name } },
      { actor: safeActor(input.submittedBy) },
    );
    if (next === 'incomplete') this.holdIncomplete(check.missing, now);
    else if (next === 'received') this.receive(now, check.promised);
    else this.accept(now, check.promised);
    if (proposed) Object.assign(this.state, { proposal: proposed.proposal, revision: proposed.revision + this.state.revision });
  }

  // --- intake (8.1) ------------------------------------------------------------------------

  private intake(received: string[]) {
    const { bundle, answers, form, commitments } = this.input;
    return checkSubmission(bundle, { answers, form, materials: received, commitments });
  }

  private holdIncomplete(missing: ApplicationState['missing'], now: string, title = '一次性告知：请补齐以下材料'): void {
    this.state.missing = missing;
    this.supplementFrom = now;
    this.state.supplementDue = addWorkingDays(now, this.input.policy.intakeDays, this.calendar).deadline;
    this.notify('incomplete', title, { missing, dueAt: this.state.supplementDue });
  }

  /** 容缺: each promised material with its deadline from `from`. */
  private promisedFrom(from: string, promisedCodes: string[]): PromisedMaterial[] {
    return promisedCodes.map((code) => {
      const material = this.input.bundle.materials.find((m) => m.code === code)!;
      // The deadline is the material's deferDays, never beyond the committed limit of any item needing it.
      const cap = Math.min(...[...this.defs.values()].filter((d) => d.materials.some((m) => m.code === code)).map((d) => d.committedDays));
      const days = Math.min(material.deferDays ?? cap, cap);
      return { material: code, name: material.name, due: addWorkingDays(from, days, this.calendar).deadline, ...(this.rules.reproject ? { from, days } : {}) };
    });
  }

  /** 收件: complete, awaiting the review of legal form, which must come within five working days (§32). */
  private receive(now: string, promisedCodes: string[]): void {
    const days = this.input.policy.intakeReviewDays ?? 5;
    Object.assign(this.state, { status: 'received', missing: undefined, supplementDue: undefined });
    this.state.intakeReview = { receivedAt: now, due: addWorkingDays(now, days, this.calendar).deadline };
    this.state.receipt.materials = [...this.state.received];
    this.state.receipt.promised = this.promisedFrom(now, promisedCodes);
    this.touch();
  }

  /** 受理: accepted with a receipt listing each promised material, its deadline and the consequence. */
  /** `title`: the 受理通知书 owed after a review (at submission the receipt itself says it). */
  private accept(now: string, promisedCodes: string[], title?: string, recordedAt = now): void {
    const promised = this.promisedFrom(now, promisedCodes);
    Object.assign(this.state, { status: 'accepted', acceptedAt: now, missing: undefined, supplementDue: undefined });
    this.state.receipt.promised = promised;
    this.state.receipt.materials = [...this.state.received];
    this.state.deadline = addWorkingDays(now, this.input.bundle.committedDays, this.calendar).deadline;
    this.projectDeadline(now);
    if (promised.length || title) {
      this.notify('accepted', title ?? '容缺受理通知书', {
        ...(title ? { acceptedAt: now, deadline: this.state.deadline } : {}),
        promised: promised.map((p) => ({ ...p, consequence: '逾期未补齐的，相关事项暂停办理；宽限期满仍未补齐的，予以退件' })),
      });
    }
    const deemed = this.state.intakeReview?.outcome === 'deemed_accepted';
    this.record(recordedAt, 'accepted', deemed ? '受理（受理审查逾期未告知，自收件之日起视为受理）' : promised.length ? '受理（容缺）' : '受理', {
      items: this.state.receipt.items.map((i) => i.code),
      promised: promised.map((p) => ({ material: p.material, due: p.due })),
      deadline: this.state.deadline,
    });
    this.touch();
  }

  expire(now: string): void {
    Object.assign(this.state, { status: 'expired', endedAt: now, outcome: '逾期未补齐材料，申请已失效' });
    for (const item of this.state.items) {
      Object.assign(item, { status: 'cancelled', reason: '申请已失效' });
      this.itemEnded(now, item.code, '事项取消', 'cancelled', item.reason);
    }
    this.notify('expired', '申请失效告知', { missing: this.state.missing });
    this.touch();
  }

  checkReview(input: ReviewIntakeInput): void {
    if (this.state.status !== 'received') throw new Refusal('StateConflict', `申请当前状态为 ${this.state.status}，不在受理审查中`);
    const missing = input.missing ?? [];
    if (input.decision === 'accept' && missing.length) throw new Refusal('InvalidDecision', '予以受理时不应列出需补正的材料');
    if (input.decision === 'correction' && missing.length === 0) throw new Refusal('InvalidDecision', '需补正时须一次列明全部不符合法定形式的材料及理由');
    const unknown = missing.map((m) => m.material).filter((c) => !this.state.received.includes(c));
    if (unknown.length) throw new Refusal('InvalidDecision', `不是本申请已收取的材料：${unknown.join(', ')}`);
    if (input.decision === 'correction' && this.intakeCorrections >= MAX_INTAKE_CORRECTIONS) {
      throw new Refusal('StateConflict', `受理审查已 ${MAX_INTAKE_CORRECTIONS} 次要求补正，已达上限：请予以受理，或由申请人撤回后重新申请`);
    }
  }

  /** 受理审查: accept, or tell every material not in legal form at once and wait for the supplement. */
  review(input: ReviewIntakeInput, now: string): void {
    if (input.decision === 'correction') this.intakeCorrections += 1;
    const review = this.state.intakeReview!;
    Object.assign(review, { outcome: input.decision === 'accept' ? 'accepted' : 'correction', reviewedAt: now, by: input.actor });
    const accept = input.decision === 'accept';
    const recordReview = () =>
      this.record(
        now,
        'intake-review',
        accept ? '受理审查：予以受理' : '受理审查：材料不符合法定形式，一次告知补正',
        { decision: input.decision, missing: input.missing, status: this.state.status },
        { actor: safeActor(input.actor) },
      );
    if (accept) {
      this.accept(now, this.intake(this.state.received).promised, '受理通知书');
      return recordReview();
    }
    const rejected = new Set(input.missing!.map((m) => m.material));
    this.state.received = this.state.received.filter((c) => !rejected.has(c));
    const missing = input.missing!.map(({ material, reason }) => ({
      material,
      name: this.input.bundle.materials.find((m) => m.code === material)?.name ?? material,
      items: [...this.defs.values()].filter((d) => d.materials.some((m) => m.code === material)).map((d) => d.code),
      deferrable: false,
      reason,
    }));
    Object.assign(this.state, { status: 'incomplete' });
    this.holdIncomplete(missing, now, '一次性告知：以下材料不符合法定形式，请一次补正');
    recordReview();
    this.touch();
  }

  /** §32: no answer within five working days — accepted as from the day the materials were received. */
  deemAccepted(now: string): void {
    const review = this.state.intakeReview!;
    Object.assign(review, { outcome: 'deemed_accepted', reviewedAt: now });
    this.accept(
      review.receivedAt,
      this.intake(this.state.received).promised,
      '受理通知书：受理审查逾期未告知，自收到申请材料之日起即为受理（行政许可法第三十二条）',
      now,
    );
  }

  checkSupplement(input: SupplementInput): void {
    if (!['incomplete', 'received', 'accepted', 'in_review'].includes(this.state.status)) {
      throw new Refusal('StateConflict', `申请当前状态为 ${this.state.status}，不接受补充材料`);
    }
    const unknown = input.materials.map((m) => m.code).filter((c) => !this.input.bundle.materials.some((m) => m.code === c));
    if (unknown.length) throw new Refusal('InvalidDecision', `不是本件事的材料：${unknown.join(', ')}`);
    if (input.materials.length === 0) throw new Refusal('InvalidDecision', '补充材料不能为空');
    if (this.supplements >= MAX_SUPPLEMENTS) throw new Refusal('StateConflict', `本申请已补充材料 ${MAX_SUPPLEMENTS} 次，已达上限，请到窗口办理`);
  }

  /** Returns the codes to forward to the running items: this supplement's, not everything received so far. */
  addSupplement(input: SupplementInput, now: string): string[] {
    this.supplements += 1;
    for (const m of input.materials) if (!this.state.received.includes(m.code)) this.state.received.push(m.code);
    if (this.state.status === 'incomplete') {
      const check = this.intake(this.state.received);
      // Materials staff judged not in legal form stay missing until supplied again.
      const judged = (this.state.missing ?? []).filter((m) => m.reason && !this.state.received.includes(m.material));
      const stillMissing = [...judged, ...check.missing.filter((m) => !judged.some((j) => j.material === m.material))];
      if (stillMissing.length > 0) this.state.missing = stillMissing;
      else if (needsIntakeReview(this.input)) this.receive(now, check.promised);
      else this.accept(now, check.promised);
    }
    this.record(now, 'supplement', '补充材料', { materials: input.materials.map((m) => m.code), status: this.state.status }, { actor: safeActor(input.actor) });
    this.touch();
    return input.materials.map((m) => m.code);
  }

  isAccepted(): boolean {
    return !['incomplete', 'received', 'expired'].includes(this.state.status);
  }

  // --- dispatch (8.2) ----------------------------------------------------------------------

  item(code: string): ItemView {
    const view = this.state.items.find((i) => i.code === code);
    if (!view) throw new Error(`unknown item ${code}`);
    return view;
  }

  definition(code: string): ItemDefinition {
    return this.defs.get(code)!;
  }

  /** Items that may start now: waiting, every prerequisite approved and archived, bundle still open. */
  readyItems(): ItemDefinition[] {
    if (!this.isAccepted() || this.terminatedBy || this.withdrawn) return [];
    return this.state.items
      .filter((i) => i.status === 'waiting' && !this.dispatched.has(i.code))
      .filter((i) => i.after.every((a) => this.ended.has(a) && this.item(a).status === 'approved'))
      .map((i) => this.definition(i.code));
  }

  markDispatched(code: string, now: string): void {
    const input = this.itemInput(code);
    const def = input.item;
    this.record(
      now,
      'dispatched',
      `分办至 ${this.departmentName(def.department)} (${def.name})${input.pledged ? '（告知承诺）' : ''}`,
      {
        itemName: def.name,
        department: def.department,
        workflowId: itemWorkflowId(this.state.id, code),
        after: Object.keys(input.inputs),
        blockedBy: input.blockedBy,
        promised: input.promised.map((p) => p.material),
        pledged: input.pledged || undefined,
      },
      { item: code },
    );
    this.dispatched.add(code);
    // A joint procedure opens with the first of its items: its departments' sign-off clocks start.
    if (this.rules.jointClocks) for (const j of this.state.joint.filter((j) => j.items.includes(code))) openClocks(j, now, this.input.policy, this.calendar);
    if (this.state.status === 'accepted') this.state.status = 'in_review';
    this.touch();
  }

  /** What the item workflow starts with: prerequisites' results, promised materials, open joint blocks. */
  itemInput(code: string) {
    const def = this.definition(code);
    return {
      applicationId: this.state.id,
      item: def,
      inputs: Object.fromEntries(def.after.map((a) => [a, this.results.get(a) ?? {}])),
      calendar: this.calendar,
      policy: this.input.policy,
      promised: this.state.receipt.promised.filter((p) => def.materials.some((m) => m.code === p.material) && !this.state.received.includes(p.material)),
      blockedBy: this.state.joint.filter((j) => !j.completedAt && j.items.includes(code)).map((j) => j.code),
      pledged: !!def.commitment && (this.input.pledges ?? []).includes(code),
      // Deemed accepted from receipt (§32): the items that start at acceptance count from then too.
      ...(this.state.intakeReview?.outcome === 'deemed_accepted' && def.after.length === 0 ? { clockFrom: this.state.acceptedAt } : {}),
    };
  }

  /** A status report from the item workflow; late reports never reopen a closed item. */
  applyItemState(report: ItemState, now: string): void {
    const view = this.state.items.find((i) => i.code === report.code);
    if (!view || isFinalItem(view.status)) return;
    // A bounded report holds the decisions from `decisionsFrom` on: the view keeps the whole list.
    const { decisionsFrom, ...rest } = report;
    const decisions =
      decisionsFrom === undefined ? report.decisions : report.decisions && [...(view.decisions ?? []).slice(0, decisionsFrom), ...report.decisions];
    this.recordItemActs(view, { ...rest, ...(decisions ? { decisions } : {}) }, now);
    Object.assign(view, rest, { name: view.name, after: view.after }, decisions ? { decisions } : {});
    if (report.status === 'approved' && report.result) this.results.set(report.code, report.result);
    this.projectDeadline(now);
    this.touch();
  }

  /**
   * The item's final outcome. A rejection cancels its dependents (they cannot start without its
   * result); with onReject 'terminate' it ends the whole bundle (8.3.3). Returns the codes of
   * started items that must now be cancelled.
   */
  completeItem(outcome: ItemState, now: string): string[] {
    this.applyItemState(outcome, now);
    const def = this.definition(outcome.code);
    const status = this.item(outcome.code).status;
    this.itemEnded(
      now,
      outcome.code,
      status === 'approved' ? '事项办结（准予）' : status === 'rejected' ? '事项办结（不予批准）' : '事项结束',
      status,
      this.item(outcome.code).reason,
    );
    this.ended.add(outcome.code);
    this.touch(); // wakes the workflow to dispatch the dependents
    if (outcome.status !== 'rejected') return [];
    const doomed = def.onReject === 'terminate' ? [...this.defs.keys()] : dependentsOf(def.code, [...this.defs.values()]);
    if (def.onReject === 'terminate') this.terminatedBy = def.code;
    return this.cancelOpen(doomed, `${def.name}未获批准`, now);
  }

  /** Marks waiting items cancelled; returns the started ones, whose workflows must be cancelled. */
  private cancelOpen(codes: string[], reason: string, now: string): string[] {
    const started: string[] = [];
    for (const code of codes) {
      const view = this.item(code);
      if (isFinalItem(view.status)) continue;
      if (this.dispatched.has(code)) started.push(code);
      else this.cancelItem(code, reason, now);
    }
    return started;
  }

  /** A waiting item, or a started one whose workflow ended cancelled (or failed). */
  cancelItem(code: string, reason: string, now: string, failed = false): void {
    const view = this.item(code);
    if (this.dispatched.has(code)) this.ended.add(code);
    if (!isFinalItem(view.status)) Object.assign(view, { status: 'cancelled', reason });
    if (failed) this.itemEnded(now, code, '事项异常终止', 'failed', reason);
    else if (view.status === 'cancelled') this.itemEnded(now, code, '事项取消', 'cancelled', view.reason);
    else this.itemEnded(now, code, view.status === 'approved' ? '事项办结（准予）' : '事项办结（不予批准）', view.status, view.reason);
    this.touch();
  }

  /** Every item final, and every started item's workflow ended (its report may come before its outcome). */
  /**
   * Items whose view a supplement of these materials will change: a correction it answers, or a
   * promised (容缺) material it brings. An ended item waits for nothing.
   */
  awaitingSupply(codes: string[]): string[] {
    return this.state.items.filter((i) => !isFinalItem(i.status) && this.waitsFor(i, codes)).map((i) => i.code);
  }

  private waitsFor(view: ItemView, codes: string[]): boolean {
    const c = view.correction;
    const corrected = view.status === 'correction_requested' && !!c && c.missing.some((m) => codes.includes(m) && !(c.received ?? []).includes(m));
    return corrected || (view.promised ?? []).some((p) => !p.receivedAt && codes.includes(p.material));
  }

  allItemsClosed(): boolean {
    return this.state.items.every((i) => isFinalItem(i.status) && (this.ended.has(i.code) || !this.dispatched.has(i.code)));
  }

  // --- joint procedures (8.3.2; the rules: joint.ts) --------------------------------------

  private joint(code: string): JointState {
    const joint = this.state.joint.find((j) => j.code === code);
    if (!joint) throw new Refusal('InvalidDecision', `本申请没有联合办理程序 ${code}`);
    return joint;
  }

  checkSignOff(input: SignOffInput): void {
    const joint = this.joint(input.code);
    if (!['accepted', 'in_review'].includes(this.state.status)) throw new Refusal('StateConflict', `申请当前状态为 ${this.state.status}`);
    checkJointSignOff(joint, input);
  }

  /** Returns the items to unblock when the last participating department has agreed. */
  signOff(input: SignOffInput, now: string): string[] {
    const { code, actor, opinion, verdict } = input;
    const joint = this.joint(code);
    const result = signOffJoint(joint, input, now);
    this.touch();
    const jointKind = joint.kind;
    const dissent = verdict === 'dissent';
    this.record(
      now,
      'joint-signoff',
      `${jointKind}会签${dissent ? '（不同意）' : ''}`,
      { joint: code, jointKind, opinion, verdict, status: this.state.status },
      { actor: safeActor(actor) },
    );
    if (dissent) {
      // 8.3.2: the lead department organises the procedure; a dissent is its to resolve.
      this.notify(
        'joint',
        `联合办理分歧：${this.departmentName(actor.dept!)}对「${jointKind}」不同意，请牵头部门处理`,
        { joint: code, jointKind, department: actor.dept, opinion },
        { to: 'lead', department: joint.lead },
      );
    }
    if (result !== 'completed') return [];
    for (const code of joint.items) {
      const view = this.item(code);
      if (view.blockedBy) view.blockedBy = view.blockedBy.filter((c) => c !== joint.code);
    }
    const unblocked = joint.items.filter((c) => this.dispatched.has(c));
    for (const item of unblocked) this.record(now, 'joint-completed', '会签完成', { itemName: this.item(item).name, joint: code }, { item });
    return unblocked;
  }

  checkResolve(input: ResolveJointInput): void {
    const joint = this.joint(input.code);
    if (!['accepted', 'in_review'].includes(this.state.status)) throw new Refusal('StateConflict', `申请当前状态为 ${this.state.status}`);
    checkJointResolve(joint, input);
  }

  /**
   * The lead's resolution of a dissent. Returns the started items to reject (their workflows decide
   * it, in the lead's name) and the started items to cancel as a consequence of rejecting the items
   * not yet started, which end here.
   */
  resolveJoint(input: ResolveJointInput, now: string): { reject: string[]; reason?: string; cancel: string[] } {
    const joint = this.joint(input.code);
    const dissenters = dissents(joint).map((s) => s.department);
    const { reconsidered, rejectReason } = resolveJointDissent(joint, input, now, this.input.policy, this.calendar);
    this.touch();
    const label = input.action === 'reconsider' ? `${joint.kind}分歧：牵头部门要求复议` : `${joint.kind}分歧：牵头部门决定不予批准`;
    this.record(
      now,
      'joint-resolved',
      label,
      {
        joint: input.code,
        jointKind: joint.kind,
        action: input.action,
        department: reconsidered,
        dissenters,
        reason: input.reason,
      },
      { actor: safeActor(input.actor) },
    );
    if (reconsidered) {
      const department = reconsidered;
      const clock = joint.clocks?.find((c) => c.department === department);
      this.notify(
        'joint',
        `请复议：「${joint.kind}」会签意见`,
        { joint: input.code, jointKind: joint.kind, reason: input.reason, dueAt: clock?.due },
        { to: 'department', department },
      );
      return { reject: [], cancel: [] };
    }
    const open = joint.items.filter((c) => !isFinalItem(this.item(c).status));
    const started = open.filter((c) => this.dispatched.has(c));
    // An item not started yet (waiting on another) ends here, with what its rejection entails.
    const cancel = open
      .filter((c) => !this.dispatched.has(c))
      .flatMap((code) => {
        const decision: Decision = { decision: 'reject', reason: rejectReason!, actor: input.actor, at: now };
        return this.completeItem(
          {
            code,
            name: this.item(code).name,
            department: this.item(code).department,
            status: 'rejected',
            reason: rejectReason,
            decision,
            decisions: [decision],
          },
          now,
        );
      });
    return { reject: started, reason: rejectReason, cancel };
  }

  /** The next sign-off warning or deadline. */
  nextTimer(): JointTimer | undefined {
    return this.rules.jointClocks && this.isAccepted() && !this.state.endedAt ? nextJointTimer(this.state.joint) : undefined;
  }

  /** 预警 to the department; at the deadline 超期: the department, the lead and the coordinator are told. */
  fire(timer: JointTimer): void {
    const clock = fireJointTimer(this.state.joint, timer);
    this.touch();
    if (!clock) return;
    const joint = this.joint(timer.joint);
    const body = { joint: joint.code, jointKind: joint.kind, department: timer.department, due: clock.due };
    if (timer.kind === 'joint-warn') {
      this.notify('warning', `预警：「${joint.kind}」会签将于 ${clock.due} 到期`, body, { to: 'department', department: timer.department });
      return;
    }
    const title = `超期：${this.departmentName(timer.department)}未在 ${this.input.policy.jointDays} 个工作日内会签「${joint.kind}」`;
    this.notify('overdue', title, { ...body, escalateTo: 'department' }, { to: 'department', department: timer.department });
    this.notify('overdue', title, { ...body, escalateTo: 'lead' }, { to: 'lead', department: joint.lead });
    this.notify('overdue', title, { ...body, escalateTo: 'coordinator' }, { to: 'coordinator' });
  }

  private departmentName(code: string): string {
    return this.input.bundle.departments.find((d) => d.code === code)?.name ?? code;
  }

  // --- withdrawal --------------------------------------------------------------------------

  checkWithdraw(): void {
    // The application ends only once its items' cancellations come back: until then it is withdrawn already.
    if (this.withdrawn) throw new Refusal('StateConflict', '申请已撤回，正在结束办理');
    if (!['incomplete', 'received', 'accepted', 'in_review'].includes(this.state.status)) {
      throw new Refusal('StateConflict', `申请当前状态为 ${this.state.status}，不能撤回`);
    }
  }

  /** Returns the started items whose workflows must be cancelled. */
  withdraw(reason: string, actor: Actor, now: string): string[] {
    this.withdrawn = true;
    this.notify('withdrawn', '撤回申请确认，材料予以退还', { reason, by: actor.sub, materialsReturned: this.state.received });
    const started = this.cancelOpen([...this.defs.keys()], '申请人撤回申请', now);
    if (started.length === 0) this.finish(now);
    this.record(now, 'withdrawn', '撤回', { reason, status: this.state.status }, { actor: safeActor(actor) });
    return started;
  }

  // --- the end: one feedback, one delivery (R-7.1) --------------------------------

  finish(now: string): void {
    if (this.state.endedAt) return; // a withdrawal may have ended it already
    const notApproved = this.state.items.filter((i) => i.status !== 'approved');
    const names = (items: ItemView[]) => items.map((i) => i.name).join('、');
    let status: ApplicationStatus;
    if (this.withdrawn) {
      status = 'withdrawn';
      this.state.outcome = '申请人已撤回申请';
    } else if (this.terminatedBy) {
      status = 'terminated';
      this.state.outcome = `因「${this.item(this.terminatedBy).name}」未获批准，本件事终止办理，材料予以退还`;
    } else if (notApproved.length === 0) {
      status = 'completed';
      this.state.outcome = `全部 ${this.state.items.length} 个事项已办结`;
    } else {
      status = 'partially_completed';
      this.state.outcome = `部分办结：${names(notApproved)} 未获批准或已取消`;
    }
    Object.assign(this.state, { status, endedAt: now });
    if (status !== 'withdrawn') {
      this.notify('outcome', `办理结果告知：${this.state.outcome}`, {
        status,
        outcome: this.state.outcome,
        materialsReturned: status === 'terminated',
        items: this.state.items.map(({ code, name, status, reason }) => ({ code, name, status, reason })),
      });
    }
    this.prepareDelivery(now);
    this.recordEndIfDone(now);
    this.touch();
  }

  private approvedResults() {
    return this.state.items.filter((i) => i.status === 'approved').map((i) => ({ item: i.code, name: i.name, result: i.result }));
  }

  private prepareDelivery(now: string): void {
    const d = this.state.delivery;
    const results = this.approvedResults();
    if (results.length === 0) {
      d.status = 'none';
      return;
    }
    if (d.method === 'electronic') {
      d.status = 'delivered';
      d.events.push({ event: 'pushed', at: now });
      this.record(now, 'delivery', DELIVERY_LABELS.pushed!, { event: 'pushed', method: d.method });
      this.notify('delivery', '电子证照已推送至您的个人空间', { method: 'electronic', results });
    } else if (d.method === 'window') {
      d.status = 'ready';
      d.pickupCode = this.input.pickupCode ?? pickupCode(this.state.id);
      this.notify('delivery', `办理结果可到窗口领取，取件码 ${d.pickupCode}`, { method: 'window', pickupCode: d.pickupCode, results });
    } else {
      d.status = 'pending';
      this.notify('delivery', '办理结果将通过快递寄送', { method: 'express', address: d.address, results });
    }
  }

  deliveryOpen(): boolean {
    return this.state.delivery.status === 'ready' || this.state.delivery.status === 'pending' || this.state.delivery.status === 'shipped';
  }

  /** Each delivery event in its place: the method it belongs to, the state it follows, what it must carry. */
  checkDelivery(e: DeliveryEventInput): void {
    const d = this.state.delivery;
    const conflict = (message: string) => new Refusal('StateConflict', message);
    const method = e.event === 'picked-up' ? 'window' : 'express';
    if (d.method !== method) throw conflict(`本件送达方式为${DELIVERY_METHODS[d.method]}，不能登记${DELIVERY_LABELS[e.event] ?? e.event}`);
    const from = { shipped: 'pending', delivered: 'shipped', 'picked-up': 'ready' }[e.event];
    if (d.status !== from) {
      if (d.status === 'shipped' && e.event === 'shipped') throw conflict(`已寄出（快递单号 ${d.trackingNumber}），不能重复登记寄出`);
      if (d.status === 'pending' && e.event === 'delivered') throw conflict('尚未登记寄出，不能登记签收');
      if (d.status === 'ready' || d.status === 'pending')
        throw conflict(`办理结果尚未${d.status === 'pending' ? '寄出' : '领取'}，当前不能登记${DELIVERY_LABELS[e.event] ?? e.event}`);
      throw conflict(`送达已结束（${d.status}），不能再登记${DELIVERY_LABELS[e.event] ?? e.event}`);
    }
    if (e.event === 'shipped' && !e.trackingNumber?.trim()) throw new Refusal('InvalidDecision', '登记寄出须填写快递单号 (trackingNumber)');
    if (e.event === 'picked-up' && e.pickupCode !== d.pickupCode) throw conflict('取件码不符：请核对申请人出示的取件码 (pickupCode)');
  }

  recordDelivery(e: DeliveryEventInput, now: string): void {
    const d = this.state.delivery;
    d.events.push({ event: e.event, at: now, actor: e.actor });
    if (e.event === 'shipped') Object.assign(d, { status: 'shipped', trackingNumber: e.trackingNumber });
    else d.status = 'delivered';
    this.record(
      now,
      'delivery',
      DELIVERY_LABELS[e.event] ?? '送达',
      { event: e.event, trackingNumber: e.trackingNumber, status: this.state.status },
      { actor: safeActor(e.actor) },
    );
    this.recordEndIfDone(now);
    this.touch();
  }

  closeDelivery(now: string): void {
    this.state.delivery.status = 'closed';
    this.state.delivery.events.push({ event: 'closed', at: now });
    this.record(now, 'delivery', DELIVERY_LABELS.closed!, { event: 'closed', method: this.state.delivery.method });
    this.recordEndIfDone(now);
    this.touch();
  }

  // --- calendar ----------------------------------------------------------------------------

  setCalendar(calendar: WorkingCalendar, now: string): void {
    this.calendar = calendar;
    const moved = this.rules.reproject ? this.reproject(now) : undefined;
    this.record(now, 'calendar', '更新工作日历', { years: Object.keys(calendar.years ?? {}), ...(moved?.length ? { moved } : {}) });
    this.touch();
  }

  /**
   * The application's committed limit (承诺时限): the bundle's budget from acceptance, with the
   * application-wide waits as its ledger — every time one of its items' clocks stood (awaiting the
   * applicant's correction or material, or a §45 procedure), merged, so that a wait shared by two
   * items counts once. Counted by the ledger's rules (deadlineOf); provisional like an item's.
   */
  private projectDeadline(now: string): void {
    const s = this.state;
    if (!this.rules.reproject || !s.acceptedAt) return;
    const waits = s.items.flatMap((i) => i.suspensions ?? []);
    const limit = deadlineOf(s.acceptedAt, this.input.bundle.committedDays, waits, now, this.calendar);
    s.deadline = limit.deadline;
    s.deadlineProvisional = limit.provisional || undefined;
  }

  /** Every clock the application keeps, counted again on the calendar just published; returns what moved. */
  private reproject(now: string): { clock: string; from: string; to: string }[] {
    const s = this.state;
    const moved: { clock: string; from: string; to: string }[] = [];
    const due = (from: string, days: number) => addWorkingDays(from, days, this.calendar).deadline;
    const move = (clock: string, before: string | undefined, after: string) => {
      if (before && before !== after) moved.push({ clock, from: before, to: after });
      return after;
    };
    if (s.status === 'incomplete' && this.supplementFrom)
      s.supplementDue = move('supplement', s.supplementDue, due(this.supplementFrom, this.input.policy.intakeDays));
    const review = s.intakeReview;
    if (s.status === 'received' && review && !review.outcome)
      review.due = move('intake-review', review.due, due(review.receivedAt, this.input.policy.intakeReviewDays ?? 5));
    for (const p of s.receipt.promised) {
      if (p.from && p.days !== undefined) p.due = move(`material:${p.material}`, p.due, due(p.from, p.days));
    }
    if (this.deliveryFrom && this.deliveryOpen()) s.delivery.dueAt = move('delivery', s.delivery.dueAt, due(this.deliveryFrom, this.input.policy.deliveryDays));
    moved.push(...reprojectJoint(s.joint, this.input.policy, this.calendar));
    const before = s.deadline;
    this.projectDeadline(now);
    if (before && s.deadline) move('deadline', before, s.deadline);
    return moved;
  }

  /** Starts the delivery's clock (8.4): by its due date a pickup or shipment still open is closed. */
  openDeliveryClock(now: string): string {
    this.deliveryFrom = now;
    const due = addWorkingDays(now, this.input.policy.deliveryDays, this.calendar).deadline;
    if (this.rules.reproject && this.deliveryOpen()) this.state.delivery.dueAt = due;
    return due;
  }

  /**
   * The case file records the end once nothing is left to do: at the outcome, or when the delivery
   * is done. `close` is the workflow's last step, for an end no transition recorded (expiry).
   */
  private recordEndIfDone(now: string): void {
    if (this.state.endedAt && !this.deliveryOpen()) this.recordEnd(now);
  }

  close(now: string): void {
    if (this.recordEnd(now)) this.touch();
  }

  /** Records the end once; false when it was recorded already. */
  private recordEnd(now: string): boolean {
    if (this.endRecorded) return false;
    this.endRecorded = true;
    this.record(now, 'ended', END_LABELS[this.state.status] ?? '流程结束', { status: this.state.status, outcome: this.state.outcome });
    return true;
  }

  // --- the case file's events --------------------------------------------------------------

  private record(
    at: string,
    kind: TimelineKind,
    label: string,
    detail: Record<string, unknown>,
    about: { item?: string; actor?: TimelineActor; decision?: Decision } = {},
  ): void {
    this.eventSeq += 1;
    this.events.push(
      compact({ key: `a:${this.eventSeq}`, at, kind, item: about.item, actor: about.actor, label, detail: compact(detail), decision: about.decision }),
    );
  }

  private itemEnded(at: string, code: string, label: string, status: string, reason?: string): void {
    this.record(at, 'item-ended', label, { itemName: this.item(code).name, status, reason }, { item: code });
  }

  /** What a department did, as the item's report shows it: new decisions (its own and the clock's) and a take. */
  private recordItemActs(view: ItemView, report: ItemState, now: string): void {
    for (const d of (report.decisions ?? []).slice(view.decisions?.length ?? 0)) {
      const system = d.actor?.sub === 'system';
      this.record(
        d.at ?? now,
        'decision',
        decisionLabel(d),
        { ...decisionDetail(view.name, d), ...(system ? {} : { status: report.status }) },
        { item: view.code, actor: safeActor(d.actor, d.actingFor), decision: d },
      );
    }
    const a = report.assignee;
    if (a && a.at !== view.assignee?.at) {
      const b = a.post === 'B';
      this.record(
        a.at,
        'taken',
        b ? 'B岗代为办理' : '领取任务',
        { itemName: view.name, status: report.status },
        {
          item: view.code,
          actor: compact({ sub: a.sub, role: 'department', dept: report.department, post: a.post, actingFor: b ? ('A' as const) : undefined }),
        },
      );
    }
  }

  private notify(
    kind: NoticeKind,
    title: string,
    body: Record<string, unknown>,
    { to, department }: { to: Audience; department?: string } = { to: 'applicant' },
  ): void {
    this.noticeSeq += 1;
    this.outbox.push({ key: `application:${kind}:${this.noticeSeq}`, kind, to, ...(department ? { department } : {}), title, body });
  }

  private touch(): void {
    this.state.revision += 1;
  }
}

const DELIVERY_METHODS: Record<string, string> = { electronic: '电子送达', window: '窗口领取', express: '快递寄送' };

/** Before the API drew pickup codes: six digits derived from the application id (replay gives the same). */
function pickupCode(id: string): string {
  let h = 7;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
  return String(h).padStart(6, '0');
}
