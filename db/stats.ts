// Statistics (R-8.4; standard 10.1, 10.2, 11.2) computed in SQL over the read model: a handful of
// queries run side by side. Counts and sums come from rollups per day kept by triggers (migration
// 0006), so that a million applications cost a few thousand rows; 90th percentiles are read from
// indexes in handling-time order (see p90). Handling times are wall-clock hours; the limits they are
// measured against are working days (the item's legal deadline is in the read model, so "decided
// after the deadline" is exact).
import { desc, inArray, sql, type SQL } from 'drizzle-orm';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../workflows/application/messages.js';
import type { BundleDefinition } from '../workflows/shared/bundle.js';
import { buildGuide, type GuideFigures } from '../workflows/shared/guide.js';
import { SHARED_MATERIALS } from './certificates.js';
import { rows, type Db } from './client.js';
import { bundleVersions } from './schema.js';

export interface StatsFilters {
  bundle?: string;
  /** Only applications having an item of this department; item figures only for its items. */
  department?: string;
  /** Coordinator scope: applications whose region starts with this prefix. */
  regionPrefix?: string;
  /** Period on created_at: since inclusive, until exclusive. */
  since?: string;
  until?: string;
}

const ENDED = ['completed', 'partially_completed', 'terminated', 'withdrawn', 'expired'] as const;
const DECIDED = ['approved', 'rejected'] as const;
/** Item statuses in which an application stalls on a department or on the applicant. */
export const OPEN_ITEM_STATUSES = ['in_review', 'correction_requested', 'awaiting_material'] as const;

export interface Timing {
  /** How many were measured. */
  count: number;
  averageHours: number | null;
  p90Hours: number | null;
}

export interface ApplicationFigures {
  volume: number;
  outcomes: Record<ApplicationStatus, number>;
  ended: number;
  completed: number;
  /** completed / ended (null before anything ended). */
  completionRate: number | null;
  /** ended_at − accepted_at of ended applications that had been accepted. */
  handling: Timing;
}

export interface ItemFigures {
  items: number;
  started: number;
  decided: number;
  approved: number;
  rejected: number;
  /** decided_at − started_at of approved and rejected items (in the totals: no p90, see itemFigures). */
  handling: Timing;
  /** Decided after their legal deadline. */
  decidedLate: number;
  /** Items flagged overdue (超期) by their workflow, and their share of started items. */
  overdue: number;
  overdueRate: number | null;
}

export interface ItemStats extends ItemFigures {
  item: string;
  department: string;
  name?: string;
  legalDays?: number;
  committedDays?: number;
}

export interface Blockage {
  item: string;
  department: string;
  waiting: number;
  inReview: number;
  correctionRequested: number;
  awaitingMaterial: number;
  oldestStartedAt: string | null;
  longestWaitHours: number | null;
}

export interface LongestWait {
  applicationId: string;
  number: string;
  bundle: string;
  item: string;
  itemName: string;
  department: string;
  status: string;
  startedAt: string;
  waitHours: number;
}

/** The guide's figures of the whole bundle: every item, as if every situation applied (see bundleSavings). */
export interface Savings extends GuideFigures {
  bundle: string;
  version: number;
  name: string;
  /** One trip to one window instead of one per item (一次办). */
  tripsBefore: number;
  tripsAfter: number;
  /** Applications in the figures, and what they were spared in total. */
  applications: number;
  materialsSaved: number;
  fieldsSaved: number;
  tripsSaved: number;
  /** 免提交: materials taken from the certificate store, and the trips to their issuing departments that spared. */
  materialsShared: number;
  tripsShared: number;
}

