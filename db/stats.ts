// Statistics (R-8.4; standard 10.1, 10.2, 11.2) computed in SQL over the read model: a handful of
// aggregate queries run side by side, each one scan (or an index range) however many rows there
// are. Handling times are wall-clock hours; the limits they are measured against are working days
// (the item's legal deadline is in the read model, so "decided after the deadline" is exact).
import { desc, inArray, sql, type SQL } from 'drizzle-orm';
import type { ApplicationStatus } from '../workflows/application/messages.js';
import type { BundleDefinition } from '../workflows/shared/bundle.js';
import { buildGuide } from '../workflows/shared/guide.js';
import type { Db } from './client.js';
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

export const APPLICATION_STATUSES = [
  'incomplete',
  'received',
  'accepted',
  'in_review',
  'completed',
  'partially_completed',
  'terminated',
  'withdrawn',
  'expired',
] as const satisfies readonly ApplicationStatus[];
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
  outcomes: Record<(typeof APPLICATION_STATUSES)[number], number>;
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

export interface Savings {
  bundle: string;
  version: number;
  name: string;
  /** Figures of the whole bundle: every item, as if every situation applied (see bundleSavings). */
  items: number;
  materialsBefore: number;
  materialsAfter: number;
  fieldsBefore: number;
  fieldsAfter: number;
  legalDays: number;
  committedDays: number;
  /** One trip to one window instead of one per item (一次办). */
  tripsBefore: number;
  tripsAfter: number;
  /** Applications in the figures, and what they were spared in total. */
  applications: number;
  materialsSaved: number;
  fieldsSaved: number;
  tripsSaved: number;
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

/** Rows of db.execute, whichever driver: postgres.js answers an array, PGlite `{ rows }`. */
async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

const iso = (expr: SQL) => sql`to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Constant status lists as literals, not parameters: a partial index's predicate must be provable from the query. */
const literals = (values: readonly string[]) => {
  if (!values.every((v) => /^[a-z_]+$/.test(v))) throw new Error('status literals must be plain codes');
  return sql.raw(values.map((v) => `'${v}'`).join(', '));
};
const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Conditions on `applications a`; the department condition only where items are not joined by department. */
function applicationConditions(f: StatsFilters, withDepartment: boolean): SQL[] {
  const c: SQL[] = [];
  if (f.bundle !== undefined) c.push(sql`a.bundle_code = ${f.bundle}`);
  if (f.regionPrefix) c.push(sql`a.region like ${`${f.regionPrefix}%`}`);
  if (f.since !== undefined) c.push(sql`a.created_at >= ${f.since}::timestamptz`);
  if (f.until !== undefined) c.push(sql`a.created_at < ${f.until}::timestamptz`);
  if (withDepartment && f.department !== undefined) {
    c.push(sql`exists (select 1 from application_items d where d.application_id = a.id and d.department = ${f.department})`);
  }
  return c;
}

const where = (c: SQL[]) => (c.length ? sql`where ${sql.join(c, sql` and `)}` : sql``);

/**
 * `application_items i`, joined to `applications a` only when an application-level filter needs it
 * (the unfiltered province view aggregates the items table alone), filtered to the department.
 */
function itemSource(f: StatsFilters, extra: SQL[] = []): SQL {
  const appConditions = applicationConditions(f, false);
  const c = [...extra, ...appConditions];
  if (f.department !== undefined) c.unshift(sql`i.department = ${f.department}`);
  const from = appConditions.length ? sql`application_items i join applications a on a.id = i.application_id` : sql`application_items i`;
  return sql`${from} ${where(c)}`;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

interface TimingRow {
  total: number;
  timed: number;
  avg_hours: number | null;
  p90_hours: number | null;
}
const timing = (r: Omit<TimingRow, 'total'> | undefined): Timing => ({ count: Number(r?.timed ?? 0), averageHours: num(r?.avg_hours), p90Hours: num(r?.p90_hours) });

/**
 * Application figures in two queries: counts by (bundle, status) — a parallel hash aggregate — and
 * handling times of ended applications, whose percentile needs sorted input: that query reads only
 * the covering partial index applications_ended_idx (an index-only scan already in bundle order).
 */
async function applicationFigures(db: Db, f: StatsFilters): Promise<{ total: ApplicationFigures; byBundle: (ApplicationFigures & { bundle: string })[] }> {
  const conditions = applicationConditions(f, true);
  const hours = sql`date_part('epoch', a.ended_at - a.accepted_at) / 3600`;
  const [counts, timings] = await Promise.all([
    rows<{ bundle: string; status: string; n: number }>(
      db,
      sql`select a.bundle_code as bundle, a.status, count(*)::int as n from applications a ${where(conditions)} group by 1, 2`,
    ),
    rows<TimingRow & { bundle: string | null }>(
      db,
      sql`select a.bundle_code as bundle, grouping(a.bundle_code)::int as total, count(${hours})::int as timed,
            avg(${hours})::float8 as avg_hours, percentile_cont(0.9) within group (order by ${hours})::float8 as p90_hours
          from applications a ${where([sql`a.ended_at is not null`, ...conditions])}
          group by grouping sets ((a.bundle_code), ())`,
    ),
  ]);
  const figures = (statusRows: { status: string; n: number }[], t: TimingRow | undefined): ApplicationFigures => {
    const outcomes = Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, 0])) as ApplicationFigures['outcomes'];
    let volume = 0;
    for (const r of statusRows) {
      volume += Number(r.n);
      if (r.status in outcomes) outcomes[r.status as keyof typeof outcomes] += Number(r.n);
    }
    const ended = ENDED.reduce((sum, s) => sum + outcomes[s], 0);
    return { volume, outcomes, ended, completed: outcomes.completed, completionRate: rate(outcomes.completed, ended), handling: timing(t) };
  };
  const bundles = [...new Set(counts.map((r) => r.bundle))];
  const byBundle = bundles
    .map((bundle) => ({ bundle, ...figures(counts.filter((r) => r.bundle === bundle), timings.find((t) => Number(t.total) === 0 && t.bundle === bundle)) }))
    .sort((a, b) => b.volume - a.volume || (a.bundle < b.bundle ? -1 : 1));
  return { total: figures(counts, timings.find((t) => Number(t.total) !== 0)), byBundle };
}

type DecidedRow = Omit<TimingRow, 'total'> & { item: string; department: string; approved: number; rejected: number; late: number };
type CountRow = { item: string; department: string; items: number; started: number; overdue: number };

/**
 * Item figures. Over all items (no application-level filter): two queries — volumes and overdue by
 * a parallel hash aggregate over every item, decisions and handling times over decided items only
 * from the covering partial index application_items_decided_idx (index-only, in item order, so no
 * sort before the percentile). With a filter on the applications (bundle, region, period), one
 * query: the join with the selected applications is done once, and what it yields is small.
 */
async function itemFigures(db: Db, f: StatsFilters): Promise<{ total: ItemFigures; byItem: ItemStats[] }> {
  const hours = sql`date_part('epoch', i.decided_at - i.started_at) / 3600`;
  const isDecided = sql`i.status in (${literals(DECIDED)})`;
  const decidedColumns = (only: SQL | undefined) => {
    const filter = only ? sql` filter (where ${only})` : sql``;
    return sql`count(*) filter (where i.status = 'approved')::int as approved,
            count(*) filter (where i.status = 'rejected')::int as rejected,
            count(*) filter (where ${only ?? sql`true`} and i.decided_at > i.deadline)::int as late,
            count(${hours})${filter}::int as timed, avg(${hours})${filter}::float8 as avg_hours,
            percentile_cont(0.9) within group (order by ${hours})${filter}::float8 as p90_hours`;
  };
  const countColumns = sql`count(*)::int as items, count(i.started_at)::int as started, count(*) filter (where i.overdue)::int as overdue`;
  let counts: CountRow[];
  let decided: DecidedRow[];
  if (applicationConditions(f, false).length > 0) {
    counts = decided = await rows<CountRow & DecidedRow>(
      db,
      sql`select i.item_code as item, i.department, ${countColumns}, ${decidedColumns(isDecided)} from ${itemSource(f)} group by 1, 2`,
    );
  } else {
    [counts, decided] = await Promise.all([
      rows<CountRow>(db, sql`select i.item_code as item, i.department, ${countColumns} from ${itemSource(f)} group by 1, 2`),
      rows<DecidedRow>(db, sql`select i.item_code as item, i.department, ${decidedColumns(undefined)} from ${itemSource(f, [isDecided])} group by 1, 2`),
    ]);
  }
  const figures = (c: { items: number; started: number; overdue: number }, d: DecidedRow | undefined): ItemFigures => {
    const approved = Number(d?.approved ?? 0);
    const rejected = Number(d?.rejected ?? 0);
    return {
      items: c.items,
      started: c.started,
      decided: approved + rejected,
      approved,
      rejected,
      handling: timing(d),
      decidedLate: Number(d?.late ?? 0),
      overdue: c.overdue,
      overdueRate: rate(c.overdue, c.started),
    };
  };
  const byItem = counts
    .map((c) => {
      const d = decided.find((r) => r.item === c.item && r.department === c.department);
      return { item: c.item, department: c.department, ...figures({ items: Number(c.items), started: Number(c.started), overdue: Number(c.overdue) }, d) };
    })
    .sort((a, b) => b.items - a.items || (a.item < b.item ? -1 : a.item > b.item ? 1 : a.department < b.department ? -1 : 1));

  // Totals add up the items. No p90 across items: items with 1-day and 20-day limits do not share
  // one distribution (and it would cost a second sort of every decided item).
  const total = (key: 'items' | 'started' | 'overdue' | 'approved' | 'rejected' | 'decidedLate') => byItem.reduce((sum, i) => sum + i[key], 0);
  const timed = byItem.reduce((sum, i) => sum + i.handling.count, 0);
  const hoursSum = byItem.reduce((sum, i) => sum + (i.handling.averageHours ?? 0) * i.handling.count, 0);
  const started = total('started');
  const overdue = total('overdue');
  return {
    total: {
      items: total('items'),
      started,
      decided: total('approved') + total('rejected'),
      approved: total('approved'),
      rejected: total('rejected'),
      handling: { count: timed, averageHours: timed > 0 ? hoursSum / timed : null, p90Hours: null },
      decidedLate: total('decidedLate'),
      overdue,
      overdueRate: rate(overdue, started),
    },
    byItem,
  };
}

/** Reviews and their rectifications, for the applications in scope (joined through the read model). */
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
        where ${where}`,
  );
  const n = (x: number | undefined) => Number(x ?? 0);
  const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
  const total = n(r?.total);
  return {
    evaluations: n(r?.evaluations),
    badReviews: n(r?.bad),
    badReviewRate: rate(n(r?.bad), n(r?.evaluations)),
    rectifications: { total, replyRate: rate(n(r?.replied), total), rectificationRate: rate(n(r?.rectified), total), returnVisitRate: rate(n(r?.visited), total), overdue: n(r?.overdue) },
  };
}

