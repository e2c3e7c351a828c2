// Benchmark of the read-model queries (R-8.1 listing, R-8.4 statistics) on a million applications.
// Not part of the test suite. Creates (drops first) the database `yjs_bench_stats` next to
// TEST_DATABASE_URL, migrates and seeds it, inserts BENCH_ROWS synthetic applications (default
// 1,000,000) with 3 items each using generate_series, then times each statistics query shape
// (p50 and p95 of BENCH_RUNS calls after a warm-up, against the 200 ms goal) and the listings.
//   npm run bench:stats (npx tsx bench/stats-queries.ts)
//   BENCH_ROWS=20000        a quick look
//   BENCH_REUSE=1           keep an existing yjs_bench_stats: pending migrations are applied to it
//                           (0006 backfills the items' new columns and fills the rollups), no inserts
//   BENCH_BASELINE=<rev>    also time db/stats.ts as of that git revision (e.g. 049e32a, before the
//                           rollups), call for call alternating with the current one, on the same
//                           data, with the indexes it relied on recreated for the run; and check
//                           that both give the same figures
//   BENCH_RUNS=9            calls per shape; EXPLAIN=1 prints the current queries' plans
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { openDb, type Db } from '../db/client.js';
import { listingQuery, listApplications, type ListingFilters, type ListingPage, type ListingScope } from '../db/listing.js';
import * as schema from '../db/schema.js';
import { seedCatalogue } from '../db/seed.js';
import { computeStats, type StatsFilters } from '../db/stats.js';

const BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'yjs_bench_stats';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const GOAL_MS = 200;
const EXPLAIN = process.env.EXPLAIN === '1';
const REUSE = process.env.BENCH_REUSE === '1';
const BASELINE = process.env.BENCH_BASELINE;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const urlFor = (database: string) => {
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
};

