import { describe, expect, it } from 'vitest';
import { checkCalendarYear } from '../../api/calendar-check.js';
import { seedCalendar } from '../../db/catalogue/calendar.js';

describe('checkCalendarYear (R-6.1)', () => {
  it.each(Object.entries(seedCalendar.years))('accepts the seed calendar of %s', (year, data) => {
    expect(checkCalendarYear(Number(year), data)).toEqual([]);
  });

  it('names every bad date by its place', () => {
    const problems = checkCalendarYear(2027, {
      holidays: ['2027-01-01', '2027-02-30', '2026-12-24', '2027-01-01', '2027-10-02'],
      workdays: ['2027-02-20', '2027-02-22', '2027-10-02', '2027-13-01'],
    });
    expect(problems).toEqual([
      { field: 'holidays[1]', message: '2027-02-30 is not a date' },
      { field: 'holidays[2]', message: '2026-12-24 is neither in 2027 nor in the late December (from 2026-12-25) its notice may decide' },
      { field: 'holidays[3]', message: '2027-01-01 is listed twice' },
      { field: 'workdays[1]', message: '2027-02-22 is a weekday; make-up working days (调休) fall on a weekend' },
      { field: 'workdays[2]', message: '2027-10-02 is also a holiday' },
      { field: 'workdays[3]', message: '2027-13-01 is not a date' },
    ]);
  });

  it("accepts the previous year's late December days a notice decides (2019: Sat 2018-12-29 worked, 12-30/31 off)", () => {
    expect(checkCalendarYear(2019, { holidays: ['2018-12-30', '2018-12-31', '2019-01-01'], workdays: ['2018-12-29'] })).toEqual([]);
    expect(checkCalendarYear(2019, { holidays: ['2017-12-31'], workdays: [] })).toHaveLength(1);
  });

  it('checks the date of the notice', () => {
    expect(checkCalendarYear(2027, { holidays: [], workdays: [], source: { issuedOn: '2026-11-31' } })).toEqual([
      { field: 'source.issuedOn', message: '2026-11-31 is not a date' },
    ]);
  });
});
