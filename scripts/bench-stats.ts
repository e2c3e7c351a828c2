// Benchmark of the read-model queries (R-8.1 listing, R-8.4 statistics) on a million applications.
// Not part of the test suite. Creates (drops first) the database `yjs_bench_stats` next to
// TEST_DATABASE_URL, migrates and seeds it, inserts BENCH_ROWS synthetic applications (default
// 1,000,000) with 3 items each using generate_series, then times each query (median of 5 runs).
//   npx tsx scripts/bench-stats.ts   # BENCH_ROWS=20000 for a quick look, EXPLAIN=1 for plans, BENCH_REUSE=1 to keep the data
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
const RUNS = 5;
const EXPLAIN = process.env.EXPLAIN === '1';
/** BENCH_REUSE=1: keep an existing yjs_bench_stats (new migrations are applied), skip the inserts. */
const REUSE = process.env.BENCH_REUSE === '1';

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

const handle = await openDb({ url: urlFor(DB_NAME), embeddedDir: '' }, { max: 10 });
await handle.migrate();
const raw = postgres(urlFor(DB_NAME), { max: 10, onnotice: () => {} });

const elapsed = async (what: string, run: () => Promise<unknown>) => {
  const t = performance.now();
  await run();
  const ms = performance.now() - t;
  console.log(`${what}: ${(ms / 1000).toFixed(1)} s`);
};

// ── synthetic data ─────────────────────────────────────────────────────────────────────────────
// Every seeded bundle in turn; a year of submissions; 55 % completed, 10 % partially completed,
// 5 % terminated, 3 % withdrawn, 2 % expired, 3 % incomplete, 22 % still in review. Items are the
// first three of the bundle's definition, their statuses consistent with the application's.
if (!reuse) {
  await seedCatalogue(handle.db);
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
      insert into application_items (application_id, item_code, item_name, department, status, started_at, deadline, overdue, decided_at, decision)
      select a.id, it.item ->> 'code', it.item ->> 'name', it.item ->> 'department', st.status, st.started,
        st.started + ((it.item ->> 'legalDays')::int * 1.4) * interval '1 day',
        -- overdue: decided after the deadline, or still open past it
        coalesce(st.decided > st.started + ((it.item ->> 'legalDays')::int * 1.4) * interval '1 day', false)
          or (st.decided is null and st.started + ((it.item ->> 'legalDays')::int * 1.4) * interval '1 day' < now()
              and st.status in ('in_review', 'correction_requested', 'awaiting_material')),
        st.decided,
        case when st.status in ('approved', 'rejected') then jsonb_build_object('decision', case st.status when 'approved' then 'approve' else 'reject' end,
          'at', st.decided, 'reason', case when st.status = 'rejected'
            then (array['材料不齐全', '申报信息与户籍不符', '不符合受理条件', '超出办理时限未补正', '重复申请', '证照已注销'])[1 + (hashtext(a.id) & 1023) % 6] end) end
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
}
await elapsed('vacuum analyze', () => raw.unsafe('vacuum analyze applications, application_items'));

const [counts] = await raw<{ apps: number; items: number; size: string }[]>`
  select (select count(*) from applications)::int as apps, (select count(*) from application_items)::int as items,
         pg_size_pretty(pg_database_size(current_database())) as size`;
console.log(`rows: ${counts!.apps.toLocaleString('en')} applications, ${counts!.items.toLocaleString('en')} items, database ${counts!.size}`);

// ── timings ────────────────────────────────────────────────────────────────────────────────────
/** A drizzle handle that records every statement, for EXPLAIN. */
const captured: { sql: string; params: unknown[] }[] = [];
const recording = drizzle(raw, { schema, logger: { logQuery: (sql, params) => void captured.push({ sql, params }) } }) as unknown as Db;

async function time(name: string, run: (db: Db) => Promise<unknown>) {
  await run(handle.db); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run(handle.db);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${name.padEnd(58)} median ${ms[Math.floor(RUNS / 2)]!.toFixed(1).padStart(8)} ms   (min ${ms[0]!.toFixed(1)}, max ${ms.at(-1)!.toFixed(1)})`);
  if (EXPLAIN) {
    captured.length = 0;
    await run(recording);
    for (const q of captured) {
      const plan = await raw.unsafe<{ 'QUERY PLAN': string }[]>(`explain (analyze, buffers, costs off) ${q.sql}`, q.params as never[]);
      console.log(`\n  ${q.sql.replace(/\s+/g, ' ').slice(0, 160)}…`);
      for (const line of plan) console.log(`    ${line['QUERY PLAN']}`);
    }
    console.log('');
  }
}

const stats = (f: StatsFilters) => (db: Db) => computeStats(db, f);
const page = (scope: ListingScope, filters: ListingFilters, p: Partial<ListingPage> = {}) => (db: Db) =>
  db === handle.db ? listApplications(db, scope, filters, { limit: 20, order: 'desc', ...p }) : listingQuery(db, scope, filters, { limit: 20, order: 'desc', ...p });

const second = await listApplications(handle.db, {}, { status: 'in_review' }, { limit: 20, order: 'desc' });
const cursor = (await import('../db/listing.js')).decodeCursor(second.nextCursor!);

console.log(`\nmedian of ${RUNS} runs after one warm-up, ${ROWS.toLocaleString('en')} applications:`);
await time('stats: whole province (no filter)', stats({}));
await time('stats: bundle=newborn', stats({ bundle: 'newborn' }));
await time('stats: coordinator 320100, one quarter', stats({ regionPrefix: '3201', since: '2025-10-01T00:00:00+08:00', until: '2026-01-01T00:00:00+08:00' }));
await time('stats: department gaj', stats({ department: 'gaj' }));
await time('listing: window, newest 20', page({}, {}));
await time('listing: status=in_review&overdue=true', page({}, { status: 'in_review', overdue: true }));
await time('listing: status=in_review, 2nd page by cursor', page({}, { status: 'in_review' }, { cursor }));
await time('listing: bundle=newborn&department=gaj, page 50', page({}, { bundle: 'newborn', department: 'gaj' }, { page: 50 }));
await time('listing: coordinator 320100, one month', page({ regionPrefix: '3201' }, { since: '2025-11-01T00:00:00+08:00', until: '2025-12-01T00:00:00+08:00' }));
await time('listing: department rsj (scope), status=in_review', page({ department: 'rsj' }, { status: 'in_review' }));
await time('listing: applicant user-42 (scope)', page({ owner: 'user-42' }, {}));
await time('listing: number=B00000500000', page({}, { number: 'B00000500000' }));

await raw.end();
await handle.close();
