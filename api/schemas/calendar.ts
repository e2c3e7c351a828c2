// The working-day calendar, one published year at a time.
import { Type } from 'typebox';

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Asia/Shanghai)' });

export const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });

const CalendarSource = Type.Object(
  {
    notice: Type.String({ minLength: 4, maxLength: 200, description: 'the notice: 国务院办公厅关于YYYY年部分节假日安排的通知 (document number)' }),
    issuedOn: Type.String({ ...IsoDate, description: 'the day the notice was issued' }),
  },
  { additionalProperties: false, description: 'the State Council notice the year is entered from' },
);

const dates = 'dates of the year; a notice may also decide days of the previous year from 12-25 on (as the 2019 notice moved 2018-12-29/31)';

export const CalendarYearBody = Type.Object(
  {
    holidays: Type.Array(IsoDate, { maxItems: 366, description: `public holidays (法定节假日及调休放假日): ${dates}` }),
    workdays: Type.Array(IsoDate, { maxItems: 366, description: `make-up working days (调休上班) on weekends: ${dates}` }),
    source: Type.Optional(CalendarSource),
  },
  { additionalProperties: false },
);

export const CalendarYearView = Type.Object({
  year: Type.Integer(),
  holidays: Type.Array(Type.String()),
  workdays: Type.Array(Type.String()),
  source: Type.Optional(CalendarSource),
  publishedAt: Type.String(),
  publishedBy: Type.String(),
});

export const PublishedCalendarYear = Type.Object({
  ...CalendarYearView.properties,
  reprojected: Type.Integer({ description: 'running applications told to recompute their deadlines (each tells its items)' }),
  reprojectedCases: Type.Integer({ description: 'running tickets, rectifications and 告知承诺 post-checks told to recompute their clocks' }),
});