export interface Stats extends ApplicationFigures {
  byBundle: (ApplicationFigures & { bundle: string })[];
  itemTotals: ItemFigures;
  items: ItemStats[];
  rejections: { reason: string; count: number }[];
  blockages: { items: Blockage[]; longest: LongestWait | null };
  /** 好差评 (R-8.2): ratings of the applications in scope; a bad review is 不满意 or 非常不满意 (≤ 2). */
  evaluations: number;
  badReviews: number;
  badReviewRate: number | null;
  /** Rectifications of bad reviews: the reply, rectification and return-visit rates (expected 100%). */
  rectifications: { total: number; replyRate: number | null; rectificationRate: number | null; returnVisitRate: number | null; overdue: number };
  savings: Savings[];
}

const iso = (expr: SQL) => sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Constant status lists as literals, not parameters: a partial index's predicate must be provable from the query. */
const literals = (values: readonly string[]) => {
  if (!values.every((v) => /^[a-z_]+$/.test(v))) throw new Error('status literals must be plain codes');
  return sql.raw(values.map((v) => `'${v}'`).join(', '));
};
const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const and = (c: SQL[]) => (c.length ? sql.join(c, sql` and `) : sql`true`);
const columns = (alias: string, names: readonly string[]) => sql.raw(names.map((n) => `${alias}.${n}`).join(', '));
const sums = (names: readonly string[]) => sql.raw(names.map((n) => `sum(${n})${n === 'seconds' ? '' : '::int'} as ${n}`).join(', '));

// ── Scope ────────────────────────────────────────────────────────────────────────────────────
// Counters come from the rollups (stats_*_days, migration 0006) for the whole days of China time in
// the period, and from the rows themselves, counted by the same SQL functions as the rollups'
// triggers, for the rest: the partial first and last days, or all of a period given otherwise.

const DAY_MS = 86_400_000;
const CHINA_MS = 8 * 3_600_000;
/** Instants that JavaScript and PostgreSQL read alike: ISO 8601 with a zone, to the millisecond. */
const ZONED = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$/;

interface Period {
  /** The whole days in the period, [from, to) as dates (a bound left out: open), or none. */
  days?: { from?: string; to?: string };
  /** The rows of the period outside those days, as a condition on their created_at, or none. */
  rest?: (createdAt: SQL) => SQL;
}

function splitPeriod(f: StatsFilters): Period {
  const read = (s: string | undefined) => (s === undefined ? undefined : ZONED.test(s) ? Date.parse(s) : NaN);
  const since = read(f.since);
  const until = read(f.until);
  const rowsOnly: Period = { rest: () => sql`true` };
  if (Number.isNaN(since) || Number.isNaN(until)) return rowsOnly; // left to PostgreSQL to read
  const midnight = (ms: number) => Math.floor((ms + CHINA_MS) / DAY_MS) * DAY_MS - CHINA_MS;
  const from = since === undefined ? undefined : midnight(since) === since ? since : midnight(since) + DAY_MS;
  const to = until === undefined ? undefined : midnight(until);
  if (from !== undefined && to !== undefined && from >= to) return rowsOnly;
  const day = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms + CHINA_MS).toISOString().slice(0, 10));
  const at = (ms: number) => new Date(ms).toISOString();
  // since ≤ created_at < until holds already (scope): the edges are what lies before `from`, after `to`.
  const edges: ((c: SQL) => SQL)[] = [];
  if (from !== undefined && from > since!) edges.push((c) => sql`${c} < ${at(from)}::timestamptz`);
  if (to !== undefined && to < until!) edges.push((c) => sql`${c} >= ${at(to)}::timestamptz`);
  return {
    days: { from: day(from), to: day(to) },
    rest: edges.length
      ? (c) =>
          sql`(${sql.join(
            edges.map((edge) => edge(c)),
            sql` or `,
          )})`
      : undefined,
  };
}

