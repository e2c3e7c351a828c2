// A 12345 work order's state and its pure transitions: the department's reply, the hotline's return
// visit, the clock's reminder and escalations (督办), a published calendar. No Temporal APIs here.
import type { Actor } from '../shared/actor.js';
import { caseClock, nextClockEvent, recountClock, type ClockEvent } from '../shared/case-clock.js';
import { caseNotice, type Notice } from '../shared/notices.js';
import { Refusal } from '../shared/refusal.js';
import type { WorkingCalendar } from '../shared/working-days.js';
import { TICKET_LABELS, type TicketInput, type TicketState } from './messages.js';

export class TicketRecord {
  readonly state: TicketState;
  readonly outbox: Notice[] = [];
  revision = 0;
  private noticeSeq = 0;
  private readonly label: string;

  constructor(
    private readonly input: TicketInput,
    now: string,
  ) {
    this.state = {
      id: input.id,
      type: input.type,
      subject: input.subject,
      applicationId: input.applicationId,
      department: input.department,
      status: 'dispatched',
      clock: caseClock(now, input.days, input.calendar),
      overdue: false,
    };
    this.label = `12345${TICKET_LABELS[input.type]}工单`;
    this.notify('department', `${this.label}派单：${input.subject}（${this.state.clock.dueAt} 前办结）`);
  }

  checkReply({ text, actor }: { text: string; actor: Actor }): void {
    if (this.state.status !== 'dispatched') throw new Refusal('StateConflict', `工单当前状态为 ${this.state.status}`);
    if (actor.role !== 'department' || actor.dept !== this.input.department) throw new Refusal('StateConflict', `工单已派至 ${this.input.department}`);
    if (!text?.trim()) throw new Refusal('InvalidDecision', '办理回复不能为空 (text)');
  }

  reply({ text, actor }: { text: string; actor: Actor }, now: string): void {
    Object.assign(this.state, { reply: { text, actor, at: now }, status: 'replied' });
    this.revision += 1;
  }

  checkClose({ actor }: { actor: Actor }): void {
    if (this.state.status !== 'replied') throw new Refusal('StateConflict', '部门回复后方可回访办结');
    if (actor.role !== 'hotline' && actor.role !== 'coordinator') throw new Refusal('StateConflict', '回访由12345热线办理');
  }

  close({ satisfied, note, actor }: { satisfied: boolean; note: string; actor: Actor }, now: string): void {
    Object.assign(this.state, { visit: { satisfied, note, actor, at: now }, status: 'closed', closedAt: now });
    this.revision += 1;
  }

  setCalendar(calendar: WorkingCalendar): void {
    this.state.clock = recountClock(this.state.clock, calendar);
    this.revision += 1;
  }

  /** Once the department has replied the SLA is met; the hotline's return visit is not on its clock. */
  nextEvent(): ClockEvent | undefined {
    return this.state.status === 'dispatched' ? nextClockEvent(this.state.clock) : undefined;
  }

  /** A reminder before the due date; when overdue, escalation to the coordinator and the department. */
  fire(event: ClockEvent): void {
    const { subject } = this.input;
    if (event.kind === 'remind') {
      this.state.clock.reminded = true;
      this.notify('department', `${this.label}即将到期：${subject}`);
    } else {
      this.state.overdue = true;
      this.state.clock.escalations = event.level;
      this.notify('coordinator', `${this.label}超期督办（第 ${event.level} 次）：${subject}`);
      this.notify('department', `${this.label}超期督办（第 ${event.level} 次）：${subject}`);
    }
    this.revision += 1;
  }

  private notify(to: Notice['to'], title: string): void {
    const { id, department, type } = this.input;
    this.outbox.push(caseNotice('ticket', id, ++this.noticeSeq, department, to, title, { ticket: id, type }));
  }
}
