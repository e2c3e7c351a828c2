// `npm run bench`: end-to-end load over HTTP, the bare-Temporal ceiling on the same dev server, the
// scale of open work, then JSON + Markdown + SVG under bench/results/. A script, not a test.
//
//   npm run bench                          defaults: --n 200 --concurrency 20 --open 10000
//   npm run bench -- --quick               a smoke run with small numbers (writes quick.*)
//   npm run bench -- --big                 100,000 open applications
//   npm run bench -- --skip-open           phases 1 and 2 only
//   npm run bench -- --inbox poll          departments poll their inboxes (every --poll ms) instead of waiting
//   npm run bench -- --variant '{"maxCachedWorkflows":500}'   also run ours with these worker options
//   npm run bench -- --name variants       write variants.{json,md,svg} instead of latest.*
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findTemporalBinary } from '../temporal.config.js';
import { applicationWorkflowId } from '../workflows/shared/ids.js';
import { runCeiling, type CeilingResult } from './ceiling.js';
import type { BareSpec } from './bare-workflows.js';
import { bareSpecFrom, sampleHistories, type HistorySample } from './histories.js';
import { runOpen, runOpenCeiling, terminateBare, type OpenCeilingResult, type OpenResult, type Sampler } from './open.js';
import { NEWBORN_ITEMS, http, runOurs, type LoadResult } from './ours.js';
import { totalCpu, writeResults, type BenchResults, type PhaseUsage } from './report.js';
import { cpuOf, machineCpu, mb, rssOf, selfCpu, sleep } from './stats.js';
import { startBenchSystem, type WorkerProcess } from './system.js';
import type { WorkerTuning } from './worker-process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');

