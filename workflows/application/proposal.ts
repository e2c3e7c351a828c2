// 政策服务免申办: an application proposed by a life event (a death registered, a retirement age
// reached) waits for its subject to confirm, decline, or let it expire. The proposal's state and its
// pure transitions; once confirmed, the application proceeds as a submission (ApplicationRecord).
// No Temporal APIs here.
import { safeActor, type CaseEvent, type TimelineKind } from '../shared/case-events.js';
import type { Actor } from '../shared/actor.js';
import type { Notice, NoticeKind } from '../shared/notices.js';
import { Refusal } from '../shared/refusal.js';
import { addWorkingDays, type WorkingCalendar } from '../shared/working-days.js';
import type { ApplicationInput, ApplicationState, ConfirmInput, ProposalInput } from './messages.js';
import { bundleSummary } from './state.js';

export class ProposalRecord {
  readonly state: ApplicationState & { proposal: NonNullable<ApplicationState['proposal']> };
  readonly outbox: Notice[] = [];
  readonly events: CaseEvent[] = [];
  /** The subject's confirmation, once given. */
  confirmation?: ConfirmInput;
  /** The application has taken over from the proposal (its state answers from now on). */
  submitted = false;
  private readonly proposal: ProposalInput;
  private seq = 0;

  constructor(
    private readonly input: ApplicationInput & { proposal: ProposalInput },
    now: string,
  ) {
    this.proposal = input.proposal;
    const { bundle, proposal } = input;
    this.state = {
      id: input.id,
      number: input.number,
      bundle: bundleSummary(bundle),
      status: 'proposed',
      channel: input.channel,
      applicant: input.applicant,
      owner: input.owner,
      submittedBy: input.submittedBy,
      // Nothing reaches a department before the subject confirms: no items, no materials.
      items: [],
      receipt: { number: input.number, time: now, items: [], materials: [], promised: [] },
      received: [],
      joint: [],
      delivery: { ...input.delivery, status: 'none', events: [] },
      createdAt: now,
      proposal: { event: proposal.event, proposedAt: now, ...(input.region ? { region: input.region } : {}), expiresAt: this.expiry(now, input.calendar) },
      revision: 1,
    };
    this.record(now, 'proposed', '主动服务：依事件生成待确认申请', { event: proposal.event, expiresAt: this.state.proposal.expiresAt }, input.submittedBy);
    this.notify('proposed', `「${bundle.name}」可为您主动办理，请确认`, {
      bundle: bundle.code,
      event: proposal.event,
      expiresAt: this.state.proposal.expiresAt,
    });
  }

  /** Waiting for its subject: neither confirmed, declined nor expired. */
  get open(): boolean {
    return this.state.status === 'proposed' && !this.confirmation;
  }

  /** A newly published calendar moves the expiry (counted from the proposal, in working days). */
  setCalendar(calendar: WorkingCalendar): void {
    if (!this.open) return;
    this.state.proposal.expiresAt = this.expiry(this.state.proposal.proposedAt, calendar);
    this.touch();
  }

  checkOpen(): void {
    if (this.confirmation) throw new Refusal('StateConflict', '申请人已确认办理，申请已提交');
    if (!this.open) throw new Refusal('StateConflict', `申请当前状态为 ${this.state.status}，已不再等待确认`);
  }

  /** What a submitted application's acts (supplements, sign-offs, delivery …) meet before it is submitted. */
  refuseUntilSubmitted(): never {
    throw new Refusal('StateConflict', '申请待申请人确认，尚未提交');
  }

  confirm(confirmation: ConfirmInput, now: string): void {
    this.confirmation = confirmation;
    this.state.proposal.confirmedAt = now;
    this.record(now, 'confirmed', '申请人确认办理', { channel: confirmation.channel }, confirmation.submittedBy);
  }

  decline(reason: string, actor: Actor, now: string): void {
    this.state.proposal.declinedAt = now;
    this.end(now, 'withdrawn', '申请人谢绝主动服务，未办理');
    this.record(now, 'declined', '谢绝办理', { reason }, actor);
    this.recordEnd(now);
  }

  expire(now: string): void {
    this.end(now, 'expired', '逾期未确认，主动服务已失效');
    this.notify('proposal-expired', `「${this.input.bundle.name}」主动服务逾期未确认，已失效`, {
      bundle: this.input.bundle.code,
      expiresAt: this.state.proposal.expiresAt,
    });
    this.recordEnd(now);
  }

  /**
   * The input the application proceeds with once confirmed: the confirmation's parts replace the
   * proposal's; `proposal` stays, so the application shows the event it came from.
   */
  confirmedInput(): ApplicationInput {
    if (!this.confirmation) throw new Error('not confirmed');
    return { ...this.input, ...this.confirmation };
  }

  private expiry(from: string, calendar: WorkingCalendar): string {
    return addWorkingDays(from, this.proposal.days, calendar).deadline;
  }

  private end(now: string, status: 'withdrawn' | 'expired', outcome: string): void {
    Object.assign(this.state, { status, endedAt: now, outcome });
    this.touch();
  }

  private recordEnd(now: string): void {
    this.record(now, 'ended', this.state.status === 'expired' ? '主动服务失效' : '办理结束（谢绝）', {
      status: this.state.status,
      outcome: this.state.outcome,
    });
  }

  private record(at: string, kind: TimelineKind, label: string, detail: Record<string, unknown>, actor?: Actor): void {
    this.seq += 1;
    this.events.push({ key: `p:${this.seq}`, at, kind, label, detail, ...(actor && safeActor(actor) ? { actor: safeActor(actor) } : {}) });
  }

  private notify(kind: NoticeKind, title: string, body: Record<string, unknown>): void {
    this.outbox.push({ key: `proposal:${kind}`, kind, to: 'applicant', title, body });
  }

  private touch(): void {
    this.state.revision += 1;
  }
}