const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
const [existing] = await admin<{ n: number }[]>`select count(*)::int as n from pg_database where datname = ${DB_NAME}`;
const reuse = REUSE && existing!.n > 0;
if (!reuse) {
  await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`);
  await admin.unsafe(`create database ${DB_NAME}`);
}
await admin.end();

const elapsed = async (what: string, run: () => Promise<unknown>) => {
  const t = performance.now();
  await run();
  const ms = performance.now() - t;
  console.log(`${what}: ${(ms / 1000).toFixed(1)} s`);
};

const handle = await openDb({ url: urlFor(DB_NAME), embeddedDir: '' }, { max: 10 });
// On a reused database made before migration 0006, this backfills 3 million items (minutes).
await elapsed('migrations', () => handle.migrate());
const raw = postgres(urlFor(DB_NAME), { max: 10, onnotice: () => {} });

// ── synthetic data ─────────────────────────────────────────────────────────────────────────────
// Every seeded bundle in turn; a year of submissions; 55 % completed, 10 % partially completed,
// 5 % terminated, 3 % withdrawn, 2 % expired, 3 % incomplete, 22 % still in review. Items are the
// first three of the bundle's definition, their statuses consistent with the application's.
// The rollups' triggers are off during the bulk inserts (a row at a time would take long):
// stats_rebuild() fills the rollups from the rows afterwards.
if (!reuse) {
  await seedCatalogue(handle.db);
  await raw.unsafe('alter table applications disable trigger user');
  await raw.unsafe('alter table application_items disable trigger user');
  await elapsed(`insert ${ROWS.toLocaleString('en')} applications`, async () => {
    await raw.unsafe(`select setseed(0.42)`);
    await raw.unsafe(`
      with b as (
        select (row_number() over (order by code) - 1)::int as k, code, version, region
        from (select distinct on (code) code, version, region from bundle_versions order by code, version desc) latest
      ),
      g as (
        select g, random() as r1, random() as r2, random() as r3
        from generate_series(1, ${ROWS}) g
      ),
      s as (
        select g.*, b.*,
          case
            when r1 < 0.55 then 'completed' when r1 < 0.65 then 'partially_completed' when r1 < 0.70 then 'terminated'
            when r1 < 0.73 then 'withdrawn' when r1 < 0.75 then 'expired' when r1 < 0.78 then 'incomplete' else 'in_review'
          end as status,
          timestamptz '2025-06-01 00:00:00+08' + (r2 * 365 * 86400) * interval '1 second' as created
        from g join b on b.k = g.g % (select count(*) from b)
      )
      insert into applications (id, number, bundle_code, bundle_version, region, status, channel, owner, submitted_by,
                                applicant_name, applicant_id, created_at, accepted_at, ended_at, outcome, revision)
      select 'B' || lpad(g::text, 11, '0'), 'B' || lpad(g::text, 11, '0'), code, version,
        -- a city's share of the province-wide bundles, so that coordinators' regions differ
        case when region = '320000' and g % 5 = 0 then '320100' when region = '320000' and g % 7 = 0 then '320200' else region end,
        status, (array['web', 'app', 'window', 'api'])[1 + g % 4], 'user-' || (g % 200000), 'user-' || (g % 200000),
        '张*', '3206**********1234', created,
        case when status <> 'incomplete' then created + interval '10 minutes' end,
        case when status in ('completed', 'partially_completed', 'terminated', 'withdrawn', 'expired')
          then created + interval '10 minutes' + (r3 * 10 * 86400) * interval '1 second' end,
        case status when 'completed' then '全部办结' when 'partially_completed' then '部分办结' when 'terminated' then '终止' end,
        5
      from s`);
  });

  await elapsed(`insert ~${(ROWS * 3).toLocaleString('en')} items`, async () => {
    await raw.unsafe(`
      insert into application_items (application_id, item_code, item_name, department, status, started_at, deadline, overdue, decided_at, decision,
                                     bundle_code, region, created_at, application_status, application_accepted_at, application_ended_at, department_first)
      select a.id, it.item ->> 'code', it.item ->> 'name', it.item ->> 'department', st.status, st.started,
        st.started + ((it.item ->> 'legalDays')::int * 1.4) * interval '1 day',
        -- overdue: decided after the deadline, or still open past it
        coalesce(st.decided > st.started + ((it.item ->> 'legalDays')::int * 1.4) * interval '1 day', false)
          or (st.decided is null and st.started + ((it.item ->> 'legalDays')::int * 1.4) * interval '1 day' < now()
              and st.status in ('in_review', 'correction_requested', 'awaiting_material')),
        st.decided,
        case when st.status in ('approved', 'rejected') then jsonb_build_object('decision', case st.status when 'approved' then 'approve' else 'reject' end,
          'at', st.decided, 'reason', case when st.status = 'rejected'
            then (array['材料不齐全', '申报信息与户籍不符', '不符合受理条件', '超出办理时限未补正', '重复申请', '证照已注销'])[1 + (hashtext(a.id) & 1023) % 6] end) end,
        -- the application's, as syncApplication writes them
        a.bundle_code, a.region, a.created_at, a.status, a.accepted_at, a.ended_at,
        row_number() over (partition by a.id, it.item ->> 'department' order by it.item ->> 'code' collate "C") = 1
      from applications a
      join lateral (
        select v.definition from bundle_versions v where v.code = a.bundle_code and v.version = a.bundle_version
      ) def on true
      cross join lateral jsonb_array_elements(def.definition -> 'items') with ordinality as it(item, ord)
      cross join lateral (
        select case
            when a.status = 'completed' then 'approved'
            when a.status = 'partially_completed' then case when it.ord = 2 then 'rejected' else 'approved' end
            when a.status = 'terminated' then case when it.ord = 1 then 'rejected' else 'cancelled' end
            when a.status in ('withdrawn', 'expired') then 'cancelled'
            when a.status = 'incomplete' then 'waiting'
            else case it.ord when 1 then 'approved'
              when 2 then (array['in_review', 'in_review', 'in_review', 'correction_requested', 'awaiting_material'])[1 + (hashtext(a.id) & 1023) % 5]
              else 'waiting' end
          end as status
      ) s1
      cross join lateral (
        select s1.status,
          case when s1.status <> 'waiting' then a.accepted_at + (it.ord - 1) * interval '20 hours' end as started,
          case when s1.status in ('approved', 'rejected')
            then a.accepted_at + (it.ord - 1) * interval '20 hours' + ((hashtext(a.id || it.ord) & 65535) / 65535.0 * 9 * 86400) * interval '1 second'
          end as decided
      ) st
      where it.ord <= 3`);
  });
  await raw.unsafe('alter table applications enable trigger user');
  await raw.unsafe('alter table application_items enable trigger user');
  await elapsed('stats_rebuild()', () => raw.unsafe('select stats_rebuild()'));
}

/** The indexes the baseline's queries were written for (migrations 0003, 0005), dropped by 0006. */
const BASELINE_INDEXES = [
  `bench_baseline_decided_idx on application_items (item_code, department, status, started_at, decided_at, deadline, application_id) where status in ('approved', 'rejected')`,
  `bench_baseline_open_items_idx on application_items (item_code, department, status, started_at, application_id) where status in ('in_review', 'correction_requested', 'awaiting_material')`,
  `bench_baseline_open_idx on application_items (started_at) where status in ('in_review', 'correction_requested', 'awaiting_material')`,
  `bench_baseline_rejected_idx on application_items (application_id) where status = 'rejected'`,
  `bench_baseline_ended_idx on applications (bundle_code, accepted_at, ended_at, created_at, region, id) where ended_at is not null`,
];

// ── the baseline: db/stats.ts of another revision, imported from a copy ──────────────────────────
type Compute = typeof computeStats;
async function loadBaseline(rev: string): Promise<Compute> {
  const source = execFileSync('git', ['show', `${rev}:db/stats.ts`], { cwd: root, encoding: 'utf8' });
  // Out of the source tree (lint and typecheck never see it); its relative imports point back into it.
  const dir = path.join(root, 'node_modules', '.cache', 'bench-stats');
  mkdirSync(dir, { recursive: true });
  const rewritten = source.replace(/from '(\.\.?\/[^']+)'/g, (_, spec: string) => `from '${path.relative(dir, path.join(root, 'db', spec))}'`);
  const file = path.join(dir, `stats-${rev.replace(/[^\w.-]/g, '_')}.mts`);
  writeFileSync(file, rewritten);
  return ((await import(pathToFileURL(file).href)) as { computeStats: Compute }).computeStats;
}

// ── timings ────────────────────────────────────────────────────────────────────────────────────
/** A drizzle handle that records every statement, for EXPLAIN. */
const captured: { sql: string; params: unknown[] }[] = [];
const recording = drizzle(raw, { schema, logger: { logQuery: (sql, params) => void captured.push({ sql, params }) } }) as unknown as Db;

const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
const ms = (v: number) => `${v.toFixed(0).padStart(6)} ms`;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function explain(run: (db: Db) => Promise<unknown>) {
  captured.length = 0;
  await run(recording);
  for (const q of captured) {
    const plan = await raw.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers, costs off) ${q.sql}`, q.params as never[]);
    console.log(`\n  ${q.sql.replace(/\s+/g, ' ').slice(0, 160)}…`);
    for (const line of plan) console.log(`    ${line['QUERY PLAN']}`);
  }
  console.log('');
}