/** The filters on rows carrying their application's bundle_code, region and created_at. */
function scope(alias: string, f: StatsFilters): SQL[] {
  const c: SQL[] = [];
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  if (f.bundle !== undefined) c.push(sql`${col('bundle_code')} = ${f.bundle}`);
  if (f.regionPrefix) c.push(sql`${col('region')} like ${`${f.regionPrefix}%`}`);
  if (f.since !== undefined) c.push(sql`${col('created_at')} >= ${f.since}::timestamptz`);
  if (f.until !== undefined) c.push(sql`${col('created_at')} < ${f.until}::timestamptz`);
  return c;
}

/**
 * `(rollup rows union all counted rows) as x`: `rollup` selects from a rollup `s` given the
 * conditions for the whole days, `counted` from the rows `alias` given the condition for the rest.
 */
function counters(f: StatsFilters, period: Period, alias: string, rollup: (where: SQL) => SQL, counted: (where: SQL) => SQL): SQL {
  const parts: SQL[] = [];
  if (period.days) {
    const c = [...(f.bundle !== undefined ? [sql`s.bundle_code = ${f.bundle}`] : []), ...(f.regionPrefix ? [sql`s.region like ${`${f.regionPrefix}%`}`] : [])];
    if (period.days.from !== undefined) c.push(sql`s.day >= ${period.days.from}::date`);
    if (period.days.to !== undefined) c.push(sql`s.day < ${period.days.to}::date`);
    parts.push(rollup(and(c)));
  }
  if (period.rest) parts.push(counted(and([...scope(alias, f), period.rest(sql.raw(`${alias}.created_at`))])));
  return sql`(${sql.join(parts, sql` union all `)}) x`;
}

/**
 * percentile_cont(0.9) of the `n` (non-null) values of `value` in `from` where `where`, n known from
 * the rollups, without sorting them: with p = 0.9 (n − 1) it is v[⌊p⌋] + (p − ⌊p⌋) (v[⌈p⌉] − v[⌊p⌋])
 * in PostgreSQL's own float8 arithmetic, and v[⌈p⌉], v[⌊p⌋] are the next two values after skipping
 * n − 1 − ⌈p⌉ from the top of an index in `value` order: a tenth of the index's range at most.
 */
function p90(n: SQL, value: SQL, from: SQL, where: SQL[]): SQL {
  const p = sql`(0.9::float8 * (${n} - 1))`;
  return sql`case when ${n} > 0 then (
    select case when ceil(${p}) > floor(${p}) then min(v) + (${p} - floor(${p})) * (max(v) - min(v)) else max(v) end
    from (select ${value} as v from ${from} where ${and([...where, sql`${value} is not null`])}
          order by ${value} desc offset (${n} - 1 - ceil(${p}))::bigint limit 2) top) end`;
}

const timing = (r: { timed: number; avg_hours: number | null; p90_hours: number | null }): Timing => ({
  count: Number(r.timed),
  averageHours: num(r.avg_hours),
  p90Hours: num(r.p90_hours),
});

// ── Applications ─────────────────────────────────────────────────────────────────────────────

const APPLICATION_COUNTERS = ['applications', 'timed', 'seconds'] as const;
interface ApplicationRow {
  bundle: string;
  status: string;
  n: number;
  timed: number;
  avg_hours: number | null;
  p90_hours: number | null;
  total_timed: number;
  total_avg_hours: number | null;
  total_p90_hours: number | null;
}

/**
 * Applications by bundle and status, and the handling times of the ended ones (ended_at − accepted_at)
 * with their 90th percentile per bundle and over all. With a department, the applications having an
 * item of it: each counted once, on its department_first item, which carries the application's status.
 */
