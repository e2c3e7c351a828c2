// Statistics from the rollups (migration 0006, db/stats.ts) against a plain reference computed here
// from the rows, the way the statistics were defined before the rollups (a join of the items to
// their applications, percentile_cont over the rows in scope): random applications and items,
// written by plain SQL and by syncApplication, changed and deleted, under every kind of filter and
// period (whole China days, partial days, no whole day, open bounds, an instant without a zone).
// Also: the rollups the triggers keep equal the ones stats_rebuild() computes from the rows.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { DbHandle } from '../../db/client.js';
import { applicationItems, applications } from '../../db/schema.js';
import { computeStats, type Stats, type StatsFilters } from '../../db/stats.js';
import { APPLICATION_STATUSES, type ApplicationState } from '../../workflows/application/messages.js';
import { createTestDb } from '../helpers/db.js';

let db: DbHandle & { drop(): Promise<void> };
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => db?.drop());

async function query<T>(q: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.db.execute(q)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** mulberry32: reproducible data for a seed. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}

const BUNDLES = ['b1', 'b2', 'b3'];
const REGIONS = ['320000', '320100', '320102', '320200'];
const STATUSES = [...APPLICATION_STATUSES, 'someday'];
const ITEMS = [
  { code: 'i-a', department: 'd1' },
  { code: 'i-b', department: 'd1' },
  { code: 'i-c', department: 'd2' },
  { code: 'i-d', department: 'd3' },
  { code: 'i-e', department: 'd2' },
];
const ITEM_STATUSES = ['waiting', 'in_review', 'correction_requested', 'awaiting_material', 'approved', 'rejected', 'cancelled'];
const REASONS = [undefined, '', '   ', '材料不齐全', '不符合受理条件', ' 材料不齐全 ', '长'.repeat(3000)];
const START = Date.parse('2026-03-01T00:00:00Z');
/** An instant with microseconds, within `days` of `from`. */
const instant = (r: ReturnType<typeof random>, from: number, days: number) => {
  const us = Math.floor(r.next() * days * 86_400_000_000);
  const iso = new Date(from + Math.floor(us / 1000)).toISOString();
  return `${iso.slice(0, 23)}${String(us % 1000).padStart(3, '0')}Z`;
};

type AppRow = typeof applications.$inferInsert;
type ItemRow = typeof applicationItems.$inferInsert;

/** The application's columns on its items, as syncApplication writes them. */
function withApplication(
  app: AppRow,
  items: Omit<ItemRow, 'bundleCode' | 'region' | 'createdAt' | 'applicationStatus' | 'applicationAcceptedAt' | 'applicationEndedAt' | 'departmentFirst'>[],
): ItemRow[] {
  return items.map((i) => ({
    ...i,
    bundleCode: app.bundleCode,
    region: app.region,
    createdAt: app.createdAt,
    applicationStatus: app.status,
    applicationAcceptedAt: app.acceptedAt ?? null,
    applicationEndedAt: app.endedAt ?? null,
    departmentFirst: !items.some((o) => o.department === i.department && o.itemCode < i.itemCode),
  }));
}

function generate(seed: number, n: number): { apps: AppRow[]; items: ItemRow[] } {
  const r = random(seed);
  const apps: AppRow[] = [];
  const items: ItemRow[] = [];
  for (let k = 0; k < n; k++) {
    const id = `S${seed}-${String(k).padStart(5, '0')}`;
    const createdAt = instant(r, START, 8);
    const created = Date.parse(createdAt);
    const status = r.pick(STATUSES);
    const acceptedAt = r.chance(0.85) ? instant(r, created, 0.1) : null;
    const endedAt = r.chance(0.6) ? instant(r, created, 12) : null;
    const app: AppRow = {
      id,
      number: id,
      bundleCode: r.pick(BUNDLES),
      bundleVersion: 1,
      region: r.pick(REGIONS),
      status,
      channel: 'web',
      owner: 'u',
      submittedBy: 'u',
      applicantName: '张*',
      applicantId: '3206**********1234',
      createdAt,
      acceptedAt,
      endedAt,
      revision: 1,
    };
    apps.push(app);
    const chosen = ITEMS.filter(() => r.chance(0.6));
    items.push(
      ...withApplication(
        app,
        chosen.map((it) => {
          const itemStatus = r.pick(ITEM_STATUSES);
          const decided = itemStatus === 'approved' || itemStatus === 'rejected';
          const startedAt = itemStatus === 'waiting' && r.chance(0.7) ? null : r.chance(0.95) ? instant(r, created, 2) : null;
          const decidedAt = decided && r.chance(0.95) ? instant(r, created, 10) : null;
          return {
            applicationId: id,
            itemCode: it.code,
            itemName: it.code,
            department: it.department,
            status: itemStatus,
            startedAt,
            deadline: r.chance(0.9) ? instant(r, created, 8) : null,
            overdue: r.chance(0.3),
            decidedAt,
            decision: decided ? { decision: itemStatus === 'approved' ? 'approve' : 'reject', reason: r.pick(REASONS) } : null,
          };
        }),
      ),
    );
  }
  return { apps, items };
}

