// The business figures /metrics reports (api/metrics.ts), read from the read model and the case
// file at each scrape. Each query is an index scan or a group-by on an indexed column.
import { sql } from 'drizzle-orm';
import { rows, type Db } from './client.js';

/** Statuses of an item still on a department's desk (its inbox). */
const ON_DESK = sql.raw(`'in_review', 'correction_requested', 'awaiting_material'`);

export interface BusinessFigures {
  applicationsByStatus: { status: string; n: number }[];
  overdueItems: number;
  inboxByDepartment: { department: string; n: number }[];
  /** From an event to its row in case_events, over the last five minutes (seconds). */
  eventWriteLag: { max: number; avg: number };
}

export async function readBusinessFigures(db: Db): Promise<BusinessFigures> {
  const [applicationsByStatus, [overdue], inboxByDepartment, [lag]] = await Promise.all([
    rows<{ status: string; n: number }>(db, sql`select status, count(*)::int as n from applications group by status`),
    rows<{ n: number }>(db, sql`select count(*)::int as n from application_items where overdue and status in (${ON_DESK}, 'waiting')`),
    rows<{ department: string; n: number }>(
      db,
      sql`select department, count(*)::int as n from application_items where status in (${ON_DESK}) group by department`,
    ),
    rows<{ max: number; avg: number }>(
      db,
      sql`select coalesce(max(extract(epoch from recorded_at - at)), 0)::float8 as max, coalesce(avg(extract(epoch from recorded_at - at)), 0)::float8 as avg
          from case_events where recorded_at > now() - interval '5 minutes'`,
    ),
  ]);
  return { applicationsByStatus, overdueItems: Number(overdue!.n), inboxByDepartment, eventWriteLag: { max: Number(lag!.max), avg: Number(lag!.avg) } };
}