async function applicationFigures(
  db: Db,
  f: StatsFilters,
  period: Period,
): Promise<{ total: ApplicationFigures; byBundle: (ApplicationFigures & { bundle: string })[] }> {
  const department = f.department;
  // The rows that stand for the applications, and which of them are ended.
  const source =
    department === undefined
      ? {
          from: sql`applications r`,
          rows: [] as SQL[],
          status: sql`r.status`,
          facts: sql`stats_application_facts(r.accepted_at, r.ended_at)`,
          ended: sql`r.ended_at is not null`,
          hours: sql`date_part('epoch', r.ended_at - r.accepted_at) / 3600`,
        }
      : {
          from: sql`application_items r`,
          rows: [sql`r.department_first`, sql`r.department = ${department}`],
          status: sql`r.application_status`,
          facts: sql`stats_application_facts(r.application_accepted_at, r.application_ended_at)`,
          ended: sql`r.application_ended_at is not null`,
          hours: sql`date_part('epoch', r.application_ended_at - r.application_accepted_at) / 3600`,
        };
  const counted = counters(
    f,
    period,
    'r',
    (where) =>
      sql`select s.bundle_code, s.status, ${columns('s', APPLICATION_COUNTERS)} from stats_application_days s where s.department = ${department ?? ''} and ${where}`,
    (where) =>
      sql`select r.bundle_code, ${source.status} as status, ${columns('f', APPLICATION_COUNTERS)}
          from ${source.from} cross join lateral ${source.facts} f where ${and([...source.rows, where])}`,
  );
  const ended = [...source.rows, source.ended, ...scope('r', f)];
  const hours = (n: SQL, seconds: SQL) => sql`(${seconds} / nullif(${n}, 0) / 3600)::float8`;
  const result = await rows<ApplicationRow>(
    db,
    sql`with c as (select bundle_code, status, ${sums(APPLICATION_COUNTERS)} from ${counted} group by 1, 2 having sum(applications) > 0),
        b as (select bundle_code, sum(timed)::int as timed, sum(seconds) as seconds from c group by 1),
        t as (select sum(timed)::int as timed, sum(seconds) as seconds from b),
        -- materialized: each percentile once, not once per status row
        bundles as materialized (select b.bundle_code, b.timed, ${hours(sql`b.timed`, sql`b.seconds`)} as avg_hours,
                      ${p90(sql`b.timed`, source.hours, source.from, [...ended, sql`r.bundle_code = b.bundle_code`])}::float8 as p90_hours from b),
        -- over all bundles: one bundle's own when there is only one
        total as materialized (select t.timed, ${hours(sql`t.timed`, sql`t.seconds`)} as avg_hours,
                   case when (select count(*) from b) = 1 then (select p90_hours from bundles)
                        else ${p90(sql`t.timed`, source.hours, source.from, ended)}::float8 end as p90_hours from t)
        select c.bundle_code as bundle, c.status, c.applications as n, bundles.timed, bundles.avg_hours, bundles.p90_hours,
          total.timed as total_timed, total.avg_hours as total_avg_hours, total.p90_hours as total_p90_hours
        from c join bundles using (bundle_code) cross join total`,
  );
  const figures = (statusRows: ApplicationRow[], t: Timing): ApplicationFigures => {
    const outcomes = Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, 0])) as ApplicationFigures['outcomes'];
    let volume = 0;
    for (const r of statusRows) {
      volume += Number(r.n);
      if (r.status in outcomes) outcomes[r.status as keyof typeof outcomes] += Number(r.n);
    }
    const ended = ENDED.reduce((sum, s) => sum + outcomes[s], 0);
    return { volume, outcomes, ended, completed: outcomes.completed, completionRate: rate(outcomes.completed, ended), handling: t };
  };
  const bundles = [...new Set(result.map((r) => r.bundle))];
  const byBundle = bundles
    .map((bundle) => {
      const statusRows = result.filter((r) => r.bundle === bundle);
      return { bundle, ...figures(statusRows, timing(statusRows[0]!)) };
    })
    .sort((a, b) => b.volume - a.volume || (a.bundle < b.bundle ? -1 : 1));
  const first = result[0];
  const total = first
    ? { timed: first.total_timed, avg_hours: first.total_avg_hours, p90_hours: first.total_p90_hours }
    : { timed: 0, avg_hours: null, p90_hours: null };
  return { total: figures(result, timing(total)), byBundle };
}

