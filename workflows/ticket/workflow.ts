// A 12345 work order routed to the responsible department, with its SLA by type: a reminder before
// the due date, escalation (督办) when overdue and again five working days later; closed by the
// hotline's return visit (回访) after the department's reply.
import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import { calendarPublished } from '../shared/calendar-published.js';
import { caseClock, nextClockEvent, recountClock } from '../shared/case-clock.js';
import type { Notice } from '../shared/notices.js';
import { TICKET_LABELS, closeTicket, replyTicket, ticketState, type TicketInput, type TicketState } from './messages.js';

const { sendNotices, syncCase } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { maximumInterval: '1m' },
});

export async function ticketWorkflow(input: TicketInput): Promise<TicketState> {
  const state: TicketState = {
    id: input.id,
    type: input.type,
    subject: input.subject,
    applicationId: input.applicationId,
    department: input.department,
    status: 'dispatched',
    clock: caseClock(new Date().toISOString(), input.days, input.calendar),
    overdue: false,
  };
  const outbox: Notice[] = [];
  let revision = 0;
  let noticeSeq = 0;
  const notify = (to: Notice['to'], title: string) => {
    noticeSeq += 1;
    outbox.push({
      key: `ticket:${input.id}:${noticeSeq}`,
      kind: 'ticket',
      to,
      department: to === 'department' ? input.department : undefined,
      title,
      body: { ticket: input.id, type: input.type },
    });
  };
  const label = `12345${TICKET_LABELS[input.type]}工单`;
  notify('department', `${label}派单：${input.subject}（${state.clock.dueAt} 前办结）`);

  setHandler(ticketState, () => state);
  setHandler(calendarPublished, ({ calendar }) => {
    state.clock = recountClock(state.clock, calendar);
    revision += 1;
  });
  setHandler(
    replyTicket,
    ({ text, actor }) => {
      state.reply = { text, actor, at: new Date().toISOString() };
      state.status = 'replied';
      revision += 1;
      return state;
    },
    {
      validator: ({ text, actor }) => {
        if (state.status !== 'dispatched') throw refusal('StateConflict', `工单当前状态为 ${state.status}`);
        if (actor.role !== 'department' || actor.dept !== input.department) throw refusal('StateConflict', `工单已派至 ${input.department}`);
        if (!text?.trim()) throw refusal('InvalidDecision', '办理回复不能为空 (text)');
      },
    },
  );
  setHandler(
    closeTicket,
    ({ satisfied, note, actor }) => {
      state.visit = { satisfied, note, actor, at: new Date().toISOString() };
      state.status = 'closed';
      state.closedAt = state.visit.at;
      revision += 1;
      return state;
    },
    {
      validator: ({ actor }) => {
        if (state.status !== 'replied') throw refusal('StateConflict', '部门回复后方可回访办结');
        if (actor.role !== 'hotline' && actor.role !== 'coordinator') throw refusal('StateConflict', '回访由12345热线办理');
      },
    },
  );

  while (state.status !== 'closed') {
    const seen = revision;
    await publish();
    // Once the department has replied the SLA is met; the hotline's return visit is not on its clock.
    const event = state.status === 'dispatched' ? nextClockEvent(state.clock) : undefined;
    const woke = event
      ? await condition(() => revision !== seen, Math.max(1, Date.parse(event.at) - Date.now()))
      : (await condition(() => revision !== seen), true);
    if (woke || !event) continue;
    if (event.kind === 'remind') {
      state.clock.reminded = true;
      notify('department', `${label}即将到期：${input.subject}`);
    } else {
      state.overdue = true;
      state.clock.escalations = event.level;
      notify('coordinator', `${label}超期督办（第 ${event.level} 次）：${input.subject}`);
      notify('department', `${label}超期督办（第 ${event.level} 次）：${input.subject}`);
    }
    revision += 1;
  }
  await publish();
  await condition(allHandlersFinished);
  return state;

  async function publish() {
    const notices = outbox.splice(0);
    if (notices.length) await sendNotices({ applicationId: input.applicationId ?? `ticket:${input.id}`, notices });
    await syncCase({
      id: state.id,
      kind: 'ticket',
      applicationId: state.applicationId ?? null,
      department: state.department,
      type: state.type,
      status: state.status,
      dueAt: state.clock.dueAt,
      overdue: state.overdue,
      replied: !!state.reply,
      rectified: false,
      visited: !!state.visit,
      closedAt: state.closedAt ?? null,
    });
  }
}

const refusal = (type: 'StateConflict' | 'InvalidDecision', message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });
