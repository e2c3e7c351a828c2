// Checks on a published calendar year beyond its JSON shape: real dates of that year,
// make-up working days (调休) only on weekends, no date both a holiday and a working day.
import type { CalendarYear } from '../workflows/shared/working-days.js';
import type { ErrorDetail } from './errors.js';

/** The UTC weekday (0 = Sunday) of a real `YYYY-MM-DD` date, or undefined for 2026-02-30 and the like. */
function weekdayOf(date: string): number | undefined {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  return new Date(ms).getUTCDay();
}

/** Every bad date at once, each named by its place in the body (`holidays[2]`); empty: publishable. */
export function checkCalendarYear(year: number, data: CalendarYear): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const check = (list: 'holidays' | 'workdays', dates: string[]) =>
    dates.forEach((date, i) => {
      const field = `${list}[${i}]`;
      const weekday = weekdayOf(date);
      if (weekday === undefined) problems.push({ field, message: `${date} is not a date` });
      else if (!date.startsWith(`${year}-`)) problems.push({ field, message: `${date} is not in ${year}` });
      else if (dates.indexOf(date) !== i) problems.push({ field, message: `${date} is listed twice` });
      else if (list === 'workdays' && weekday !== 0 && weekday !== 6) {
        problems.push({ field, message: `${date} is a weekday; make-up working days (调休) fall on a weekend` });
      } else if (list === 'workdays' && data.holidays.includes(date)) {
        problems.push({ field, message: `${date} is also a holiday` });
      }
    });
  check('holidays', data.holidays);
  check('workdays', data.workdays);
  return problems;
}
