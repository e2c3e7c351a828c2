// A 12345 work order routed to the responsible department, with its SLA by type: a reminder before
// the due date, escalation (督办) when overdue and again five working days later; closed by the
// hotline's return visit (回访) after the department's reply. The rules: state.ts.
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { calendarPublished } from '../shared/calendar-published.js';
import { activities, changedBy, setCheckedUpdate } from '../shared/kit.js';
import { closeTicket, replyTicket, ticketState, type TicketInput, type TicketState } from './messages.js';
import { TicketRecord } from './state.js';

const { sendNotices, syncCase } = activities;

export async function ticketWorkflow(input: TicketInput): Promise<TicketState> {
  const ticket = new TicketRecord(input, now());
  const state = ticket.state;

  setHandler(ticketState, () => state);
  setHandler(calendarPublished, ({ calendar }) => ticket.setCalendar(calendar));
  setCheckedUpdate(
    replyTicket,
    (reply) => {
      ticket.reply(reply, now());
      return state;
    },
    (reply) => ticket.checkReply(reply),
  );
  setCheckedUpdate(
    closeTicket,
    (visit) => {
      ticket.close(visit, now());
      return state;
    },
    (visit) => ticket.checkClose(visit),
  );

  while (state.status !== 'closed') {
    const seen = ticket.revision;
    await publish();
    const event = ticket.nextEvent();
    if (!(await changedBy(() => ticket.revision !== seen, event?.at)) && event) ticket.fire(event);
  }
  await publish();
  await condition(allHandlersFinished);
  return state;

  async function publish() {
    const notices = ticket.outbox.splice(0);
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

const now = () => new Date().toISOString();
