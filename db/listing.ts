// Search and listing of applications (R-8.1) over the PostgreSQL read model, never Temporal.
// Keyset paging on (created_at, id); the pure helpers (cursor, period, region prefix) are
// exported for the API and the unit tests.
import { and, asc, desc, eq, exists, gte, like, lt, notExists, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from './client.js';
import { applicationItems, applications } from './schema.js';

export type SortOrder = 'desc' | 'asc';

/** Where a page ended: the last row's exact created_at (microseconds, UTC) and id, and the order it was read in. */
export interface CursorKey {
  order: SortOrder;
  createdAt: string;
  id: string;
}

const CURSOR_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const CURSOR_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** An opaque cursor: base64url of a small JSON array. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.order === 'desc' ? 'd' : 'a', key.createdAt, key.id]), 'utf8').toString('base64url');
}

/** The cursor's key, or undefined when it is not one this API handed out. */
export function decodeCursor(cursor: string): CursorKey | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [order, createdAt, id] = parsed as unknown[];
  if ((order !== 'd' && order !== 'a') || typeof createdAt !== 'string' || typeof id !== 'string') return undefined;
  if (!CURSOR_TS.test(createdAt) || Number.isNaN(Date.parse(createdAt)) || !CURSOR_ID.test(id)) return undefined;
  return { order: order === 'd' ? 'desc' : 'asc', createdAt, id };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A calendar date (YYYY-MM-DD, Asia/Shanghai, as everywhere in the API) at midnight, as an instant. */
function shanghaiMidnight(date: string, plusDays = 0): string | undefined {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) return undefined;
  const day = new Date(ms + plusDays * DAY_MS).toISOString().slice(0, 10);
  // Date.parse accepts 2026-02-30 as 2026-03-02: refuse dates that do not round-trip.
  if (plusDays === 0 && day !== date) return undefined;
  return new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString();
}

export interface Period {
  /** Inclusive lower bound (an instant, ISO). */
  since?: string;
  /** Exclusive upper bound (an instant, ISO). */
  until?: string;
}

/**
 * `from`/`to` of a query as a half-open range of instants. A date is a whole day in Asia/Shanghai:
 * `from=2026-11-01&to=2026-11-30` is November inclusive. A date-time is taken as it is (`to`
 * exclusive). Throws a RangeError naming the field when a bound is unreadable or `from` is after `to`.
 */
export function parsePeriod(from?: string, to?: string): Period {
  const bound = (value: string, field: 'from' | 'to'): string => {
    const instant = DATE.test(value)
      ? field === 'from'
        ? shanghaiMidnight(value)
        : shanghaiMidnight(value) && shanghaiMidnight(value, 1)
      : Number.isNaN(Date.parse(value))
        ? undefined
        : new Date(Date.parse(value)).toISOString();
    if (!instant) throw new RangeError(`${field}: not a date (YYYY-MM-DD) or date-time`);
    return instant;
  };
  const period: Period = {};
  if (from !== undefined) period.since = bound(from, 'from');
  if (to !== undefined) period.until = bound(to, 'to');
  if (period.since && period.until && period.since >= period.until) throw new RangeError('from: must be before to');
  return period;
}

/** Who may see what (R-9.1), as read-model conditions; an empty scope sees everything. */
export interface ListingScope {
  /** applicant: its own applications. */
  owner?: string;
  /** agent: the ones it submitted or owns. */
  agent?: string;
  /** department: applications having an item of this department… */
  department?: string;
  /** …decided in a region starting with this prefix (a department office with a region claim). */
  departmentRegionPrefix?: string;
  /** coordinator: applications whose region starts with this prefix ('' = all). */
  regionPrefix?: string;
}

export interface ListingFilters {
  status?: string;
  bundle?: string;
  department?: string;
  /** true: some item (or joint sign-off) is overdue; false: none is. */
  overdue?: boolean;
  number?: string;
  /** The applicant's account (the `sub` that owns the application). */
  applicant?: string;
  since?: string;
  until?: string;
}

export interface ListingPage {
  limit: number;
  order: SortOrder;
  cursor?: CursorKey;
  /** 1-based; offset paging, for jumping to a page. The cursor is the cheap way forward. */
  page?: number;
}

export interface ListedApplication {
  id: string;
  number: string;
  bundle: string;
  bundleVersion: number;
  status: string;
  channel: string;
  applicant: { name: string; idNumber: string };
  createdAt: string;
  acceptedAt: string | null;
  endedAt: string | null;
  outcome: string | null;
  overdue: boolean;
  departments: string[];
}

/** An instant as ISO 8601 UTC with milliseconds, formatted by PostgreSQL (same for postgres.js and PGlite). */
export const isoSql = (column: SQLWrapper, precision: 'MS' | 'US' = 'MS') =>
  sql<string | null>`to_char(${column} at time zone 'UTC', ${`YYYY-MM-DD"T"HH24:MI:SS.${precision}"Z"`})`;

const hasItem = (db: Db, condition: SQL) =>
  db
    .select({ one: sql`1` })
    .from(applicationItems)
    .where(and(eq(applicationItems.applicationId, applications.id), condition));

/** A bare boolean, not `= $1`: the partial index application_items_overdue_idx must be provable. */
const overdueItem = sql`${applicationItems.overdue}`;

