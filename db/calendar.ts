// The working-day calendar as stored: one row per published year.
import { eq, sql } from 'drizzle-orm';
import type { CalendarYear, WorkingCalendar } from '../workflows/shared/working-days.js';
import type { Db } from './client.js';
import { calendarYears } from './schema.js';

export async function loadCalendar(db: Db): Promise<WorkingCalendar> {
  const rows = await db.select().from(calendarYears);
  return { years: Object.fromEntries(rows.map((r) => [String(r.year), { holidays: r.holidays, workdays: r.workdays }])) };
}

/** Publishes (or replaces) a year; `onlyIfAbsent` for seeding, so a coordinator's edits are kept. */
export async function publishYear(db: Db, year: number, data: CalendarYear, by: string, onlyIfAbsent = false): Promise<void> {
  const row = { year, holidays: [...data.holidays].sort(), workdays: [...data.workdays].sort(), publishedBy: by };
  const insert = db.insert(calendarYears).values(row);
  await (onlyIfAbsent
    ? insert.onConflictDoNothing()
    : insert.onConflictDoUpdate({ target: calendarYears.year, set: { ...row, publishedAt: sql`now()` } }));
}

/** One published year as stored, or undefined when that year is unpublished. */
export async function getCalendarYear(db: Db, year: number) {
  const [row] = await db.select().from(calendarYears).where(eq(calendarYears.year, year));
  return row && { ...row, publishedAt: new Date(row.publishedAt).toISOString() };
}
