// The system under test, in-process as test/helpers/system.ts builds it: the embedded dev server on a
// free port with a SQLite file in a temp dir, a fresh PostgreSQL database (migrated, seeded), the
// real API listening on a free port, and workers forked into their own processes.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { buildApp, type App } from '../api/app.js';
import { loadApiConfig } from '../api/config.js';
import { openDb, type DbHandle } from '../db/client.js';
import { seedCatalogue } from '../db/seed.js';
import { workflowsPath } from '../worker/create.js';
import { freePort, startDevServer, type DevServer } from '../worker/dev-server.js';
import { encryptingConverter } from '../worker/payload-codec.js';
import type { WorkerMessage, WorkerProcessConfig, WorkerTuning } from './worker-process.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_DB = 'yjs_bench';
export const OURS_QUEUE = 'bench-ours';
export const BARE_QUEUE = 'bench-bare';

export interface WorkerProcess {
  pid: number;
  /** The worker's SDK metrics now, each series summed over its labels (e.g. temporal_sticky_cache_size). */
  metrics(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Prometheus text → the sum of each metric's samples over their labels. */
export function sumSeries(text: string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const value = Number(match[2]);
    if (Number.isFinite(value)) sums[match[1]!] = (sums[match[1]!] ?? 0) + value;
  }
  return sums;
}

export type BenchSystem = Awaited<ReturnType<typeof startBenchSystem>>;

export async function startBenchSystem(options: { fastSqlite?: boolean; log?: (line: string) => void } = {}) {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(path.join(tmpdir(), 'yjs-bench-'));
  const dbFile = path.join(dir, 'temporal.db');

  log('starting the Temporal dev server …');
  const devServer: DevServer = await startDevServer({ port: await freePort(), dbFile, unsafeFastStorage: options.fastSqlite });

  let stopping = false;
  devServer.process.once('exit', (code, signal) => {
    if (!stopping) log(`!! the Temporal dev server exited on its own (${code ?? signal})`);
  });

  log(`creating the database ${BENCH_DB} (dropped first), migrating, seeding …`);
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  await admin.unsafe(`create database ${BENCH_DB}`);
  const databaseUrl = (() => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${BENCH_DB}`;
    return url.toString();
  })();
  const db: DbHandle = await openDb({ url: databaseUrl, embeddedDir: '' }, { max: 10 });
  await db.migrate();
  await seedCatalogue(db.db);

  log('bundling the workflows (ours and the bare ceiling workload) …');
  const quiet = new DefaultLogger('WARN');
  const oursBundle = path.join(dir, 'ours-bundle.js');
  const bareBundle = path.join(dir, 'bare-bundle.js');
  writeFileSync(oursBundle, (await bundleWorkflowCode({ workflowsPath, logger: quiet })).code);
  writeFileSync(bareBundle, (await bundleWorkflowCode({ workflowsPath: path.join(here, 'bare-workflows.ts'), logger: quiet })).code);

  const payloadKeys = `bench-1:${randomBytes(32).toString('base64')}`;
  const dataConverter = encryptingConverter(payloadKeys);
  const connection = await Connection.connect({ address: devServer.address });
  /** What the API asks of Temporal (counted by a client interceptor). */
  const calls = { start: 0, query: 0, update: 0, signal: 0 };
  const temporal = new Client({
    connection,
    dataConverter,
    interceptors: {
      workflow: [
        {
          start: (input, next) => (calls.start++, next(input)),
          query: (input, next) => (calls.query++, next(input)),
          startUpdate: (input, next) => (calls.update++, next(input)),
          signal: (input, next) => (calls.signal++, next(input)),
        },
      ],
    },
  });
  /** The ceiling's client: no codec, as the bare workload has no business data to protect. */
  const bareClient = new Client({ connection });

  // Departments poll their inboxes continuously: the per-user rate limit (600/min) is lifted for the bench.
  const config = { ...loadApiConfig({ RATE_LIMIT_PER_MINUTE: String(1_000_000_000) }) };
  const app: App = await buildApp({ temporal, taskQueue: OURS_QUEUE, db, config, codec: dataConverter.payloadCodecs[0], logger: false });
  const apiPort = await freePort();
  await app.listen({ port: apiPort, host: '127.0.0.1' });

  const workers = new Set<WorkerProcess>();
  async function startWorker(mode: 'ours' | 'bare', tuning?: WorkerTuning): Promise<WorkerProcess> {
    // BENCH_CPU_PROF=dir: V8 CPU profiles of each worker process (and its workflow threads) for DevTools.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF, mode)}`] : [];
    const child: ChildProcess = fork(path.join(here, 'worker-process.ts'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...process.execArgv, ...profile],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const config: WorkerProcessConfig = {
      mode,
      address: devServer.address,
      taskQueue: mode === 'ours' ? OURS_QUEUE : BARE_QUEUE,
      bundlePath: mode === 'ours' ? oursBundle : bareBundle,
      databaseUrl,
      payloadKeys,
      tuning,
      metricsPort: await freePort(),
    };
    child.send(config);
    await new Promise<void>((resolve, reject) => {
      child.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') resolve();
        if (m.type === 'error') reject(new Error(`worker process failed:\n${m.message}`));
      });
      void exited.then((code) => reject(new Error(`worker process exited (${code}) before it was ready`)));
    });
    let stopping = false;
    void exited.then((code) => {
      if (!stopping) log(`!! the ${mode} worker process (pid ${child.pid}) exited on its own (${code})`);
    });
    const handle: WorkerProcess = {
      pid: child.pid!,
      async metrics() {
        const res = await fetch(`http://127.0.0.1:${config.metricsPort}/metrics`);
        return sumSeries(await res.text());
      },
      async stop() {
        stopping = true;
        workers.delete(handle);
        if (child.exitCode !== null) return;
        child.send({ type: 'stop' });
        const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
        if (!done) child.kill('SIGKILL');
      },
    };
    workers.add(handle);
    return handle;
  }

  return {
    dir,
    devServer,
    db,
    admin,
    databaseUrl,
    temporal,
    bareClient,
    app,
    api: `http://127.0.0.1:${apiPort}`,
    jwtSecret: config.jwtSecret,
    calls,
    startWorker,
    sqliteBytes: () => ['', '-wal'].reduce((sum, suffix) => sum + (safeSize(dbFile + suffix) ?? 0), 0),
    /** PIDs of the PostgreSQL backends serving the bench database (for their CPU time). */
    async pgBackends(): Promise<number[]> {
      const rows = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${BENCH_DB}`;
      return rows.map((r) => r.pid);
    },
    async stop(keep = false) {
      stopping = true;
      await app.close();
      for (const w of [...workers]) await w.stop();
      await connection.close();
      await db.close();
      await devServer.stop();
      if (!keep) {
        await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
        rmSync(dir, { recursive: true, force: true });
      }
      await admin.end();
    },
  };
}

function safeSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}