// ── the reference ──────────────────────────────────────────────────────────────────────────────

interface RefApp {
  id: string;
  bundle: string;
  region: string;
  created: string;
  status: string;
  hours: number | null;
  ended: boolean;
}
interface RefItem {
  app: string;
  item: string;
  department: string;
  status: string;
  started: string | null;
  started_iso: string | null;
  hours: number | null;
  late: boolean;
  overdue: boolean;
  reason: string;
}

/** Hours, times and reasons as PostgreSQL computes them (so that the comparison is exact). */
async function load() {
  const apps = await query<RefApp>(sql`
    select id, bundle_code as bundle, region, (extract(epoch from created_at) * 1000000)::bigint::text as created, status,
      date_part('epoch', ended_at - accepted_at) / 3600 as hours, ended_at is not null as ended
    from applications`);
  const items = await query<RefItem>(sql`
    select application_id as app, item_code as item, department, status,
      (extract(epoch from started_at) * 1000000)::bigint::text as started,
      to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as started_iso,
      case when status in ('approved', 'rejected') then date_part('epoch', decided_at - started_at) / 3600 end as hours,
      coalesce(status in ('approved', 'rejected') and decided_at > deadline, false) as late, overdue,
      coalesce(nullif(btrim(decision ->> 'reason'), ''), '（未说明理由）') as reason
    from application_items`);
  return { apps, items };
}

const percentile90 = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const p = 0.9 * (v.length - 1);
  const lo = Math.floor(p);
  const hi = Math.ceil(p);
  return hi > lo ? v[lo]! + (p - lo) * (v[hi]! - v[lo]!) : v[lo]!;
};
const timing = (values: (number | null)[]) => {
  const v = values.filter((x): x is number => x !== null);
  return { count: v.length, averageHours: v.length ? v.reduce((s, x) => s + x, 0) / v.length : null, p90Hours: percentile90(v) };
};
const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

