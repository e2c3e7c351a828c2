import { describe, expect, it } from 'vitest';
import { seedCalendar as cal } from '../../db/catalogue/calendar.js';
import {
  addWorkingDays,
  deadlineOf,
  elapsedWorkingDays,
  isWorkingDay,
  shanghaiDate,
  workingDaysBetween,
  type WorkingCalendar,
} from '../../workflows/shared/working-days.js';

const DAY_MS = 86_400_000;

/** Every date of a year, computed with UTC Date arithmetic (independent of the module). */
function datesOf(year: number): string[] {
  const dates: string[] = [];
  for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += DAY_MS) {
    dates.push(new Date(ms).toISOString().slice(0, 10));
  }
  return dates;
}

function utcWeekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

const isWeekend = (date: string): boolean => utcWeekday(date) === 0 || utcWeekday(date) === 6;

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

function previousDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

const endOf = (date: string): string => `${date}T15:59:59.999Z`;

describe('seed calendar', () => {
  it('holds 2024, 2025 and 2026 as DOMAIN.md lists them', () => {
    expect(Object.keys(cal.years).sort()).toEqual(['2024', '2025', '2026']);
    // 2024: 1 + 8 + 3 + 5 + 1 + 3 + 7 holidays; 2025: 1 + 8 + 3 + 5 + 3 + 8; 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7.
    expect(cal.years['2024']!.holidays).toHaveLength(28);
    // DOMAIN.md: Sun 2/4, Sun 2/18, Sun 4/7, Sun 4/28, Sat 5/11, Sat 9/14, Sun 9/29, Sat 10/12.
    expect(cal.years['2024']!.workdays.map(utcWeekday)).toEqual([0, 0, 0, 0, 6, 6, 0, 6]);
    expect(cal.years['2025']!.holidays).toHaveLength(28);
    expect(cal.years['2026']!.holidays).toHaveLength(33);
    expect(cal.years['2025']!.workdays).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
    expect(cal.years['2026']!.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });

  it('has no duplicates, only dates of its own year, and make-up days on the weekdays DOMAIN.md names', () => {
    for (const [year, { holidays, workdays }] of Object.entries(cal.years)) {
      expect(new Set(holidays).size).toBe(holidays.length);
      for (const d of [...holidays, ...workdays]) expect(d.slice(0, 4)).toBe(year);
      for (const d of workdays) expect(holidays).not.toContain(d);
    }
    // DOMAIN.md: Sun 1/26, Sat 2/8, Sun 4/27, Sun 9/28, Sat 10/11; Sun 1/4, Sat 2/14, Sat 2/28, Sat 5/9, Sun 9/20, Sat 10/10.
    expect(cal.years['2025']!.workdays.map(utcWeekday)).toEqual([0, 6, 0, 0, 6]);
    expect(cal.years['2026']!.workdays.map(utcWeekday)).toEqual([0, 6, 6, 6, 0, 6]);
  });
});

describe('isWorkingDay', () => {
  for (const year of ['2025', '2026']) {
    it(`classifies every ${year} holiday as a rest day and every make-up day as a working day`, () => {
      for (const d of cal.years[year]!.holidays) expect(isWorkingDay(d, cal), d).toBe(false);
      for (const d of cal.years[year]!.workdays) expect(isWorkingDay(d, cal), d).toBe(true);
    });

    it(`treats every other ${year} day by weekday`, () => {
      const listed = new Set([...cal.years[year]!.holidays, ...cal.years[year]!.workdays]);
      for (const d of datesOf(Number(year)).filter((x) => !listed.has(x))) {
        expect(isWorkingDay(d, cal), d).toBe(!isWeekend(d));
      }
    });
  }

  it('counts 248 working days in 2025 and in 2026', () => {
    // 2025 starts on a Wednesday and 2026 on a Thursday; both have 365 days, so 52 weeks plus one
    // weekday: 261 weekdays each.
    // 2025: weekday holidays 1/1; 1/28–31, 2/3–4; 4/4; 5/1–2, 5/5; 6/2; 10/1–3, 10/6–8 = 1+6+1+3+1+6 = 18;
    //       5 make-up days → 261 − 18 + 5 = 248.
    // 2026: weekday holidays 1/1–2; 2/16–20, 2/23; 4/6; 5/1, 5/4–5; 6/19; 9/25; 10/1–2, 10/5–7 = 2+6+1+3+1+1+5 = 19;
    //       6 make-up days → 261 − 19 + 6 = 248.
    for (const year of [2025, 2026]) {
      const dates = datesOf(year);
      const data = cal.years[String(year)]!;
      const weekdays = dates.filter((d) => !isWeekend(d)).length;
      const weekdayHolidays = data.holidays.filter((d) => !isWeekend(d)).length;
      const fromData = weekdays - weekdayHolidays + data.workdays.length;
      const bruteForce = dates.filter((d) => isWorkingDay(d, cal)).length;
      expect(weekdays).toBe(261);
      expect(fromData).toBe(248);
      expect(bruteForce).toBe(248);
      expect(workingDaysBetween(`${year - 1}-12-31`, `${year}-12-31`, cal)).toBe(248);
    }
    expect(cal.years['2025']!.holidays.filter((d) => !isWeekend(d))).toHaveLength(18);
    expect(cal.years['2026']!.holidays.filter((d) => !isWeekend(d))).toHaveLength(19);
  });

  it('falls back to Monday–Friday in an unpublished year', () => {
    expect(isWorkingDay('2027-01-01', cal)).toBe(true); // a Friday, whatever the notice will say
    expect(isWorkingDay('2027-01-02', cal)).toBe(false);
    expect(isWorkingDay('2027-01-03', cal)).toBe(false);
    expect(isWorkingDay('2023-10-02', cal)).toBe(true); // 2023 is not seeded
    expect(isWorkingDay('2026-01-01', { years: {} })).toBe(true);
  });

  it('rejects malformed dates', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '2026-2-1', '20260201', '', '2026-02-01T00:00:00Z']) {
      expect(() => isWorkingDay(bad, cal), bad).toThrow(RangeError);
    }
  });
});