/** A joint procedure's sign-off past its jointDays (containment: the GIN index applications_joint_idx). */
const overdueJoint = sql`${applications.joint} @> '[{"overdue":true}]'::jsonb`;

/** The WHERE conditions of a listing: scope, filters and the cursor. */
export function listingConditions(db: Db, scope: ListingScope, filters: ListingFilters, cursor?: CursorKey): SQL[] {
  const conditions: (SQL | undefined)[] = [];
  if (scope.owner !== undefined) conditions.push(eq(applications.owner, scope.owner));
  if (scope.agent !== undefined) conditions.push(or(eq(applications.submittedBy, scope.agent), eq(applications.owner, scope.agent)));
  if (scope.department !== undefined) {
    const office = scope.departmentRegionPrefix ? like(applicationItems.region, `${scope.departmentRegionPrefix}%`) : undefined;
    conditions.push(exists(hasItem(db, and(eq(applicationItems.department, scope.department), office)!)));
  }
  // A coordinator's region: the bundles published in it, and the items decided in it (属地) of wider bundles.
  if (scope.regionPrefix) {
    conditions.push(or(like(applications.region, `${scope.regionPrefix}%`), exists(hasItem(db, like(applicationItems.region, `${scope.regionPrefix}%`)))));
  }

  if (filters.status !== undefined) conditions.push(eq(applications.status, filters.status));
  if (filters.bundle !== undefined) conditions.push(eq(applications.bundleCode, filters.bundle));
  if (filters.number !== undefined) conditions.push(eq(applications.number, filters.number));
  if (filters.applicant !== undefined) conditions.push(eq(applications.owner, filters.applicant));
  if (filters.department !== undefined && filters.department !== scope.department) {
    conditions.push(exists(hasItem(db, eq(applicationItems.department, filters.department))));
  }
  if (filters.overdue === true) conditions.push(or(exists(hasItem(db, overdueItem)), overdueJoint));
  if (filters.overdue === false) conditions.push(and(notExists(hasItem(db, overdueItem)), sql`not coalesce(${overdueJoint}, false)`));
  if (filters.since !== undefined) conditions.push(gte(applications.createdAt, filters.since));
  if (filters.until !== undefined) conditions.push(lt(applications.createdAt, filters.until));
  if (cursor) {
    // A row comparison: PostgreSQL walks the (created_at, id) index from the cursor on.
    conditions.push(
      cursor.order === 'desc'
        ? sql`(${applications.createdAt}, ${applications.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id})`
        : sql`(${applications.createdAt}, ${applications.id}) > (${cursor.createdAt}::timestamptz, ${cursor.id})`,
    );
  }
  return conditions.filter((c): c is SQL => c !== undefined);
}

/** The page's query (one row more than the limit, to know whether there is a next page). */
export function listingQuery(db: Db, scope: ListingScope, filters: ListingFilters, page: ListingPage) {
  const dir = page.order === 'desc' ? desc : asc;
  return db
    .select({
      id: applications.id,
      number: applications.number,
      bundle: applications.bundleCode,
      bundleVersion: applications.bundleVersion,
      status: applications.status,
      channel: applications.channel,
      applicantName: applications.applicantName,
      applicantId: applications.applicantId,
      createdAt: isoSql(applications.createdAt),
      acceptedAt: isoSql(applications.acceptedAt),
      endedAt: isoSql(applications.endedAt),
      outcome: applications.outcome,
      cursorAt: isoSql(applications.createdAt, 'US'),
      // Evaluated for the page's rows only (the Limit sits below them): a PK range probe each.
      overdue: sql<boolean>`(exists (select 1 from ${applicationItems} where ${applicationItems.applicationId} = ${applications.id} and ${applicationItems.overdue}) or coalesce(${overdueJoint}, false))`,
      departments: sql<
        string[] | null
      >`(select jsonb_agg(distinct ${applicationItems.department} order by ${applicationItems.department}) from ${applicationItems} where ${applicationItems.applicationId} = ${applications.id})`,
    })
    .from(applications)
    .where(and(...listingConditions(db, scope, filters, page.cursor)))
    .orderBy(dir(applications.createdAt), dir(applications.id))
    .limit(page.limit + 1)
    .offset(page.cursor || !page.page ? 0 : (page.page - 1) * page.limit);
}

/** One page of applications, newest first (or oldest first), with a cursor when there are more. */
export async function listApplications(
  db: Db,
  scope: ListingScope,
  filters: ListingFilters,
  page: ListingPage,
): Promise<{ applications: ListedApplication[]; nextCursor?: string }> {
  const rows = await listingQuery(db, scope, filters, page);
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown.at(-1);
  return {
    applications: shown.map((r) => ({
      id: r.id,
      number: r.number,
      bundle: r.bundle,
      bundleVersion: r.bundleVersion,
      status: r.status,
      channel: r.channel,
      applicant: { name: r.applicantName, idNumber: r.applicantId },
      createdAt: r.createdAt!,
      acceptedAt: r.acceptedAt,
      endedAt: r.endedAt,
      outcome: r.outcome,
      overdue: r.overdue === true,
      departments: r.departments ?? [],
    })),
    nextCursor: more && last ? encodeCursor({ order: page.order, createdAt: last.cursorAt!, id: last.id }) : undefined,
  };
}
