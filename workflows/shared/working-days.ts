// Working-day arithmetic in the Asia/Shanghai calendar. Pure and deterministic: it runs in
// the workflow sandbox, so no clock, no Intl, no imports. Shanghai is a fixed UTC+08:00 (no DST),
// so a Shanghai date is the UTC date of the instant shifted by eight hours.

/** One published year (State Council notice). Dates are `YYYY-MM-DD`. */
export interface CalendarYear {
  holidays: string[];
  /** Make-up working days (调休) that fall on a weekend. */
  workdays: string[];
}

/** Keyed by year, e.g. "2026". A year absent here is unpublished: Monday–Friday, provisionally. */
export interface WorkingCalendar {
  years: Record<string, CalendarYear>;
}

export interface Deadline {
  /** End of the last working day, 23:59:59.999 in Shanghai, as an ISO instant in UTC. */
  deadline: string;
  /** That last working day, `YYYY-MM-DD` in Shanghai. */
  date: string;
  /** The result depends on a year not yet published: recompute it once that year is published. */
  provisional: boolean;
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// An instant must carry its offset: a bare local time would be read in the host's zone.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Days since 1970-01-01; throws on anything that is not a real `YYYY-MM-DD` date. */
function dayNumber(date: string): number {
  const m = DATE.exec(date);
  const day = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS : NaN;
  // The round trip rejects 2026-02-30 (which Date.UTC would roll over) and years below 100.
  if (Number.isNaN(day) || dateOfDay(day) !== date) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return day;
}

function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function yearOf(cal: WorkingCalendar, date: string): CalendarYear | undefined {
  return cal.years[date.slice(0, 4)];
}

/** The `YYYY-MM-DD` date in Shanghai of an instant; a bare date is taken as a Shanghai date already. */
export function shanghaiDate(instant: string | Date): string {
  if (typeof instant === 'string' && DATE.test(instant)) return dateOfDay(dayNumber(instant));
  if (typeof instant === 'string') {
    if (!INSTANT.test(instant)) throw new RangeError(`not an ISO instant with an offset: ${instant}`);
    dayNumber(instant.slice(0, 10)); // Date.parse would roll 02-30 over into March
  }
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`invalid instant: ${String(instant)}`);
  return dateOfDay(Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS));
}

export function isWorkingDay(date: string, cal: WorkingCalendar): boolean {
  return isWorkingDayNumber(dayNumber(date), cal);
}

// The loops below walk day numbers, so they skip re-validating each date they produce.
function isWorkingDayNumber(day: number, cal: WorkingCalendar): boolean {
  const date = dateOfDay(day);
  const weekend = weekday(day) === 0 || weekday(day) === 6;
  const year = yearOf(cal, date);
  if (!year) return !weekend;
  if (year.holidays.includes(date)) return false;
  return !weekend || year.workdays.includes(date);
}

/** 23:59:59.999 +08:00 of a Shanghai date, in UTC. */
function endOfDay(date: string): string {
  return new Date((dayNumber(date) + 1) * DAY_MS - SHANGHAI_OFFSET_MS - 1).toISOString();
}

/**
 * The end of the Nth working day after the Shanghai date of `from`; that day itself is not
 * counted (期间开始之日不计算在内). 0 days gives the end of the day of `from`.
 */
export function addWorkingDays(from: string | Date, days: number, cal: WorkingCalendar): Deadline {
  if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer: ${days}`);
  let day = dayNumber(shanghaiDate(from));
  let provisional = false;
  for (let counted = 0; counted < days; ) {
    day += 1;
    // Even a skipped weekend in an unpublished year may turn out to be a make-up day.
    if (!yearOf(cal, dateOfDay(day))) provisional = true;
    if (isWorkingDayNumber(day, cal)) counted += 1;
  }
  const date = dateOfDay(day);
  return { deadline: endOfDay(date), date, provisional };
}

/** Working days d with afterDate < d <= untilDate. */
export function workingDaysBetween(afterDate: string, untilDate: string, cal: WorkingCalendar): number {
  const last = dayNumber(untilDate);
  let count = 0;
  for (let day = dayNumber(afterDate) + 1; day <= last; day += 1) {
    if (isWorkingDayNumber(day, cal)) count += 1;
  }
  return count;
}

export interface Suspension {
  from: string;
  /** Absent while the suspension is still open: it runs until `now`. */
  to?: string;
}

/**
 * A limit is a budget of working days plus a ledger of suspensions: each suspension gives
 * back the working days it covered, the day it began excluded and the day it ended included (the
 * department could not act on it in full). An open suspension runs to `now`, so the deadline moves
 * on while it stays open. Suspensions are assumed not to overlap; overlapping ones count twice.
 */
export function deadlineOf(
  start: string,
  limitDays: number,
  suspensions: Suspension[],
  now: string,
  cal: WorkingCalendar,
): Deadline {
  if (!Number.isSafeInteger(limitDays) || limitDays < 0) {
    throw new RangeError(`limitDays must be a non-negative integer: ${limitDays}`);
  }
  const suspended = suspensions.reduce(
    (sum, s) => sum + workingDaysBetween(shanghaiDate(s.from), shanghaiDate(s.to ?? now), cal),
    0,
  );
  return addWorkingDays(start, limitDays + suspended, cal);
}

/** Working days since `start`, its own day not counted; suspensions are not subtracted. */
export function elapsedWorkingDays(start: string, now: string, cal: WorkingCalendar): number {
  return workingDaysBetween(shanghaiDate(start), shanghaiDate(now), cal);
}
