// The working-day calendar as stored: one row per published year.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { CalendarSource, CalendarYear, WorkingCalendar } from '../workflows/shared/working-days.js';
import type { Db } from './client.js';
import { calendarYears } from './schema.js';

export async function loadCalendar(db: Db): Promise<WorkingCalendar> {
  const rows = await db.select().from(calendarYears);
  return { years: Object.fromEntries(rows.map((r) => [String(r.year), { holidays: r.holidays, workdays: r.workdays }])) };
}

/** Publishes (or replaces) a year; `onlyIfAbsent` for seeding, so a coordinator's edits are kept. */
export async function publishYear(db: Db, year: number, data: CalendarYear & { source?: CalendarSource }, by: string, onlyIfAbsent = false): Promise<void> {
  const row = { year, holidays: [...data.holidays].sort(), workdays: [...data.workdays].sort(), source: data.source ?? null, publishedBy: by };
  const insert = db.insert(calendarYears).values(row);
  if (!onlyIfAbsent) {
    await insert.onConflictDoUpdate({ target: calendarYears.year, set: { ...row, publishedAt: sql`now()` } });
    return;
  }
  await insert.onConflictDoNothing();
  // A year seeded before sources were kept gains its notice; a coordinator's year is left alone.
  if (data.source) {
    await db
      .update(calendarYears)
      .set({ source: data.source })
      .where(and(eq(calendarYears.year, year), isNull(calendarYears.source), eq(calendarYears.publishedBy, by)));
  }
}

/** One published year as stored, or undefined when that year is unpublished. */
export async function getCalendarYear(db: Db, year: number) {
  const [row] = await db.select().from(calendarYears).where(eq(calendarYears.year, year));
  if (!row) return undefined;
  const { source, ...rest } = row;
  return { ...rest, ...(source ? { source } : {}), publishedAt: new Date(row.publishedAt).toISOString() };
}
