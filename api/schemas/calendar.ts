// The working-day calendar, one published year at a time.
import { Type } from 'typebox';

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Asia/Shanghai)' });

export const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });

export const CalendarYearBody = Type.Object(
  {
    holidays: Type.Array(IsoDate, { maxItems: 366, description: 'public holidays (法定节假日及调休放假日)' }),
    workdays: Type.Array(IsoDate, { maxItems: 366, description: 'make-up working days (调休上班) on weekends' }),
  },
  { additionalProperties: false },
);

export const CalendarYearView = Type.Object({
  year: Type.Integer(),
  holidays: Type.Array(Type.String()),
  workdays: Type.Array(Type.String()),
  publishedAt: Type.String(),
  publishedBy: Type.String(),
});

export const PublishedCalendarYear = Type.Object({
  ...CalendarYearView.properties,
  reprojected: Type.Integer({ description: 'running applications told to recompute their deadlines' }),
});
