// The clock of a supervised case (rectification, 12345 ticket): a due date in working days,
// a reminder before it and escalations after it. Pure.
import { addWorkingDays, type WorkingCalendar } from './working-days.js';

export interface CaseClock {
  /** The clock's start and budget, so that a newly published calendar can count it again (absent in clocks begun before). */
  from?: string;
  days?: number;
  dueAt: string;
  remindAt: string;
  /** Escalations: when overdue (督办) and again after `reEscalateDays` more working days. */
  escalateAt: string[];
  reminded: boolean;
  escalations: number;
}

export function caseClock(start: string, days: number, calendar: WorkingCalendar, reEscalateDays = 5): CaseClock {
  const due = addWorkingDays(start, days, calendar).deadline;
  // Remind one working day before the due date (the same day for a one-day or same-day limit).
  const remindAt = addWorkingDays(start, Math.max(0, days - 1), calendar).deadline;
  const remind = remindAt === due ? new Date(Date.parse(due) - 4 * 3_600_000).toISOString() : remindAt;
  return {
    from: start,
    days,
    dueAt: due,
    remindAt: remind,
    escalateAt: [due, addWorkingDays(due, reEscalateDays, calendar).deadline],
    reminded: false,
    escalations: 0,
  };
}

/** The same clock counted on another calendar; the reminder and escalations already made stand. */
export function recountClock(clock: CaseClock, calendar: WorkingCalendar): CaseClock {
  if (clock.from === undefined || clock.days === undefined) return clock;
  return { ...caseClock(clock.from, clock.days, calendar), reminded: clock.reminded, escalations: clock.escalations };
}

export type ClockEvent = { kind: 'remind'; at: string } | { kind: 'escalate'; at: string; level: number };

/** The next reminder or escalation still to come, if any. */
export function nextClockEvent(clock: CaseClock): ClockEvent | undefined {
  if (!clock.reminded) return { kind: 'remind', at: clock.remindAt };
  const at = clock.escalateAt[clock.escalations];
  return at ? { kind: 'escalate', at, level: clock.escalations + 1 } : undefined;
}