async function reference(data: { apps: RefApp[]; items: RefItem[] }, f: StatsFilters) {
  const micros = async (s: string | undefined) =>
    s === undefined ? undefined : BigInt((await query<{ t: string }>(sql`select (extract(epoch from ${s}::timestamptz) * 1000000)::bigint::text as t`))[0]!.t);
  const since = await micros(f.since);
  const until = await micros(f.until);
  const byId = new Map(data.apps.map((a) => [a.id, a]));
  const appIn = (a: RefApp) =>
    (f.bundle === undefined || a.bundle === f.bundle) &&
    (!f.regionPrefix || a.region.startsWith(f.regionPrefix)) &&
    (since === undefined || BigInt(a.created) >= since) &&
    (until === undefined || BigInt(a.created) < until);
  const apps = data.apps.filter((a) => appIn(a) && (f.department === undefined || data.items.some((i) => i.app === a.id && i.department === f.department)));
  const items = data.items.filter((i) => appIn(byId.get(i.app)!) && (f.department === undefined || i.department === f.department));

  const appFigures = (as: RefApp[]) => {
    const outcomes = Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, as.filter((a) => a.status === s).length]));
    const ended = ['completed', 'partially_completed', 'terminated', 'withdrawn', 'expired'].reduce((s, k) => s + outcomes[k]!, 0);
    return {
      volume: as.length,
      outcomes,
      ended,
      completed: outcomes.completed!,
      completionRate: rate(outcomes.completed!, ended),
      handling: timing(as.filter((a) => a.ended).map((a) => a.hours)),
    };
  };
  const byBundle = [...new Set(apps.map((a) => a.bundle))]
    .map((bundle) => ({ bundle, ...appFigures(apps.filter((a) => a.bundle === bundle)) }))
    .sort((a, b) => b.volume - a.volume || (a.bundle < b.bundle ? -1 : 1));

  const groups = [...new Set(items.map((i) => `${i.item}|${i.department}`))].map((key) => {
    const [item, department] = key.split('|') as [string, string];
    const is = items.filter((i) => i.item === item && i.department === department);
    const decided = is.filter((i) => i.status === 'approved' || i.status === 'rejected');
    const started = is.filter((i) => i.started !== null).length;
    const overdue = is.filter((i) => i.overdue).length;
    const approved = is.filter((i) => i.status === 'approved').length;
    const rejected = is.filter((i) => i.status === 'rejected').length;
    return {
      item,
      department,
      items: is.length,
      started,
      decided: approved + rejected,
      approved,
      rejected,
      handling: timing(decided.map((i) => i.hours)),
      decidedLate: is.filter((i) => i.late).length,
      overdue,
      overdueRate: rate(overdue, started),
    };
  });
  groups.sort((a, b) => b.items - a.items || (a.item < b.item ? -1 : a.item > b.item ? 1 : a.department < b.department ? -1 : 1));
  const sum = (k: 'items' | 'started' | 'overdue' | 'approved' | 'rejected' | 'decidedLate') => groups.reduce((s, g) => s + g[k], 0);
  const itemTotals = {
    items: sum('items'),
    started: sum('started'),
    decided: sum('approved') + sum('rejected'),
    approved: sum('approved'),
    rejected: sum('rejected'),
    handling: { ...timing(items.filter((i) => i.status === 'approved' || i.status === 'rejected').map((i) => i.hours)), p90Hours: null },
    decidedLate: sum('decidedLate'),
    overdue: sum('overdue'),
    overdueRate: rate(sum('overdue'), sum('started')),
  };

  const reasons = new Map<string, number>();
  for (const i of items.filter((i) => i.status === 'rejected')) reasons.set(i.reason, (reasons.get(i.reason) ?? 0) + 1);
  const rejections = [...reasons]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1))
    .slice(0, 10);

  const open = items.filter((i) => ['in_review', 'correction_requested', 'awaiting_material'].includes(i.status));
  const blockages = [...new Set(open.map((i) => `${i.item}|${i.department}`))]
    .map((key) => {
      const [item, department] = key.split('|') as [string, string];
      const is = open.filter((i) => i.item === item && i.department === department);
      const oldest = is.filter((i) => i.started !== null).sort((a, b) => (BigInt(a.started!) < BigInt(b.started!) ? -1 : 1))[0];
      return {
        item,
        department,
        waiting: is.length,
        inReview: is.filter((i) => i.status === 'in_review').length,
        correctionRequested: is.filter((i) => i.status === 'correction_requested').length,
        awaitingMaterial: is.filter((i) => i.status === 'awaiting_material').length,
        oldestStartedAt: oldest?.started_iso ?? null,
        oldest: oldest ? BigInt(oldest.started!) : undefined,
      };
    })
    .sort((a, b) => (a.oldest === b.oldest ? b.waiting - a.waiting : a.oldest === undefined ? 1 : b.oldest === undefined ? -1 : a.oldest < b.oldest ? -1 : 1))
    .slice(0, 20)
    .map(({ oldest: _, ...b }) => b);
  const waitingLongest = open
    .filter((i) => i.started !== null && (since === undefined || BigInt(i.started) >= since))
    .sort((a, b) => (BigInt(a.started!) < BigInt(b.started!) ? -1 : BigInt(a.started!) > BigInt(b.started!) ? 1 : a.app < b.app ? -1 : 1))[0];

  return {
    ...appFigures(apps),
    byBundle,
    itemTotals,
    items: groups,
    rejections,
    blockages: {
      items: blockages,
      longest: waitingLongest ? { applicationId: waitingLongest.app, item: waitingLongest.item, startedAt: waitingLongest.started_iso } : null,
    },
  };
}

/** Equal, but floats that are sums (averages, rates) only to 1e-9; the 90th percentiles are compared exactly. */
function expectSame(actual: Stats, expected: Awaited<ReturnType<typeof reference>>, what: string) {
  const strip = (s: object) => JSON.parse(JSON.stringify(s, (k, v) => (k === 'longestWaitHours' || k === 'waitHours' ? undefined : v)));
  const round = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (typeof x === 'number' && k !== 'p90Hours' ? Number(x.toPrecision(10)) : x)));
  const got = strip(actual);
  const names = got.items.map((i: { item: string; department: string }) => ({ item: i.item, department: i.department }));
  expect(names, `${what}: items`).toEqual(expected.items.map((i) => ({ item: i.item, department: i.department })));
  // Reasons of equal counts in one order (PostgreSQL's collation need not be JavaScript's).
  const reasons = (rs: { reason: string; count: number }[]) => [...rs].sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
  expect(reasons(got.rejections), `${what}: rejections`).toEqual(reasons(expected.rejections));
  for (const key of ['volume', 'outcomes', 'ended', 'completed', 'completionRate', 'handling', 'byBundle', 'itemTotals'] as const) {
    expect(round(got[key]), `${what}: ${key}`).toEqual(round(expected[key]));
  }
  expect(round(got.items.map(({ name: _n, legalDays: _l, committedDays: _c, ...i }: Record<string, unknown>) => i)), `${what}: items`).toEqual(
    round(expected.items),
  );
  expect(got.blockages.items, `${what}: blockages`).toEqual(expected.blockages.items);
  expect(
    got.blockages.longest && {
      applicationId: got.blockages.longest.applicationId,
      item: got.blockages.longest.item,
      startedAt: got.blockages.longest.startedAt,
    },
    `${what}: longest`,
  ).toEqual(expected.blockages.longest);
}