/** Figures compared across implementations: waits grow while we ask, float sums differ in the last digits. */
function differences(a: unknown, b: unknown, at = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)) ? [] : [`${at}: ${a} ≠ ${b}`];
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b ? [] : [`${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => k !== 'waitHours' && k !== 'longestWaitHours'));
  return [...keys].flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`));
}

const shapes: { name: string; filters: StatsFilters }[] = [
  { name: 'whole province (no filter)', filters: {} },
  { name: 'bundle=newborn', filters: { bundle: 'newborn' } },
  { name: 'coordinator 320100, one quarter', filters: { regionPrefix: '3201', since: '2025-10-01T00:00:00+08:00', until: '2026-01-01T00:00:00+08:00' } },
  { name: 'department gaj', filters: { department: 'gaj' } },
  // Not in the first version of this benchmark:
  { name: 'coordinator 320000 (prefix 32: everything)', filters: { regionPrefix: '32' } },
  {
    name: 'coordinator 320100, 10-01 09:30 to 12-31 17:00',
    filters: { regionPrefix: '3201', since: '2025-10-01T09:30:00+08:00', until: '2025-12-31T17:00:00+08:00' },
  },
  {
    name: 'department gaj, bundle=newborn, one month',
    filters: { department: 'gaj', bundle: 'newborn', since: '2025-11-01T00:00:00+08:00', until: '2025-12-01T00:00:00+08:00' },
  },
];

