// Working-day arithmetic in the Asia/Shanghai calendar. Pure and deterministic: it runs in
// the workflow sandbox, so no clock, no Intl, no imports. Shanghai is a fixed UTC+08:00 (no DST),
// so a Shanghai date is the UTC date of the instant shifted by eight hours.

/**
 * One published year (State Council notice). Dates are `YYYY-MM-DD`. A notice may also list days
 * of the previous year's late December (from LATE_DECEMBER_FROM), which it then decides.
 */
export interface CalendarYear {
  holidays: string[];
  /** Make-up working days (调休) that fall on a weekend. */
  workdays: string[];
}

/** The notice a year was entered from, kept with the stored year (not needed to count days). */
export interface CalendarSource {
  /** The notice's title, with its document number where known. */
  notice: string;
  /** The day it was issued, `YYYY-MM-DD`. */
  issuedOn: string;
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

/**
 * The days of a year's late December that the next year's notice may still change: the State
 * Council moved 2018-12-29/30/31 in its 2019 notice (国办发明电〔2018〕15号). A notice therefore may
 * list such days of the year before, and they stay provisional until that notice is published.
 */
export const LATE_DECEMBER_FROM = '12-25';

function nextYearOf(cal: WorkingCalendar, date: string): CalendarYear | undefined {
  return date.slice(5) >= LATE_DECEMBER_FROM ? cal.years[String(Number(date.slice(0, 4)) + 1)] : undefined;
}

/** A day whose kind a notice not yet published may still decide. */
function unsettled(day: number, cal: WorkingCalendar): boolean {
  const date = dateOfDay(day);
  return !yearOf(cal, date) || (date.slice(5) >= LATE_DECEMBER_FROM && !nextYearOf(cal, date));
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
  // The next year's notice has the last word on the late December days it lists.
  const next = nextYearOf(cal, date);
  if (next?.holidays.includes(date)) return false;
  if (next?.workdays.includes(date)) return true;
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
  for (let counted = 0; counted < days;) {
    day += 1;
    // Even a skipped weekend in an unpublished year may turn out to be a make-up day.
    if (unsettled(day, cal)) provisional = true;
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
 * A limit is a budget of working days plus a ledger of suspensions (R-6.2, 行政许可法 §45 and the
 * 补正 rule of §32). The rule for the edge days, written down because the statute leaves it to us:
 *
 * - The day a suspension begins counts: the department could act on it (it acted that day).
 * - The day it ends is not counted: the limit restarts then, and 期间开始之日不计算在内
 *   (民法典 §201, 行政许可法 §82 by reference) applies to the restarted period as to the first.
 *   So a suspension gives back the working days d with begin < d <= end, in Shanghai dates; one
 *   begun and ended within one day gives back nothing, one from 23:30 to 00:30 gives back a day.
 * - An expired limit stays expired: a suspension that begins after the last day gives nothing back.
 *   One that begins on the last day is in time; the limit then runs out on the day the clock
 *   restarts, or on the first working day after it when that is a rest day (期间届满的最后一日是
 *   法定休假日的，以法定休假日结束的次日为期间的最后一日, 民法典 §203) — never inside the suspension.
 * - Overlapping suspensions are one wait: the ledger is merged before counting, never counted twice.
 *
 * An open suspension runs to `now`, so the deadline moves on while it stays open. Workflows begun
 * before the patch `ledger-rules` count with legacyDeadlineOf below.
 */
export function deadlineOf(start: string, limitDays: number, suspensions: Suspension[], now: string, cal: WorkingCalendar): Deadline {
  checkLimit(limitDays);
  let day = dayNumber(shanghaiDate(start));
  let left = limitDays;
  let provisional = false;
  const advance = (): boolean => {
    day += 1;
    if (unsettled(day, cal)) provisional = true;
    return isWorkingDayNumber(day, cal);
  };
  for (const wait of mergedWaits(suspensions, now)) {
    while (left > 0 && day < wait.from) if (advance()) left -= 1;
    // The limit ran out on a day before this wait began: neither it nor any later one gives time back.
    if (day < wait.from) break;
    while (day < wait.to) advance();
    // Began on the last day: the limit runs out when the clock restarts, on a working day.
    if (left === 0) while (!isWorkingDayNumber(day, cal)) advance();
  }
  while (left > 0) if (advance()) left -= 1;
  const date = dateOfDay(day);
  return { deadline: endOfDay(date), date, provisional };
}

/** The ledger as day spans (Shanghai day numbers), in order, overlapping waits merged by instant. */
function mergedWaits(suspensions: Suspension[], now: string): { from: number; to: number }[] {
  const spans = suspensions
    .map((s) => ({ from: instantMs(s.from), to: instantMs(s.to ?? now) }))
    .map((s) => ({ from: s.from, to: Math.max(s.from, s.to) }))
    .sort((a, b) => a.from - b.from);
  const merged: typeof spans = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else merged.push({ ...s });
  }
  // The Shanghai day of each bound (the same shift shanghaiDate applies).
  const day = (ms: number) => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
  return merged.map((s) => ({ from: day(s.from), to: day(s.to) }));
}

/** An instant, or a bare Shanghai date taken as its start; validated as shanghaiDate validates. */
function instantMs(instant: string): number {
  const date = shanghaiDate(instant);
  return DATE.test(instant) ? dayNumber(date) * DAY_MS - SHANGHAI_OFFSET_MS : Date.parse(instant);
}

/**
 * Before the patch `ledger-rules`: each suspension gave back the working days it covered, even one
 * begun after the limit had run out, and overlapping ones counted twice. Kept for replay only.
 */
export function legacyDeadlineOf(start: string, limitDays: number, suspensions: Suspension[], now: string, cal: WorkingCalendar): Deadline {
  checkLimit(limitDays);
  const suspended = suspensions.reduce((sum, s) => sum + workingDaysBetween(shanghaiDate(s.from), shanghaiDate(s.to ?? now), cal), 0);
  return addWorkingDays(start, limitDays + suspended, cal);
}

function checkLimit(limitDays: number): void {
  if (!Number.isSafeInteger(limitDays) || limitDays < 0) {
    throw new RangeError(`limitDays must be a non-negative integer: ${limitDays}`);
  }
}

/** Working days since `start`, its own day not counted; suspensions are not subtracted. */
export function elapsedWorkingDays(start: string, now: string, cal: WorkingCalendar): number {
  return workingDaysBetween(shanghaiDate(start), shanghaiDate(now), cal);
}