const FILTERS: StatsFilters[] = [
  {},
  { bundle: 'b1' },
  { regionPrefix: '3201' },
  { regionPrefix: '32' },
  { department: 'd1' },
  { department: 'd2', bundle: 'b2', regionPrefix: '3202' },
];
const PERIODS: Pick<StatsFilters, 'since' | 'until'>[] = [
  {},
  { since: '2026-03-03T00:00:00+08:00', until: '2026-03-06T00:00:00+08:00' }, // whole days only
  { since: '2026-03-02T13:45:10.123Z', until: '2026-03-05T07:00:00.5+08:00' }, // partial first and last days
  { since: '2026-03-03T02:00:00+08:00', until: '2026-03-03T20:00:00+08:00' }, // no whole day
  { since: '2026-03-04T00:00:00.000Z' }, // open end, a partial first day
  { until: '2026-03-05T16:00:00Z' }, // open start, ends at a China midnight
  { since: '2026-03-02 09:00:00', until: '2026-03-07' }, // no zone: read by PostgreSQL only
];

async function compareAll(what: string) {
  const data = await load();
  for (const f of FILTERS) {
    for (const p of PERIODS) {
      const filters = { ...f, ...p };
      expectSame(await computeStats(db.db, filters), await reference(data, filters), `${what} ${JSON.stringify(filters)}`);
    }
  }
}

type Rollups = { applications: unknown[]; items: unknown[]; rejections: unknown[] };
async function rollups(): Promise<Rollups> {
  return {
    applications: await query(sql`select department, bundle_code, region, day::text, status, applications, timed, trim_scale(seconds)::text as seconds
      from stats_application_days where applications <> 0 or timed <> 0 or seconds <> 0 order by 1, 2, 3, 4, 5`),
    items: await query(sql`select department, item_code, bundle_code, region, day::text, items, started, overdue, approved, rejected, decided_late,
        timed, trim_scale(seconds)::text as seconds, in_review, correction_requested, awaiting_material from stats_item_days
      where items <> 0 or started <> 0 or overdue <> 0 or approved <> 0 or rejected <> 0 or decided_late <> 0 or timed <> 0 or seconds <> 0
         or in_review <> 0 or correction_requested <> 0 or awaiting_material <> 0
      order by department, item_code, bundle_code, region, day`),
    rejections: await query(
      sql`select department, bundle_code, region, day::text, reason, rejected from stats_rejection_days where rejected <> 0 order by 1, 2, 3, 4, 5`,
    ),
  };
}

