// An independent count of working days for tests of legal time limits: weekdays, less the seeded
// calendar's holidays (and any extra ones), plus its make-up working days — walked day by day, not
// with the module under test. The limit runs out at the end of the nth working day after `from`'s
// day, in Asia/Shanghai (15:59:59.999Z).
import { seedCalendar } from '../../db/catalogue/calendar.js';

const DAY = 86_400_000;
const day = (date: string) => Date.parse(`${date}T00:00:00Z`);
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `from` may be an instant; its Shanghai date is where the count starts. */
export function nthWorkingDayEnd(from: string, n: number, extraHolidays: string[] = []): string {
  const cal = seedCalendar.years;
  const works = (d: string) => {
    const y = cal[d.slice(0, 4)];
    if (y?.holidays.includes(d) || extraHolidays.includes(d)) return false;
    if (y?.workdays.includes(d)) return true;
    return ![0, 6].includes(new Date(day(d)).getUTCDay());
  };
  let d = from.length > 10 ? dateOf(Date.parse(from) + 8 * 3_600_000) : from;
  for (let counted = 0; counted < n;) if (works((d = dateOf(day(d) + DAY)))) counted += 1;
  return `${d}T15:59:59.999Z`;
}