// ── Items ────────────────────────────────────────────────────────────────────────────────────

const ITEM_COUNTERS = ['items', 'started', 'overdue', 'approved', 'rejected', 'decided_late', 'timed', 'seconds', ...OPEN_ITEM_STATUSES] as const;
type ItemRow = Record<(typeof ITEM_COUNTERS)[number], number> & {
  item: string;
  department: string;
  avg_hours: number | null;
  p90_hours: number | null;
  total_avg_hours: number | null;
  waiting: number;
  oldest: string | null;
  oldest_hours: number | null;
  blockage_rank: number | null;
};

/** Items of the department, or all, in scope: their `item_code`, `department` and counters. */
function itemCounters(f: StatsFilters, period: Period): SQL {
  const department = (alias: string) => (f.department !== undefined ? [sql`${sql.raw(alias)}.department = ${f.department}`] : []);
  return counters(
    f,
    period,
    'i',
    (where) => sql`select s.item_code, s.department, ${columns('s', ITEM_COUNTERS)} from stats_item_days s where ${and([...department('s'), where])}`,
    (where) =>
      sql`select i.item_code, i.department, ${columns('f', ITEM_COUNTERS)}
          from application_items i cross join lateral stats_item_facts(i.status, i.started_at, i.deadline, i.overdue, i.decided_at) f
          where ${and([...department('i'), where])}`,
  );
}

/**
 * Item figures per item and department, with the 90th percentile of the handling times
 * (decided_at − started_at of approved and rejected items) and, for the blockages, the open items
 * and the oldest of them (an index probe per item).
 */
async function itemFigures(db: Db, f: StatsFilters, period: Period): Promise<{ total: ItemFigures; byItem: ItemStats[]; blockages: Blockage[] }> {
  const inGroup = [sql`i.item_code = g.item_code`, sql`i.department = g.department`, ...scope('i', f)];
  const oldest = sql`(select i.started_at from application_items i
      where ${and([sql`i.status in (${literals(OPEN_ITEM_STATUSES)})`, sql`i.started_at is not null`, ...inGroup])}
      order by i.started_at limit 1)`;
  const result = await rows<ItemRow>(
    db,
    sql`with g as (select item_code, department, ${sums(ITEM_COUNTERS)} from ${itemCounters(f, period)} group by 1, 2 having sum(items) > 0),
        w as (select g.*, in_review + correction_requested + awaiting_material as waiting,
                (g.seconds / nullif(g.timed, 0) / 3600)::float8 as avg_hours,
                (sum(g.seconds) over () / nullif(sum(g.timed) over (), 0) / 3600)::float8 as total_avg_hours,
                ${p90(sql`g.timed`, sql`date_part('epoch', i.decided_at - i.started_at) / 3600`, sql`application_items i`, [sql`i.status in (${literals(DECIDED)})`, ...inGroup])}::float8 as p90_hours,
                case when in_review + correction_requested + awaiting_material > 0 then ${oldest} end as oldest
              from g)
        select w.item_code as item, w.department, ${columns('w', ITEM_COUNTERS)}, w.avg_hours, w.p90_hours, w.total_avg_hours, w.waiting,
          ${iso(sql`w.oldest`)} as oldest, (date_part('epoch', now() - w.oldest) / 3600)::float8 as oldest_hours,
          -- blockages: where applications stall the longest
          case when w.waiting > 0 then row_number() over (order by w.waiting > 0 desc, w.oldest asc nulls last, w.waiting desc) end as blockage_rank
        from w`,
  );
  const byItem = result
    .map((r) => {
      const [items, started, overdue, approved, rejected] = [r.items, r.started, r.overdue, r.approved, r.rejected].map(Number) as [
        number,
        number,
        number,
        number,
        number,
      ];
      return {
        item: r.item,
        department: r.department,
        items,
        started,
        decided: approved + rejected,
        approved,
        rejected,
        handling: timing(r),
        decidedLate: Number(r.decided_late),
        overdue,
        overdueRate: rate(overdue, started),
      };
    })
    .sort((a, b) => b.items - a.items || (a.item < b.item ? -1 : a.item > b.item ? 1 : a.department < b.department ? -1 : 1));
  const blockages = result
    .filter((r) => r.blockage_rank !== null && Number(r.blockage_rank) <= 20)
    .sort((a, b) => Number(a.blockage_rank) - Number(b.blockage_rank))
    .map((r) => ({
      item: r.item,
      department: r.department,
      waiting: Number(r.waiting),
      inReview: Number(r.in_review),
      correctionRequested: Number(r.correction_requested),
      awaitingMaterial: Number(r.awaiting_material),
      oldestStartedAt: r.oldest,
      longestWaitHours: num(r.oldest_hours),
    }));

  // Totals add up the items. No p90 across items: items with 1-day and 20-day limits do not share
  // one distribution.
  const total = (key: 'items' | 'started' | 'overdue' | 'approved' | 'rejected' | 'decidedLate') => byItem.reduce((sum, i) => sum + i[key], 0);
  const timed = byItem.reduce((sum, i) => sum + i.handling.count, 0);
  const started = total('started');
  const overdue = total('overdue');
  return {
    total: {
      items: total('items'),
      started,
      decided: total('approved') + total('rejected'),
      approved: total('approved'),
      rejected: total('rejected'),
      handling: { count: timed, averageHours: num(result[0]?.total_avg_hours), p90Hours: null },
      decidedLate: total('decidedLate'),
      overdue,
      overdueRate: rate(overdue, started),
    },
    byItem,
    blockages,
  };
}