describe('statistics from the rollups', () => {
  it('equal the reference over the rows, after inserts, updates and deletes, under every filter and period', async () => {
    const { apps, items } = generate(7, 400);
    for (let k = 0; k < apps.length; k += 100) await db.db.insert(applications).values(apps.slice(k, k + 100));
    for (let k = 0; k < items.length; k += 200) await db.db.insert(applicationItems).values(items.slice(k, k + 200));
    await compareAll('inserted');

    // Applications move on (their items follow, as syncApplication writes them); items are decided,
    // flagged, reopened; an application and its items go away.
    const r = random(11);
    for (const app of apps.filter(() => r.chance(0.3))) {
      const status = r.pick(STATUSES);
      const endedAt = r.chance(0.5) ? instant(r, Date.parse(app.createdAt), 12) : null;
      await db.db
        .update(applications)
        .set({ status, endedAt })
        .where(sql`${applications.id} = ${app.id}`);
      await db.db
        .update(applicationItems)
        .set({ applicationStatus: status, applicationEndedAt: endedAt })
        .where(sql`${applicationItems.applicationId} = ${app.id}`);
    }
    for (const item of items.filter(() => r.chance(0.3))) {
      const status = r.pick(ITEM_STATUSES);
      await db.db
        .update(applicationItems)
        .set({
          status,
          overdue: r.chance(0.5),
          decidedAt: instant(r, Date.parse(item.createdAt), 10),
          decision: { decision: 'reject', reason: r.pick(REASONS) },
          startedAt: r.chance(0.1) ? null : instant(r, Date.parse(item.createdAt), 2),
        })
        .where(sql`${applicationItems.applicationId} = ${item.applicationId} and ${applicationItems.itemCode} = ${item.itemCode}`);
    }
    for (const app of apps.filter(() => r.chance(0.05))) {
      await db.db.delete(applicationItems).where(sql`${applicationItems.applicationId} = ${app.id}`);
      await db.db.delete(applications).where(sql`${applications.id} = ${app.id}`);
    }
    await compareAll('changed');

    const kept = await rollups();
    await db.db.execute(sql`select stats_rebuild()`);
    expect(await rollups()).toEqual(kept);
    await compareAll('rebuilt');
  });

  it('counts what syncApplication writes: the application on its items, once per department', async () => {
    const { syncApplication } = createActivities({ db: db.db });
    const state = (revision: number, status: ApplicationState['status'], itemStatus: string, extra: Partial<ApplicationState> = {}) =>
      ({
        id: 'SYNC-1',
        number: 'SYNC-1',
        bundle: { code: 'b9', version: 1, name: 'b9', region: '320100' },
        status,
        channel: 'web',
        owner: 'u',
        submittedBy: { sub: 'u', role: 'applicant' },
        applicant: { kind: 'person', name: '张三', idNumber: '320681199001011234' },
        createdAt: '2026-03-04T01:02:03.456Z',
        acceptedAt: '2026-03-04T01:12:03.456Z',
        revision,
        receipt: { items: [], promised: [] },
        delivery: { method: 'electronic', events: [] },
        items: [
          { code: 'z-last', name: 'Z', department: 'd9', status: itemStatus, startedAt: '2026-03-04T02:00:00.000Z', after: [] },
          { code: 'a-first', name: 'A', department: 'd9', status: itemStatus, startedAt: '2026-03-04T02:00:00.000Z', after: [] },
          { code: 'm-other', name: 'M', department: 'd8', status: 'waiting', after: [] },
        ],
        ...extra,
      }) as unknown as ApplicationState;
    await syncApplication(state(1, 'in_review', 'in_review'));
    const rowsOf = () =>
      query<{ item_code: string; bundle_code: string; region: string; created_at: string; application_status: string; department_first: boolean }>(
        sql`select item_code, bundle_code, region, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
              application_status, department_first from application_items where application_id = 'SYNC-1' order by item_code`,
      );
    expect(await rowsOf()).toEqual([
      {
        item_code: 'a-first',
        bundle_code: 'b9',
        region: '320100',
        created_at: '2026-03-04T01:02:03.456Z',
        application_status: 'in_review',
        department_first: true,
      },
      {
        item_code: 'm-other',
        bundle_code: 'b9',
        region: '320100',
        created_at: '2026-03-04T01:02:03.456Z',
        application_status: 'in_review',
        department_first: true,
      },
      {
        item_code: 'z-last',
        bundle_code: 'b9',
        region: '320100',
        created_at: '2026-03-04T01:02:03.456Z',
        application_status: 'in_review',
        department_first: false,
      },
    ]);
    const d9 = await computeStats(db.db, { department: 'd9', bundle: 'b9' });
    expect(d9).toMatchObject({ volume: 1, outcomes: { in_review: 1 }, itemTotals: { items: 2 } });
    expect(d9.blockages.items.map((b) => [b.item, b.waiting]).sort()).toEqual([
      ['a-first', 1],
      ['z-last', 1],
    ]);

    await syncApplication(state(2, 'completed', 'approved', { endedAt: '2026-03-05T01:12:03.456Z' }));
    expect((await rowsOf()).map((r) => r.application_status)).toEqual(['completed', 'completed', 'completed']);
    for (const department of ['d9', 'd8', undefined]) {
      expect(await computeStats(db.db, { department, bundle: 'b9' }), department).toMatchObject({
        volume: 1,
        outcomes: { in_review: 0, completed: 1 },
        handling: { count: 1, averageHours: 24, p90Hours: 24 },
      });
    }
    await syncApplication(state(1, 'in_review', 'in_review')); // an older snapshot: nothing changes
    expect(await computeStats(db.db, { department: 'd9', bundle: 'b9' })).toMatchObject({ volume: 1, outcomes: { completed: 1 } });
  });
});