const { values: args } = parseArgs({
  options: {
    n: { type: 'string' },
    concurrency: { type: 'string' },
    open: { type: 'string' },
    'open-concurrency': { type: 'string' },
    'settle-minutes': { type: 'string' },
    big: { type: 'boolean', default: false },
    'skip-open': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    sweep: { type: 'string' },
    poll: { type: 'string' },
    inbox: { type: 'string', default: 'wait' },
    variant: { type: 'string', multiple: true },
    'fast-sqlite': { type: 'boolean', default: false },
    out: { type: 'string' },
    name: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const int = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number.parseInt(value, 10));
const quick = args.quick;
const n = int(args.n, quick ? 20 : 200);
const concurrency = int(args.concurrency, quick ? 5 : 20);
const openK = args['skip-open'] ? 0 : args.big ? 100_000 : int(args.open, quick ? 300 : 10_000);
const openConcurrency = int(args['open-concurrency'], quick ? 10 : 32);
const pollMs = int(args.poll, 100);
if (args.inbox !== 'wait' && args.inbox !== 'poll') throw new Error('--inbox is wait (held until the inbox changes) or poll (every --poll ms)');
const inbox = args.inbox;
const sweep =
  args.sweep === 'none'
    ? []
    : args.sweep
      ? args.sweep.split(',').map(Number)
      : [...new Set([1, Math.round(concurrency / 4), Math.round(concurrency / 2)])].filter((c) => c >= 1 && c < concurrency);
const sweepN = (c: number) => Math.max(quick ? 5 : 10, Math.min(n, c * 3));
const variants: WorkerTuning[] = (args.variant ?? []).map((v) => JSON.parse(v) as WorkerTuning);
const outDir = path.resolve(args.out ?? path.join(here, 'results'));
const historySample = quick ? 3 : 20;

Runtime.install({ logger: new DefaultLogger('WARN') });
const log = (line: string) => console.log(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)}s] ${line}`);
const startedAt = Date.now();
const stopProfile = await profileIfAsked();
if (!Number.isInteger(n) || n < 1 || !Number.isInteger(concurrency) || concurrency < 1) throw new Error('--n and --concurrency must be positive integers');

// --- the machine and the commit ------------------------------------------------------------
const sh = (cmd: string, argv: string[]) => {
  try {
    return execFileSync(cmd, argv, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};
const temporalBinary = findTemporalBinary('temporal');
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  temporalCli: temporalBinary.type === 'existing-path' ? sh(temporalBinary.path, ['--version']) : 'unknown',
  postgres: '',
  loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
};
const commit = { sha: sh('git', ['rev-parse', 'HEAD']), dirty: sh('git', ['status', '--porcelain']).length > 0 };

// --- the system and the samplers -----------------------------------------------------------
log(`n=${n} concurrency=${concurrency} sweep=[${sweep.join(',')}] open=${openK} poll=${pollMs}ms${args['fast-sqlite'] ? ' fast-sqlite' : ''}`);
const sys = await startBenchSystem({ fastSqlite: args['fast-sqlite'], log });
machine.postgres = (await sys.admin<{ v: string }[]>`select version() as v`)[0]!.v.split(',')[0]!;
const h = http(sys.api, sys.jwtSecret);
let worker: WorkerProcess | undefined;
const serverPid = sys.devServer.process.pid!;

/** RSS every 100 ms: this process (API + load drivers), the worker process, the dev server. */
const samples: { t: number; main: number; worker: number; server: number }[] = [];
const sampler = setInterval(() => {
  samples.push({ t: Date.now(), main: process.memoryUsage.rss(), worker: rssOf(worker?.pid) ?? 0, server: rssOf(serverPid) ?? 0 });
}, 100);

async function cpuSnapshot() {
  const pg = new Map<number, number>();
  for (const pid of await sys.pgBackends()) pg.set(pid, cpuOf(pid) ?? 0);
  return { main: selfCpu(), worker: cpuOf(worker?.pid) ?? 0, server: cpuOf(serverPid) ?? 0, pg, sqlite: sys.sqliteBytes(), machine: machineCpu() };
}

/** Runs one phase and records its wall time, CPU seconds per process and peak RSS. */
async function phase<T>(name: string, units: number, fn: () => Promise<T>): Promise<{ result: T; usage: PhaseUsage }> {
  const before = await cpuSnapshot();
  const callsBefore = { ...sys.calls };
  const t0 = Date.now();
  const result = await fn();
  const t1 = Date.now();
  const after = await cpuSnapshot();
  let pg = 0;
  for (const [pid, cpu] of after.pg) pg += cpu - (before.pg.get(pid) ?? 0);
  const inPhase = samples.filter((s) => s.t >= t0 && s.t <= t1);
  const peak = (key: 'main' | 'worker' | 'server') => mb(Math.max(0, ...inPhase.map((s) => s[key])));
  const wall = (t1 - t0) / 1000;
  const round = (x: number) => Math.round(x * 10) / 10;
  const cpu = {
    server: round(after.server - before.server),
    worker: round(after.worker - before.worker),
    main: round(after.main - before.main),
    postgres: round(pg),
  };
  const usage: PhaseUsage = {
    name,
    units,
    wallSeconds: round(wall),
    cpuSeconds: cpu,
    cpuMsPerUnit: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, units ? Math.round((v * 1000) / units) : 0])) as PhaseUsage['cpuMsPerUnit'],
    coresBusy: round((cpu.server + cpu.worker + cpu.main + cpu.postgres) / wall),
    otherCpuSeconds: round(Math.max(0, after.machine.busy - before.machine.busy - (cpu.server + cpu.worker + cpu.main + cpu.postgres))),
    iowaitSeconds: round(after.machine.iowait - before.machine.iowait),
    peakRssMiB: { main: peak('main'), worker: peak('worker'), server: peak('server') },
    sqliteGrowthMiB: round((after.sqlite - before.sqlite) / 1024 / 1024),
    apiCallsPerUnit: {
      start: round((sys.calls.start - callsBefore.start) / Math.max(1, units)),
      query: round((sys.calls.query - callsBefore.query) / Math.max(1, units)),
      update: round((sys.calls.update - callsBefore.update) / Math.max(1, units)),
      signal: round((sys.calls.signal - callsBefore.signal) / Math.max(1, units)),
    },
  };
  log(
    `${name}: ${usage.wallSeconds}s; CPU s server ${cpu.server}, worker ${cpu.worker}, api+driver ${cpu.main}, postgres ${cpu.postgres}; ` +
      `peak RSS MiB api+driver ${usage.peakRssMiB.main}, worker ${usage.peakRssMiB.worker}, server ${usage.peakRssMiB.server}`,
  );
  return { result, usage };
}

const usages: PhaseUsage[] = [];
const describeLoad = (r: LoadResult) =>
  `${r.completed}/${r.n} completed at ${r.rate}/s; submit p50 ${r.submit.p50} ms, decision p50 ${r.decision.p50} ms, handoff p50 ${r.handoff.p50} ms, e2e p50 ${r.endToEnd.p50} ms` +
  (Object.keys(r.errors).length ? `; errors ${JSON.stringify(r.errors)}` : '');

let ours: LoadResult;
let ceiling: CeilingResult;
let oursHistory: HistorySample;
let bareHistory: HistorySample;
const sweepResults: LoadResult[] = [];
const variantResults: { tuning: WorkerTuning; result: LoadResult; usage: PhaseUsage }[] = [];
let open: (OpenResult & { workerRssMiB: number; serverRssMiB: number; usage: PhaseUsage; sqliteMiB: number }) | undefined;
let openCeiling: (OpenCeilingResult & { usage: PhaseUsage }) | undefined;
let spec: BareSpec;

/** A checkpoint's readings of this worker: RSS, its sticky cache and forced evictions (its own metrics), the server's RSS. */
const samplerOf =
  (w: WorkerProcess): Sampler =>
  async () => {
    const m = await w.metrics().catch(() => ({}) as Record<string, number>);
    const series = (name: string) => m[name] ?? m[`${name}_total`] ?? 0;
    return {
      workerRssMiB: mb(rssOf(w.pid)),
      serverRssMiB: mb(rssOf(serverPid)),
      cached: series('temporal_sticky_cache_size'),
      forcedEvictions: series('temporal_sticky_cache_total_forced_eviction'),
    };
  };

try {
  // --- 1. end-to-end load ------------------------------------------------------------------
  worker = await sys.startWorker('ours');
  log('warm-up (ours) …');
  await runOurs(h, { n: quick ? 3 : 10, concurrency: Math.min(5, concurrency), label: 'warm-up', pollMs, inbox });
  for (const c of sweep) {
    const { result, usage } = await phase(`ours c=${c}`, sweepN(c), () => runOurs(h, { n: sweepN(c), concurrency: c, label: `ours c=${c}`, pollMs, inbox }));
    log(describeLoad(result));
    sweepResults.push(result);
    usages.push(usage);
  }
  {
    const { result, usage } = await phase(`ours c=${concurrency}`, n, () => runOurs(h, { n, concurrency, label: `ours c=${concurrency}`, pollMs, inbox }));
    log(describeLoad(result));
    ours = result;
    usages.push(usage);
  }
  if (ours.completed === 0) throw new Error(`no application completed: ${JSON.stringify(ours.errors)}`);
  log(`reading ${historySample} of our applications' histories …`);
  oursHistory = await sampleHistories(sys.temporal, ours.ids.slice(0, historySample).map(applicationWorkflowId));
  log(`ours per application: ${JSON.stringify(oursHistory.perUnit)}`);
  await worker.stop();

  // --- 2. the ceiling ----------------------------------------------------------------------
  spec = bareSpecFrom(
    oursHistory,
    NEWBORN_ITEMS.map((i) => ({ name: i.code, after: i.after.filter((a) => NEWBORN_ITEMS.some((x) => x.code === a)) })),
  );
  log(`ceiling spec from our histories: ${JSON.stringify({ parentActivities: spec.parentActivities, child: spec.child })}`);
  worker = await sys.startWorker('bare');
  await runCeiling(sys.bareClient, spec, { n: quick ? 3 : 10, concurrency: Math.min(5, concurrency), label: 'warm-up', run: 'warm', pollMs });
  {
    const { result, usage } = await phase(`ceiling c=${concurrency}`, n, () =>
      runCeiling(sys.bareClient, spec, { n, concurrency, label: `ceiling c=${concurrency}`, run: 'main', pollMs }),
    );
    log(
      `ceiling: ${result.completed}/${n} at ${result.rate}/s; start p50 ${result.start.p50} ms, update p50 ${result.update.p50} ms, e2e p50 ${result.endToEnd.p50} ms`,
    );
    ceiling = result;
    usages.push(usage);
  }
  bareHistory = await sampleHistories(sys.bareClient, ceiling.ids.slice(0, historySample));
  log(`bare per unit: ${JSON.stringify(bareHistory.perUnit)}`);
  const oursUsage = usages.find((u) => u.name === `ours c=${concurrency}`)!;
  const ceilingUsage = usages.find((u) => u.name === `ceiling c=${concurrency}`)!;
  const ratioCpu = Math.round((totalCpu(ceilingUsage) / totalCpu(oursUsage)) * 100) / 100;
  log(`ratio ours/ceiling = ${(ours.rate / ceiling.rate).toFixed(2)}; CPU-normalised ${ratioCpu}`);
  await worker.stop();

  // --- worker option variants (bench only) ---------------------------------------------------
  for (const tuning of variants) {
    worker = await sys.startWorker('ours', tuning);
    await runOurs(h, { n: quick ? 3 : 10, concurrency: Math.min(5, concurrency), label: 'warm-up', pollMs, inbox });
    const label = `ours c=${concurrency} ${JSON.stringify(tuning)}`;
    const { result, usage } = await phase(label, n, () => runOurs(h, { n, concurrency, label, pollMs, inbox }));
    log(describeLoad(result));
    variantResults.push({ tuning, result, usage });
    await worker.stop();
  }

  // --- 3. scale of open work: the bare "start and wait" ceiling, then ours at its rate ----------
  if (openK > 0) {
    const settleMinutes = int(args['settle-minutes'], quick ? 5 : 30);
    worker = await sys.startWorker('bare');
    const bare = await phase(`open ceiling k=${openK}`, openK, () =>
      runOpenCeiling(sys.bareClient, spec, { k: openK, concurrency: openConcurrency, settleMinutes, sample: samplerOf(worker!) }),
    );
    openCeiling = { ...bare.result, usage: bare.usage };
    log(`open ceiling: ${openK} started and dispatched in ${bare.result.settledSeconds ?? '—'}s (${bare.result.rate}/s); terminating them …`);
    await terminateBare(sys.bareClient);
    await worker.stop();

    worker = await sys.startWorker('ours');
    const { result, usage } = await phase(`open k=${openK}`, openK, () =>
      runOpen(h, sys.databaseUrl, { k: openK, concurrency: openConcurrency, settleMinutes, pace: bare.result.rate, sample: samplerOf(worker!) }),
    );
    await sleep(1000);
    open = { ...result, usage, workerRssMiB: mb(rssOf(worker.pid)), serverRssMiB: mb(rssOf(serverPid)), sqliteMiB: mb(sys.sqliteBytes()) };
    log(
      `open: ${result.submitted}/${openK} submitted in ${result.submitSeconds}s (${result.submitRate}/s, paced at ${result.pace ?? '—'}/s), ` +
        `settled at ${result.settledSeconds ?? `— (${result.settledApplications} dispatched)`}s (${result.dispatchRate}/s, ` +
        `${bare.result.rate ? (result.dispatchRate / bare.result.rate).toFixed(2) : '—'} of the ceiling); worker RSS ${open.workerRssMiB} MiB`,
    );
    for (const c of result.checkpoints) log(`  at ${c.dispatched} dispatched (${c.at}s): ${JSON.stringify(c)}`);
    for (const q of result.queries) log(`  ${q.name.padEnd(34)} p50 ${q.latency.p50} ms  p99 ${q.latency.p99} ms  (${q.rows} rows)`);
    await worker.stop();
  }

  // --- 4. the results --------------------------------------------------------------------------
  const results: BenchResults = {
    kind: quick ? 'quick' : 'full',
    startedAt: new Date(startedAt).toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt) / 1000),
    machine,
    commit,
    options: { n, concurrency, sweep, open: openK, openConcurrency, pollMs, inbox, fastSqlite: args['fast-sqlite'], variants },
    notes: [
      'The API, the HTTP load drivers (applicants, departments, the listing observer) share one process ("api+driver"); each worker runs in its own forked process; the dev server is the temporal CLI (SQLite, WAL).',
      'RSS is sampled every 100 ms; CPU seconds come from /proc (dev server, worker, PostgreSQL backends of the bench database) and process.cpuUsage().',
      inbox === 'wait'
        ? `Departments hold their inbox requests until the inbox changes (ETag + wait); the completion observer and the ceiling's driver poll every ${pollMs} ms.`
        : `Departments poll their inboxes every ${pollMs} ms; the handoff latency includes that polling interval (about half of it on average).`,
      'This machine may be shared: "other processes CPU s" is what everything else used during each phase. When it differs between ours and the ceiling, the CPU-normalised ratio is the fairer comparison.',
      'The ceiling uses no payload codec, no API, no database; its per-unit counts of workflows, children, activities, updates and signals are taken from our own histories in the same run.',
    ],
    ours: { main: ours, sweep: sweepResults },
    ceiling,
    ratio: Math.round((ours.rate / ceiling.rate) * 100) / 100,
    ratioCpu,
    histories: { ours: oursHistory, bare: bareHistory },
    usage: usages,
    variants: variantResults,
    open,
    openCeiling,
  };
  const written = writeResults(results, outDir, args.name);
  log(`wrote ${written.join(', ')}`);
} finally {
  clearInterval(sampler);
  await stopProfile();
  await sys.stop(args.keep);
}

/** BENCH_CPU_PROF=dir: a V8 CPU profile of this process (API + load drivers) too, as main.cpuprofile. */
async function profileIfAsked(): Promise<() => Promise<void>> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return async () => {};
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'main.cpuprofile'), JSON.stringify(profile));
    session.disconnect();
  };
}