async function rejections(db: Db, f: StatsFilters, period: Period): Promise<{ reason: string; count: number }[]> {
  const department = (alias: string) => (f.department !== undefined ? [sql`${sql.raw(alias)}.department = ${f.department}`] : []);
  const counted = counters(
    f,
    period,
    'i',
    (where) => sql`select s.reason, s.rejected from stats_rejection_days s where ${and([...department('s'), where])}`,
    (where) =>
      sql`select stats_reason(i.decision) as reason, 1 as rejected from application_items i where ${and([sql`i.status = 'rejected'`, ...department('i'), where])}`,
  );
  const result = await rows<{ reason: string; count: number }>(
    db,
    sql`select reason, sum(rejected)::int as count from ${counted} group by 1 having sum(rejected) > 0 order by 2 desc, 1 limit 10`,
  );
  return result.map((r) => ({ reason: r.reason, count: Number(r.count) }));
}

/** The open item waiting longest: found in the index of open items by start, then read with its application. */
async function longestWait(db: Db, f: StatsFilters): Promise<LongestWait | null> {
  const [l] = await rows<{
    application_id: string;
    number: string;
    bundle: string;
    item: string;
    item_name: string;
    department: string;
    status: string;
    started_at: string;
    hours: number;
  }>(
    db,
    sql`with oldest as (
          select o.application_id, o.item_code from application_items o
          where ${and([
            sql`o.status in (${literals(OPEN_ITEM_STATUSES)})`,
            // An item starts after its application was created: skip the older part of the index.
            f.since !== undefined ? sql`o.started_at >= ${f.since}::timestamptz` : sql`o.started_at is not null`,
            ...(f.department !== undefined ? [sql`o.department = ${f.department}`] : []),
            ...scope('o', f),
          ])}
          order by o.started_at asc, o.application_id limit 1)
        select i.application_id, a.number, a.bundle_code as bundle, i.item_code as item, i.item_name, i.department, i.status,
          ${iso(sql`i.started_at`)} as started_at, (date_part('epoch', now() - i.started_at) / 3600)::float8 as hours
        from oldest join application_items i using (application_id, item_code) join applications a on a.id = i.application_id`,
  );
  return l
    ? {
        applicationId: l.application_id,
        number: l.number,
        bundle: l.bundle,
        item: l.item,
        itemName: l.item_name,
        department: l.department,
        status: l.status,
        startedAt: l.started_at,
        waitHours: Number(l.hours),
      }
    : null;
}