async function timeStatistics(baseline: Compute | undefined) {
  console.log(`\nstatistics: p50 / p95 of ${RUNS} calls after one warm-up, goal ${GOAL_MS} ms (×goal: p50 / goal), load average ${load()}`);
  if (baseline) console.log(`baseline: db/stats.ts at ${BASELINE}, called alternately with the current one`);
  const header = `${'shape'.padEnd(48)} ${'now p50'.padStart(9)} ${'p95'.padStart(9)} ${'×goal'.padStart(6)}`;
  console.log(baseline ? `${header}   ${'before p50'.padStart(10)} ${'p95'.padStart(9)} ${'×goal'.padStart(6)}  speed-up` : header);
  const mismatches: string[] = [];
  for (const shape of shapes) {
    const impls: Compute[] = baseline ? [computeStats, baseline] : [computeStats];
    const results = await Promise.all(impls.map((compute) => compute(handle.db, shape.filters))); // warm-up
    if (results.length === 2) {
      const diff = differences(results[0], results[1]);
      if (diff.length) mismatches.push(`${shape.name}:\n    ${diff.slice(0, 10).join('\n    ')}`);
    }
    const times = impls.map(() => [] as number[]);
    for (let i = 0; i < RUNS; i++) {
      // Alternate which goes first, so that neither always runs on the caches the other warmed.
      const order = i % 2 === 0 ? impls.map((_, k) => k) : impls.map((_, k) => k).reverse();
      for (const k of order) {
        const t = performance.now();
        await impls[k]!(handle.db, shape.filters);
        times[k]!.push(performance.now() - t);
      }
    }
    const cells = times.map((t) => {
      t.sort((a, b) => a - b);
      const p50 = percentile(t, 0.5);
      return { p50, text: `${ms(p50)} ${ms(percentile(t, 0.95))} ${(p50 / GOAL_MS).toFixed(2).padStart(6)}` };
    });
    const speedup = cells.length === 2 ? `  ×${(cells[1]!.p50 / cells[0]!.p50).toFixed(1)}` : '';
    console.log(`${shape.name.padEnd(48)} ${cells.map((c) => c.text).join('   ')}${speedup}`);
    if (EXPLAIN) await explain((db) => computeStats(db, shape.filters));
  }
  console.log(`load average after: ${load()}`);
  if (baseline) console.log(mismatches.length ? `\nDIFFERENT FIGURES:\n  ${mismatches.join('\n  ')}` : '\nsame figures from both, in every shape');
}

// ── listings ───────────────────────────────────────────────────────────────────────────────────
async function time(name: string, run: (db: Db) => Promise<unknown>) {
  await run(handle.db); // warm-up
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run(handle.db);
    t.push(performance.now() - start);
  }
  t.sort((a, b) => a - b);
  console.log(`${name.padEnd(58)} p50 ${ms(percentile(t, 0.5))}   p95 ${ms(percentile(t, 0.95))}`);
  if (EXPLAIN) await explain(run);
}

const page =
  (scope: ListingScope, filters: ListingFilters, p: Partial<ListingPage> = {}) =>
  (db: Db) =>
    db === handle.db
      ? listApplications(db, scope, filters, { limit: 20, order: 'desc', ...p })
      : listingQuery(db, scope, filters, { limit: 20, order: 'desc', ...p });

async function timeListings() {
  const second = await listApplications(handle.db, {}, { status: 'in_review' }, { limit: 20, order: 'desc' });
  const cursor = (await import('../db/listing.js')).decodeCursor(second.nextCursor!);
  console.log(`\nlistings, ${RUNS} calls after one warm-up:`);
  await time('listing: window, newest 20', page({}, {}));
  await time('listing: status=in_review&overdue=true', page({}, { status: 'in_review', overdue: true }));
  await time('listing: status=in_review, 2nd page by cursor', page({}, { status: 'in_review' }, { cursor }));
  await time('listing: bundle=newborn&department=gaj, page 50', page({}, { bundle: 'newborn', department: 'gaj' }, { page: 50 }));
  await time(
    'listing: coordinator 320100, one month',
    page({ regionPrefix: '3201' }, { since: '2025-11-01T00:00:00+08:00', until: '2025-12-01T00:00:00+08:00' }),
  );
  await time('listing: department rsj (scope), status=in_review', page({ department: 'rsj' }, { status: 'in_review' }));
  await time('listing: applicant user-42 (scope)', page({ owner: 'user-42' }, {}));
  await time('listing: number=B00000500000', page({}, { number: 'B00000500000' }));
}

if (BASELINE) {
  await elapsed(`baseline's indexes`, async () => {
    await raw.unsafe(`set maintenance_work_mem = '256MB'`);
    for (const index of BASELINE_INDEXES) await raw.unsafe(`create index if not exists ${index}`);
  });
}
try {
  await elapsed('vacuum analyze', () =>
    raw.unsafe('vacuum analyze applications, application_items, stats_application_days, stats_item_days, stats_rejection_days'),
  );
  const [counts] = await raw<{ apps: number; items: number; size: string }[]>`
    select (select count(*) from applications)::int as apps, (select count(*) from application_items)::int as items,
           pg_size_pretty(pg_database_size(current_database())) as size`;
  console.log(`rows: ${counts!.apps.toLocaleString('en')} applications, ${counts!.items.toLocaleString('en')} items, database ${counts!.size}`);
  await timeStatistics(BASELINE ? await loadBaseline(BASELINE) : undefined);
  await timeListings();
} finally {
  // Leave the database as the migrations make it.
  if (BASELINE) for (const index of BASELINE_INDEXES) await raw.unsafe(`drop index if exists ${index.split(' ')[0]}`);
}
await raw.end();
await handle.close();