async function rejections(db: Db, f: StatsFilters): Promise<{ reason: string; count: number }[]> {
  const result = await rows<{ reason: string; count: number }>(
    db,
    sql`select coalesce(nullif(btrim(i.decision ->> 'reason'), ''), '（未说明理由）') as reason, count(*)::int as count
        from ${itemSource(f, [sql`i.status = 'rejected'`])}
        group by 1 order by 2 desc, 1 limit 10`,
  );
  return result.map((r) => ({ reason: r.reason, count: Number(r.count) }));
}

async function blockages(db: Db, f: StatsFilters): Promise<Stats['blockages']> {
  const open = sql`i.status in (${literals(OPEN_ITEM_STATUSES)})`;
  const [grouped, longest] = await Promise.all([
    rows<{ item: string; department: string; waiting: number; in_review: number; correction_requested: number; awaiting_material: number; oldest: string | null; hours: number | null }>(
      db,
      sql`select i.item_code as item, i.department, count(*)::int as waiting,
            count(*) filter (where i.status = 'in_review')::int as in_review,
            count(*) filter (where i.status = 'correction_requested')::int as correction_requested,
            count(*) filter (where i.status = 'awaiting_material')::int as awaiting_material,
            ${iso(sql`min(i.started_at)`)} as oldest,
            (date_part('epoch', now() - min(i.started_at)) / 3600)::float8 as hours
          from ${itemSource(f, [open])}
          group by 1, 2 order by min(i.started_at) asc nulls last, 3 desc limit 20`,
    ),
    rows<{ application_id: string; number: string; bundle: string; item: string; item_name: string; department: string; status: string; started_at: string; hours: number }>(
      db,
      sql`select i.application_id, a.number, a.bundle_code as bundle, i.item_code as item, i.item_name, i.department, i.status,
            ${iso(sql`i.started_at`)} as started_at, (date_part('epoch', now() - i.started_at) / 3600)::float8 as hours
          from application_items i join applications a on a.id = i.application_id
          ${where([
            open,
            // An item starts after its application was created: skip the older part of the index.
            f.since !== undefined ? sql`i.started_at >= ${f.since}::timestamptz` : sql`i.started_at is not null`,
            ...(f.department !== undefined ? [sql`i.department = ${f.department}`] : []),
            ...applicationConditions(f, false),
          ])}
          order by i.started_at asc, i.application_id limit 1`,
    ),
  ]);
  const l = longest[0];
  return {
    items: grouped.map((r) => ({
      item: r.item,
      department: r.department,
      waiting: Number(r.waiting),
      inReview: Number(r.in_review),
      correctionRequested: Number(r.correction_requested),
      awaitingMaterial: Number(r.awaiting_material),
      oldestStartedAt: r.oldest,
      longestWaitHours: num(r.hours),
    })),
    longest: l
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
      : null,
  };
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
export function bundleSavings(definition: BundleDefinition, version: number): Omit<Savings, 'applications' | 'materialsSaved' | 'fieldsSaved' | 'tripsSaved'> {
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
  const [apps, items, rejected, blocked, reviewed] = await Promise.all([
    applicationFigures(db, f),
    itemFigures(db, f),
    rejections(db, f),
    blockages(db, f),
    reviews(db, f),
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
    return {
      ...s,
      applications,
      materialsSaved: (s.materialsBefore - s.materialsAfter) * applications,
      fieldsSaved: (s.fieldsBefore - s.fieldsAfter) * applications,
      tripsSaved: (s.tripsBefore - s.tripsAfter) * applications,
    };
  });

  return {
    ...apps.total,
    byBundle: apps.byBundle,
    itemTotals: items.total,
    items: items.byItem.map((i) => ({ ...i, ...limits.get(i.item) })),
    rejections: rejected,
    blockages: blocked,
    ...reviewed,
    savings,
  };
}