/**
 * Reviews and their rectifications, for the applications in scope (joined through the read model).
 * A review the department's appeal dismissed (申诉成立, DB32/T 4660) counts for nothing.
 */
async function reviews(db: Db, f: StatsFilters) {
  const scope: SQL[] = [sql`true`];
  if (f.bundle !== undefined) scope.push(sql`e.bundle_code = ${f.bundle}`);
  if (f.department !== undefined) scope.push(sql`e.department = ${f.department}`);
  if (f.regionPrefix !== undefined) scope.push(sql`a.region like ${`${f.regionPrefix}%`}`);
  if (f.since !== undefined) scope.push(sql`e.created_at >= ${f.since}`);
  if (f.until !== undefined) scope.push(sql`e.created_at < ${f.until}`);
  const where = sql.join(scope, sql` and `);
  const [r] = await rows<{ evaluations: number; bad: number; total: number; replied: number; rectified: number; visited: number; overdue: number }>(
    db,
    sql`select count(*)::int as evaluations, count(*) filter (where e.rating <= 2)::int as bad,
          count(c.id)::int as total, count(*) filter (where c.replied)::int as replied,
          count(*) filter (where c.rectified)::int as rectified, count(*) filter (where c.visited)::int as visited,
          count(*) filter (where c.overdue)::int as overdue
        from evaluations e join applications a on a.id = e.application_id
        left join cases c on c.id = e.id and c.kind = 'rectification'
        where ${where} and c.type is distinct from 'dismissed'`,
  );
  const n = (x: number | undefined) => Number(x ?? 0);
  const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  const total = n(r?.total);
  return {
    evaluations: n(r?.evaluations),
    badReviews: n(r?.bad),
    badReviewRate: rate(n(r?.bad), n(r?.evaluations)),
    rectifications: {
      total,
      replyRate: rate(n(r?.replied), total),
      rectificationRate: rate(n(r?.rectified), total),
      returnVisitRate: rate(n(r?.visited), total),
      overdue: n(r?.overdue),
    },
  };
}

/**
 * 免提交 by bundle: the materials the applications in scope took from the certificate store (the
 * case file's references via certificate), and the trips to the issuing departments that spared —
 * one per application and department.
 */
async function sharedByBundle(db: Db, f: StatsFilters): Promise<Map<string, { materials: number; trips: number }>> {
  // Only the case files that took a material from the store (their partial index), then those materials.
  const scope: SQL[] = [SHARED_MATERIALS, sql`m->>'via' = 'certificate'`];
  if (f.bundle !== undefined) scope.push(sql`a.bundle_code = ${f.bundle}`);
  if (f.department !== undefined) scope.push(sql`exists (select 1 from application_items i where i.application_id = a.id and i.department = ${f.department})`);
  if (f.regionPrefix !== undefined) scope.push(sql`a.region like ${`${f.regionPrefix}%`}`);
  if (f.since !== undefined) scope.push(sql`a.created_at >= ${f.since}`);
  if (f.until !== undefined) scope.push(sql`a.created_at < ${f.until}`);
  const found = await rows<{ bundle: string; materials: number; trips: number }>(
    db,
    sql`select a.bundle_code as bundle, count(*)::int as materials, count(distinct (a.id, c.department))::int as trips
        from case_files f join applications a on a.id = f.application_id
        cross join lateral jsonb_array_elements(f.submission -> 'materials') m
        left join certificates c on c.id = m->>'certificate'
        where ${sql.join(scope, sql` and `)}
        group by a.bundle_code`,
  );
  return new Map(found.map((r) => [r.bundle, { materials: Number(r.materials), trips: Number(r.trips) }]));
}

