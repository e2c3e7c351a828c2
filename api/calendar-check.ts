// Checks on a published calendar year beyond its JSON shape: real dates of that year (or of
// the previous year's late December, which its notice may decide), make-up working days (调休) only
// on weekends, no date both a holiday and a working day.
import { LATE_DECEMBER_FROM, type CalendarYear } from '../workflows/shared/working-days.js';
import type { ErrorDetail } from './errors.js';

/** The UTC weekday (0 = Sunday) of a real `YYYY-MM-DD` date, or undefined for 2026-02-30 and the like. */
function weekdayOf(date: string): number | undefined {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  return new Date(ms).getUTCDay();
}

/** Every bad date at once, each named by its place in the body (`holidays[2]`); empty: publishable. */
export function checkCalendarYear(year: number, data: CalendarYear & { source?: { issuedOn: string } }): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const check = (list: 'holidays' | 'workdays', dates: string[]) =>
    dates.forEach((date, i) => {
      const field = `${list}[${i}]`;
      const weekday = weekdayOf(date);
      if (weekday === undefined) problems.push({ field, message: `${date} is not a date` });
      else if (!date.startsWith(`${year}-`) && !(date.startsWith(`${year - 1}-`) && date.slice(5) >= LATE_DECEMBER_FROM)) {
        problems.push({
          field,
          message: `${date} is neither in ${year} nor in the late December (from ${year - 1}-${LATE_DECEMBER_FROM}) its notice may decide`,
        });
      } else if (dates.indexOf(date) !== i) problems.push({ field, message: `${date} is listed twice` });
      else if (list === 'workdays' && weekday !== 0 && weekday !== 6) {
        problems.push({ field, message: `${date} is a weekday; make-up working days (调休) fall on a weekend` });
      } else if (list === 'workdays' && data.holidays.includes(date)) {
        problems.push({ field, message: `${date} is also a holiday` });
      }
    });
  check('holidays', data.holidays);
  check('workdays', data.workdays);
  if (data.source && weekdayOf(data.source.issuedOn) === undefined)
    problems.push({ field: 'source.issuedOn', message: `${data.source.issuedOn} is not a date` });
  return problems;
}