describe('shanghaiDate', () => {
  it('shifts instants by eight hours', () => {
    expect(shanghaiDate('2026-03-02T15:59:59.999Z')).toBe('2026-03-02');
    expect(shanghaiDate('2026-03-02T16:00:00Z')).toBe('2026-03-03');
    expect(shanghaiDate('2026-03-02T17:30:00Z')).toBe('2026-03-03');
    expect(shanghaiDate('2026-03-03T01:30:00+08:00')).toBe('2026-03-03');
    expect(shanghaiDate('2026-03-02T20:00:00-05:00')).toBe('2026-03-03');
    expect(shanghaiDate(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
    expect(shanghaiDate('2026-02-13')).toBe('2026-02-13');
  });

  it('rejects instants without an offset and garbage', () => {
    for (const bad of ['2026-03-02T10:00:00', 'yesterday', '2026-02-30', '2026-02-30T10:00:00Z']) {
      expect(() => shanghaiDate(bad), bad).toThrow(RangeError);
    }
    expect(() => shanghaiDate(new Date(NaN))).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  it('does not count the start day', () => {
    // Mon 2026-03-09 at 10:00 Shanghai + 1 → Tue; + 5 → next Mon.
    expect(addWorkingDays('2026-03-09T02:00:00Z', 1, cal)).toEqual({ deadline: endOf('2026-03-10'), date: '2026-03-10', provisional: false });
    expect(addWorkingDays('2026-03-09T02:00:00Z', 5, cal).date).toBe('2026-03-16');
    // A start on a rest day is not counted either.
    expect(addWorkingDays('2026-03-07', 1, cal).date).toBe('2026-03-09');
  });

  it('gives the end of the start day for 0 days, even on a rest day', () => {
    expect(addWorkingDays('2026-03-09T02:00:00Z', 0, cal)).toEqual({ deadline: endOf('2026-03-09'), date: '2026-03-09', provisional: false });
    expect(addWorkingDays('2026-02-17T02:00:00Z', 0, cal).date).toBe('2026-02-17');
    expect(addWorkingDays('2027-06-01', 0, cal).provisional).toBe(false);
  });

  it('handles Spring Festival 2026 with its make-up Saturdays', () => {
    const friday = '2026-02-13T02:00:00Z';
    const dates = [1, 2, 3, 4, 5, 6, 7].map((n) => addWorkingDays(friday, n, cal).date);
    expect(dates).toEqual(['2026-02-14', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-02']);
    expect(addWorkingDays(friday, 4, cal).deadline).toBe('2026-02-26T15:59:59.999Z');
  });

  it('handles Spring Festival 2025 with its make-up Sunday and Saturday', () => {
    // Fri 1/24 → Sun 1/26 (调休), Mon 1/27, then 1/28–2/4 off, Wed 2/5 … Sat 2/8 (调休), Mon 2/10.
    const dates = [1, 2, 3, 4, 5, 6, 7].map((n) => addWorkingDays('2025-01-24', n, cal).date);
    expect(dates).toEqual(['2025-01-26', '2025-01-27', '2025-02-05', '2025-02-06', '2025-02-07', '2025-02-08', '2025-02-10']);
  });

  it('handles National Day 2025 with make-up Sun 9/28 and Sat 10/11', () => {
    const dates = [1, 2, 3, 4, 5, 6, 7].map((n) => addWorkingDays('2025-09-26T01:00:00Z', n, cal).date);
    expect(dates).toEqual(['2025-09-28', '2025-09-29', '2025-09-30', '2025-10-09', '2025-10-10', '2025-10-11', '2025-10-13']);
  });

  it('handles 中秋 and National Day 2026 with make-up Sun 9/20 and Sat 10/10', () => {
    const dates = [1, 5, 6, 8, 9, 10, 11, 12].map((n) => addWorkingDays('2026-09-18T01:00:00Z', n, cal).date);
    expect(dates).toEqual(['2026-09-20', '2026-09-24', '2026-09-28', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12']);
  });

  it('counts a statutory 20-day limit across 劳动节 2026', () => {
    // Accepted Mon 4/20: 4/21–4/30 (8), 5/6–5/8 (3), Sat 5/9 (调休), 5/11–5/15 (5), 5/18–5/20 (3) = 20.
    expect(addWorkingDays('2026-04-20T03:00:00Z', 20, cal).date).toBe('2026-05-20');
  });

  it('uses the Shanghai date of a late-evening acceptance that is still the previous day in UTC', () => {
    // 2026-03-02T17:30Z is 01:30 on Tue 3 March in Shanghai: day 1 is Wed 4 March, not Tue 3 March.
    expect(addWorkingDays('2026-03-02T17:30:00Z', 1, cal)).toEqual({ deadline: '2026-03-04T15:59:59.999Z', date: '2026-03-04', provisional: false });
    expect(addWorkingDays(new Date('2026-03-02T17:30:00Z'), 1, cal).date).toBe('2026-03-04');
    // 23:59 on Mon 2 March in Shanghai is still Monday.
    expect(addWorkingDays('2026-03-02T15:59:00Z', 1, cal).date).toBe('2026-03-03');
  });

  it('runs into 2027 on weekdays only and marks the result provisional', () => {
    // 12-31 is a day of 2026, but the 2027 notice may still move it (as the 2019 notice moved 2018-12-29/31).
    expect(addWorkingDays('2026-12-30', 1, cal)).toEqual({ deadline: endOf('2026-12-31'), date: '2026-12-31', provisional: true });
    expect(addWorkingDays('2026-12-30', 2, cal)).toEqual({ deadline: endOf('2027-01-01'), date: '2027-01-01', provisional: true });
    expect(addWorkingDays('2026-12-30', 3, cal)).toEqual({ deadline: endOf('2027-01-04'), date: '2027-01-04', provisional: true });
    // Skipping an unpublished weekend already depends on the unknown notice.
    expect(addWorkingDays('2026-12-31', 1, { years: { '2026': cal.years['2026']! } }).provisional).toBe(true);
    // Publishing 2027 settles it (here a made-up notice with New Year on 1/1).
    const with2027: WorkingCalendar = { years: { ...cal.years, '2027': { holidays: ['2027-01-01'], workdays: [] } } };
    expect(addWorkingDays('2026-12-30', 2, with2027)).toEqual({ deadline: endOf('2027-01-04'), date: '2027-01-04', provisional: false });
  });

  it('rejects a negative, fractional or non-finite number of days and a bad start', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, -0.5]) {
      expect(() => addWorkingDays('2026-03-02', bad, cal), String(bad)).toThrow(RangeError);
    }
    expect(() => addWorkingDays('2026-02-30', 1, cal)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-03-02T10:00:00', 1, cal)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date(NaN), 1, cal)).toThrow(RangeError);
  });

  it('for every day of 2026 and N in 0..30 lands on the first day that completes N working days', () => {
    // Failures are collected, not asserted one by one: 11,315 cases, and one diff shows them all.
    const failures: string[] = [];
    for (const start of datesOf(2026)) {
      for (let n = 0; n <= 30; n += 1) {
        const { date, deadline, provisional } = addWorkingDays(start, n, cal);
        const ok =
          deadline === endOf(date) &&
          workingDaysBetween(start, date, cal) === n &&
          (n === 0 ? date === start : isWorkingDay(date, cal) && workingDaysBetween(start, previousDate(date), cal) === n - 1) &&
          // From 12-25 on, the 2027 notice may still change the day (DOMAIN.md: late December).
          provisional === (n > 0 && date >= '2026-12-25');
        if (!ok) failures.push(`${start} + ${n} → ${date}${provisional ? ' (provisional)' : ''}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('workingDaysBetween', () => {
  it('counts after < d <= until', () => {
    expect(workingDaysBetween('2026-03-02', '2026-03-04', cal)).toBe(2); // Mon → Wed: Tue, Wed
    expect(workingDaysBetween('2026-03-02', '2026-03-02', cal)).toBe(0);
    expect(workingDaysBetween('2026-03-02', '2026-03-09', cal)).toBe(5);
    expect(workingDaysBetween('2026-03-06', '2026-03-08', cal)).toBe(0); // Fri → Sun
    expect(workingDaysBetween('2026-02-13', '2026-02-24', cal)).toBe(2); // Sat 2/14 and Tue 2/24
    expect(workingDaysBetween('2025-09-30', '2025-10-11', cal)).toBe(3); // 10/9, 10/10, Sat 10/11
  });

  it('is 0 when until is not after after', () => {
    expect(workingDaysBetween('2026-03-09', '2026-03-02', cal)).toBe(0);
  });

  it('adds up over consecutive spans', () => {
    const days = datesOf(2026);
    for (let i = 0; i + 40 < days.length; i += 7) {
      const [a, b, c] = [days[i]!, days[i + 17]!, days[i + 40]!];
      expect(workingDaysBetween(a, b, cal) + workingDaysBetween(b, c, cal)).toBe(workingDaysBetween(a, c, cal));
    }
  });

  it('rejects malformed dates', () => {
    expect(() => workingDaysBetween('2026-03-02T00:00:00Z', '2026-03-04', cal)).toThrow(RangeError);
    expect(() => workingDaysBetween('2026-03-02', '2026-02-29', cal)).toThrow(RangeError);
  });
});

describe('deadlineOf', () => {
  // Accepted Mon 2026-03-02 at 10:00 Shanghai, 5 working days: Fri 3/6 is day 4, Mon 3/9 day 5.
  const start = '2026-03-02T02:00:00Z';
  const now = '2026-03-20T02:00:00Z';

  it('without suspensions is the plain budget', () => {
    expect(deadlineOf(start, 5, [], now, cal)).toEqual(addWorkingDays(start, 5, cal));
    expect(deadlineOf(start, 5, [], now, cal).date).toBe('2026-03-09');
  });

  it('a correction asked Monday and answered Wednesday gives back 2 working days', () => {
    const suspensions = [{ from: '2026-03-02T06:00:00Z', to: '2026-03-04T03:00:00Z' }];
    expect(deadlineOf(start, 5, suspensions, now, cal)).toEqual({ deadline: endOf('2026-03-11'), date: '2026-03-11', provisional: false });
  });

  it('two suspensions add up', () => {
    const suspensions = [
      { from: '2026-03-02T06:00:00Z', to: '2026-03-04T03:00:00Z' }, // Tue, Wed: 2
      { from: '2026-03-09T06:00:00Z', to: '2026-03-13T03:00:00Z' }, // Tue–Fri: 4
    ];
    // 5 + 6 = 11 working days after Mon 3/2: 3/3–6, 3/9–13, 3/16–17.
    expect(deadlineOf(start, 5, suspensions, now, cal).date).toBe('2026-03-17');
  });

  it('an open suspension runs until now, so the deadline moves on while it stays open', () => {
    const open = [{ from: '2026-03-02T06:00:00Z' }];
    expect(deadlineOf(start, 5, open, '2026-03-04T03:00:00Z', cal).date).toBe('2026-03-11');
    expect(deadlineOf(start, 5, open, '2026-03-06T03:00:00Z', cal).date).toBe('2026-03-13');
  });

  it('takes suspension bounds as Shanghai dates and skips holidays inside them', () => {
    // Asked at 01:30 Tue 3/3 Shanghai (still Monday in UTC), answered Wed 3/4: only Wed counts.
    expect(deadlineOf(start, 5, [{ from: '2026-03-02T17:30:00Z', to: '2026-03-04T03:00:00Z' }], now, cal).date).toBe('2026-03-10');
    // A suspension over Spring Festival returns only Sat 2/14 and Tue 2/24.
    const festival = deadlineOf('2026-02-12T02:00:00Z', 3, [{ from: '2026-02-13T02:00:00Z', to: '2026-02-24T02:00:00Z' }], now, cal);
    expect(festival.date).toBe(addWorkingDays('2026-02-12T02:00:00Z', 5, cal).date);
    expect(festival.date).toBe('2026-02-26');
  });

  it('is provisional when the extension pushes it into 2027', () => {
    const late = deadlineOf('2026-12-28', 3, [{ from: '2026-12-28', to: '2026-12-29' }], '2026-12-29', cal);
    expect(late).toEqual({ deadline: endOf('2027-01-01'), date: '2027-01-01', provisional: true });
  });

  it('rejects a bad limit', () => {
    expect(() => deadlineOf(start, -1, [{ from: start, to: now }], now, cal)).toThrow(RangeError);
    expect(() => deadlineOf(start, 2.5, [], now, cal)).toThrow(RangeError);
  });
});

describe('elapsedWorkingDays', () => {
  it('counts working days after the start day up to today in Shanghai', () => {
    expect(elapsedWorkingDays('2026-03-02T02:00:00Z', '2026-03-02T09:00:00Z', cal)).toBe(0);
    expect(elapsedWorkingDays('2026-03-02T02:00:00Z', '2026-03-04T03:00:00Z', cal)).toBe(2);
    // 17:30Z on Wed 3/4 is already Thu 3/5 in Shanghai.
    expect(elapsedWorkingDays('2026-03-02T02:00:00Z', '2026-03-04T17:30:00Z', cal)).toBe(3);
    expect(elapsedWorkingDays('2026-02-13T02:00:00Z', '2026-02-24T02:00:00Z', cal)).toBe(2);
    expect(elapsedWorkingDays('2026-03-09T02:00:00Z', '2026-03-02T02:00:00Z', cal)).toBe(0);
  });

  it('agrees with addWorkingDays: the day the budget runs out is when elapsed reaches it', () => {
    const start = '2026-09-18T01:00:00Z';
    const { date } = addWorkingDays(start, 12, cal);
    expect(elapsedWorkingDays(start, `${date}T15:59:59.999Z`, cal)).toBe(12);
    expect(elapsedWorkingDays(start, `${previousDate(date)}T15:59:59.999Z`, cal)).toBe(11);
    expect(nextDate(date)).toBe('2026-10-13');
  });
});