/** The latest published version of each bundle (retired or not: old applications still count). */
async function latestDefinitions(db: Db, codes: string[]): Promise<{ version: number; definition: BundleDefinition }[]> {
  if (codes.length === 0) return [];
  return db
    .selectDistinctOn([bundleVersions.code], { version: bundleVersions.version, definition: bundleVersions.definition })
    .from(bundleVersions)
    .where(inArray(bundleVersions.code, codes))
    .orderBy(bundleVersions.code, desc(bundleVersions.version));
}

/**
 * What the bundle merges away, from its definition. We count the WHOLE bundle — every item, as if
 * every situation question were answered so that it applies — by handing buildGuide the definition
 * with the `when` conditions removed: buildGuide with empty answers would drop every conditional
 * item (for newborn: 户口, 医保, 社保卡) and understate the merging. Per application, the saving
 * actually depends on its answers, which the read model does not keep.
 */
export function bundleSavings(
  definition: BundleDefinition,
  version: number,
): Omit<Savings, 'applications' | 'materialsSaved' | 'fieldsSaved' | 'tripsSaved' | 'materialsShared' | 'tripsShared'> {
  const everything = { ...definition, version, items: definition.items.map(({ when: _when, ...item }) => item) };
  const { figures } = buildGuide(everything, {}, { url: '' });
  return {
    bundle: definition.code,
    version,
    name: definition.name,
    items: figures.items,
    materialsBefore: figures.materialsBefore,
    materialsAfter: figures.materialsAfter,
    fieldsBefore: figures.fieldsBefore,
    fieldsAfter: figures.fieldsAfter,
    legalDays: figures.legalDays,
    committedDays: figures.committedDays,
    tripsBefore: figures.items,
    tripsAfter: figures.items > 0 ? 1 : 0,
  };
}

export async function computeStats(db: Db, f: StatsFilters): Promise<Stats> {
  const period = splitPeriod(f);
  const [apps, items, rejected, longest, reviewed, shared] = await Promise.all([
    applicationFigures(db, f, period),
    itemFigures(db, f, period),
    rejections(db, f, period),
    longestWait(db, f),
    reviews(db, f),
    sharedByBundle(db, f),
  ]);
  const codes = [...new Set([...(f.bundle !== undefined ? [f.bundle] : []), ...apps.byBundle.map((b) => b.bundle)])];
  const definitions = await latestDefinitions(db, codes);

  // The limits of each item, from the definitions of the bundles in the figures (the first found wins
  // when two bundles share an item code).
  const limits = new Map<string, { name: string; legalDays: number; committedDays: number }>();
  for (const { definition } of definitions) {
    for (const item of definition.items) {
      if (!limits.has(item.code)) limits.set(item.code, { name: item.name, legalDays: item.legalDays, committedDays: item.committedDays });
    }
  }

  const volumeOf = new Map(apps.byBundle.map((b) => [b.bundle, b.volume]));
  const savings = definitions.map(({ version, definition }) => {
    const s = bundleSavings(definition, version);
    const applications = volumeOf.get(definition.code) ?? 0;
    const fromStore = shared.get(definition.code) ?? { materials: 0, trips: 0 };
    return {
      ...s,
      applications,
      materialsSaved: (s.materialsBefore - s.materialsAfter) * applications + fromStore.materials,
      fieldsSaved: (s.fieldsBefore - s.fieldsAfter) * applications,
      tripsSaved: (s.tripsBefore - s.tripsAfter) * applications + fromStore.trips,
      materialsShared: fromStore.materials,
      tripsShared: fromStore.trips,
    };
  });

  return {
    ...apps.total,
    byBundle: apps.byBundle,
    itemTotals: items.total,
    items: items.byItem.map((i) => ({ ...i, ...limits.get(i.item) })),
    rejections: rejected,
    blockages: { items: items.blockages, longest },
    ...reviewed,
    savings,
  };
}
