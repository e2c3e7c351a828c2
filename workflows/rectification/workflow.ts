// 差评整改 (DB32/T 4660, standard 10.4): a bad review becomes a work order to the responsible
// department — check, rectify, reply to the evaluator, return visit — on a working-day clock with
// a reminder and escalations; the evaluator may appeal and a coordinator decides.
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { calendarPublished } from '../shared/calendar-published.js';
import { nextClockEvent } from '../shared/case-clock.js';
import { activities, changedBy, setCheckedUpdate } from '../shared/kit.js';
import { addWorkingDays } from '../shared/working-days.js';
import { STEP_UPDATES, rectificationState, type RectificationInput, type RectificationState, type Step, type StepInput } from './messages.js';
import { RectificationRecord } from './state.js';

const { sendNotices, syncCase } = activities;

/** Working days the evaluator has to appeal after the return visit. */
const APPEAL_DAYS = 5;

export async function rectificationWorkflow(input: RectificationInput): Promise<RectificationState> {
  const r = new RectificationRecord(input, now());
  setHandler(rectificationState, () => r.state);
  setHandler(calendarPublished, ({ calendar }) => r.setCalendar(calendar));
  for (const [step, update] of Object.entries(STEP_UPDATES) as [Step, (typeof STEP_UPDATES)[Step]][]) {
    setCheckedUpdate(
      update,
      (s: StepInput) => {
        r.apply(step, s, now());
        return r.state;
      },
      (s: StepInput) => r.check(step, s),
    );
  }

  const publish = async () => {
    const notices = r.outbox.splice(0);
    if (notices.length) await sendNotices({ applicationId: input.applicationId, notices });
    await syncCase(caseRow(r.state));
  };

  // Until closed, and then through the appeal window (an appeal reopens the loop).
  for (;;) {
    const seen = r.revision;
    await publish();
    if (r.state.status === 'closed') {
      const appealBy = addWorkingDays(r.state.closedAt!, APPEAL_DAYS, r.calendar).deadline;
      if (!(await changedBy(() => r.revision !== seen, appealBy))) break;
      continue;
    }
    // While a coordinator weighs the department's appeal, its clock does not press it.
    const event = r.state.status === 'disputed' ? undefined : nextClockEvent(r.state.clock);
    if (!(await changedBy(() => r.revision !== seen, event?.at)) && event) {
      if (event.kind === 'remind') r.remind();
      else r.escalate(event.level);
    }
  }
  await condition(allHandlersFinished);
  return r.state;
}

export function caseRow(s: RectificationState) {
  return {
    id: s.id,
    kind: 'rectification' as const,
    applicationId: s.applicationId,
    department: s.department,
    type: s.outcome ?? null,
    status: s.status,
    dueAt: s.clock.dueAt,
    overdue: s.overdue,
    replied: s.steps.some((x) => x.step === 'reply'),
    rectified: s.steps.some((x) => x.step === 'rectify'),
    visited: s.steps.some((x) => x.step === 'return-visit'),
    closedAt: s.closedAt ?? null,
  };
}

const now = () => new Date().toISOString();
