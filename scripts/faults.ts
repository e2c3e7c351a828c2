// The fault suite: `npm run faults` (about 4-5 min; stops PostgreSQL too), `npm run faults -- --short`
// (about 2.5 min, as CI runs it; PostgreSQL only with --pg, since it is shared with other processes).
//
// Submits newborn applications continuously over HTTP (Idempotency-Key, retried on 503 and network
// errors) while simulated departments decide, and meanwhile SIGKILLs the worker process, stops the
// Temporal dev server (file-backed) and PostgreSQL, each time checking that /healthz says which
// dependency is down and that a write is answered 503, not 500. Then it stops submitting, decides
// until every accepted application has ended, and counts: every accepted application reached its
// end state, none twice; no duplicate applications, results or notices; the read model agrees with
// the workflows. Exits non-zero on any violation.
//
// Options: --short, --pg (stop PostgreSQL in the short form too), --db NAME (default yjs_faults,
// created on FAULTS_DATABASE_URL / TEST_DATABASE_URL's server and dropped after a clean run).
// FAULTS_PAYLOAD_KEYS fixes the payload key (default: a random one), so that the Temporal state kept
// after a failed run can be read and its histories replayed afterwards.
import { tokenSigner } from '../api/auth.js';
import { Client } from '@temporalio/client';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { buildApp } from '../api/app.js';
import { DEV_JWT_SECRET, loadApiConfig } from '../api/config.js';
import { connectApi } from '../api/temporal-connection.js';
import { openDb } from '../db/client.js';
import { seedCatalogue } from '../db/seed.js';
import { newbornBody } from '../test/fixtures/applications.js';
import { startDevServer, freePort, type DevServer } from '../worker/dev-server.js';
import { encryptingConverter } from '../worker/payload-codec.js';
import { FINAL_STATUSES, applicationState, type ApplicationState } from '../workflows/application/messages.js';
import { applicationWorkflowId } from '../workflows/shared/ids.js';

// --- options ---------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const SHORT = argv.includes('--short');
const PG_FAULT = !SHORT || argv.includes('--pg');
const DB_NAME = argv.includes('--db') ? argv[argv.indexOf('--db') + 1] : 'yjs_faults';
if (!DB_NAME || !/^[a-z_][a-z0-9_]{0,62}$/.test(DB_NAME)) throw new Error(`--db needs a plain database name, got "${DB_NAME}"`);
const SERVER_URL = process.env.FAULTS_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_VERSION = PG_FAULT ? readdirSync('/etc/postgresql')[0] : undefined; // pg_ctlcluster's cluster version

type Fault = 'kill-worker' | 'stop-temporal' | 'stop-postgres';
/** Seconds of normal running, then a fault; the last wait runs before submitting stops. */
const SCHEDULE: (number | Fault)[] = SHORT
  ? [8, 'kill-worker', 8, 'stop-temporal', 8, 'kill-worker', ...(PG_FAULT ? [8, 'stop-postgres' as const] : []), 6]
  : [12, 'kill-worker', 15, 'stop-temporal', 15, 'kill-worker', 15, 'stop-postgres', 15, 'stop-temporal', 12, 'kill-worker', 10];
// About what the dev server (one SQLite shard) and the departments keep up with, so the drain is short.
const SUBMITTERS = 2;
const SUBMIT_PAUSE_MS = SHORT ? 600 : 800;
const DRAIN_MS = SHORT ? 150_000 : 300_000;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s`;
const say = (line: string) => console.log(`[${elapsed()}] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const violations: string[] = [];
const violation = (line: string) => {
  violations.push(line);
  say(`VIOLATION ${line}`);
};

// --- PostgreSQL ------------------------------------------------------------------------------

const dbUrl = (() => {
  const url = new URL(SERVER_URL);
  url.pathname = `/${DB_NAME}`;
  return url.toString();
})();
const pgPort = new URL(SERVER_URL).port || '5432';
let pgStopped = false;

function pgCluster(action: 'start' | 'stop'): void {
  const run = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION!, 'main', action], { encoding: 'utf8' });
  if (run.status !== 0 && !(action === 'start' && /already running/.test(run.stderr))) {
    throw new Error(`pg_ctlcluster ${action} failed (${run.status}): ${run.stderr}`);
  }
}

async function pgReady(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', pgPort]).status !== 0) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL not ready within ${timeoutMs / 1000} s`);
    await sleep(500);
  }
}

/** Whatever happens, a PostgreSQL we stopped is started again (it is shared with other processes). */
function restorePostgresSync(): void {
  if (!pgStopped) return;
  pgStopped = false;
  spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION!, 'main', 'start'], { stdio: 'inherit' });
}

const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`);
await admin.unsafe(`create database ${DB_NAME}`);
await admin.end();
const db = await openDb({ url: dbUrl, embeddedDir: '' });
await db.migrate();
await seedCatalogue(db.db);
/** The checker's own connection (raw SQL for the counts). */
const check = postgres(dbUrl, { max: 2, onnotice: () => {} });

// --- Temporal dev server (SQLite file, restarted on the same port and file) -------------------

const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-faults-'));
const temporalPort = await freePort();
const startTemporal = () => startDevServer({ port: temporalPort, dbFile: path.join(dir, 'temporal.db') });
let temporal: DevServer = await startTemporal();
const payloadKeys = process.env.FAULTS_PAYLOAD_KEYS ?? `faults-1:${randomBytes(32).toString('base64')}`;
const taskQueue = `faults-${randomBytes(4).toString('hex')}`;
const dataConverter = encryptingConverter(payloadKeys);

// --- the worker: a separate process, so that it can be SIGKILLed ------------------------------

class WorkerProcess {
  child?: ChildProcess;
  restarts = 0;
  crashes = 0;
  /** Notice sends the worker logged, per application/key (at-least-once: a crash may resend). */
  readonly sends = new Map<string, number>();
  private readonly tail: string[] = [];
  private expectExit = false;

  async start(): Promise<void> {
    this.expectExit = false;
    // `node --import tsx` rather than the tsx CLI: one process, so SIGKILL hits the worker itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: root,
      env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, DATABASE_URL: dbUrl, PAYLOAD_KEYS: payloadKeys, TEMPORAL_TASK_QUEUE: taskQueue },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let ready: () => void;
    const polling = new Promise<void>((resolve) => (ready = resolve));
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        this.keep(line);
        if (line.startsWith('worker polling')) ready();
        if (line.startsWith('{"notice"')) {
          const { applicationId, key } = JSON.parse(line) as { applicationId: string; key: string };
          this.sends.set(`${applicationId}/${key}`, (this.sends.get(`${applicationId}/${key}`) ?? 0) + 1);
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) =>
      chunk
        .toString()
        .split('\n')
        .forEach((line) => this.keep(line)),
    );
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exit ${signal ?? code}`)));
    void exited.then((how) => {
      if (this.expectExit || this.child !== child) return;
      // A supervisor (systemd, Kubernetes) restarts a worker that dies: so does this one, and counts it.
      this.crashes++;
      say(`worker died on its own (${how}); restarting it. Last output:\n${this.tail.slice(-15).join('\n')}`);
      void sleep(2000).then(() => this.start().catch((err) => violation(`worker restart failed: ${String(err)}`)));
    });
    const outcome = await Promise.race([polling.then(() => 'ready'), exited, sleep(120_000).then(() => 'timeout')]);
    if (outcome !== 'ready') throw new Error(`worker did not start (${outcome}):\n${this.tail.slice(-20).join('\n')}`);
  }

  async kill(): Promise<void> {
    const child = this.child!;
    this.expectExit = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.expectExit = true;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    if ((await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)])) === false) child.kill('SIGKILL');
  }

  private keep(line: string) {
    if (!line.trim()) return;
    this.tail.push(line);
    if (this.tail.length > 200) this.tail.shift();
  }
}

const worker = new WorkerProcess();
await worker.start();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    worker.child?.kill('SIGKILL');
    temporal.process.kill('SIGKILL');
    restorePostgresSync();
    process.exit(130);
  });
}
process.once('exit', restorePostgresSync);

// --- the API, in this process, over real HTTP -------------------------------------------------

const apiConfig = loadApiConfig({});
// As api/server.ts connects: each call has a deadline, so a write with Temporal down answers 503 within it.
const connection = await connectApi({ address: temporal.address }, apiConfig.temporalCallTimeoutMs);
const client = new Client({ connection, dataConverter });
const apiErrors: string[] = [];
const app = await buildApp({
  temporal: client,
  taskQueue,
  db,
  config: apiConfig,
  codec: dataConverter.payloadCodecs[0],
  // Only errors (the 500s) are kept, to show with a violation.
  logger: { level: 'error', stream: { write: (line: string) => void apiErrors.push(line) } },
});
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

/** The API's last logged error, short: its type, message and cause. */
function lastApiError(): string | undefined {
  const line = apiErrors.at(-1);
  if (!line) return undefined;
  const { err } = JSON.parse(line) as { err?: { type?: string; message?: string; stack?: string } };
  const cause = err?.stack?.split('\n').find((l) => l.startsWith('caused by:'));
  return `${err?.type}: ${err?.message}${cause ? ` (${cause})` : ''}`.slice(0, 400);
}

const sign = tokenSigner(DEV_JWT_SECRET);
const bearer = (claims: Record<string, string>) => ({ authorization: `Bearer ${sign(claims)}` });

interface Reply {
  status: number; // 0: no answer (network error or timeout)
  body: any;
}
const statusCounts = new Map<number, number>();

async function http(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
  let reply: Reply;
  try {
    const res = await fetch(base + url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(90_000),
    });
    const text = await res.text();
    reply = { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  } catch (err) {
    reply = { status: 0, body: String(err) };
  }
  statusCounts.set(reply.status, (statusCounts.get(reply.status) ?? 0) + 1);
  if (reply.status === 500) violation(`${method} ${url} answered 500: ${lastApiError() ?? JSON.stringify(reply.body)}`);
  return reply;
}

// --- applicants: submit continuously, retry with the same Idempotency-Key ---------------------

/** Idempotency-Key → application id, from every 200/201 answer. */
const accepted = new Map<string, string>();
const duplicates: string[] = [];
let retriedSubmissions = 0;
const gaveUp: string[] = [];
let submitting = true;

async function submit(owner: string, key: string, first?: Reply): Promise<void> {
  const headers = { ...bearer({ sub: owner, role: 'applicant', name: '张三' }), 'idempotency-key': key };
  const deadline = Date.now() + 240_000;
  for (let attempt = 1; ; attempt++) {
    const res = attempt === 1 && first ? first : await http('POST', '/v1/applications', headers, newbornBody);
    if (res.status === 200 || res.status === 201) {
      if (attempt > 1) retriedSubmissions++;
      const id = res.body.id as string;
      const before = accepted.get(key);
      if (before && before !== id) duplicates.push(`Idempotency-Key ${key} answered two applications: ${before} and ${id}`);
      accepted.set(key, before ?? id);
      return;
    }
    if (res.status !== 503 && res.status !== 0 && res.status !== 500) {
      violation(`submission ${key} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return;
    }
    if (Date.now() > deadline) {
      gaveUp.push(key);
      return;
    }
    await sleep(1000);
  }
}

const runId = randomBytes(3).toString('hex');
const inflight: Promise<void>[] = [];
async function applicant(n: number): Promise<void> {
  for (let seq = 1; submitting; seq++) {
    await submit(`faults-applicant-${n}`, `${runId}-${n}-${seq}`);
    await sleep(SUBMIT_PAUSE_MS);
  }
}

// --- departments: decide what their inbox shows ----------------------------------------------

const DEPARTMENTS = ['wsjk', 'jkzx', 'gaj', 'ybj', 'rsj'];
const decided = new Set<string>();
let decisions = 0;
let staleTasks = 0;
let deciding = true;

/** Mostly approvals; one application in ten terminated at 户口, one in ten partially completed. */
function decisionFor(applicationId: string, item: string): object {
  const bucket = createHash('sha256').update(applicationId).digest()[0]! % 10;
  if (bucket === 0 && item === 'hukou') return { decision: 'reject', reason: '故障演练：申报地址与户籍信息不符' };
  if (bucket === 1 && item === 'vaccination') return { decision: 'reject', reason: '故障演练：已在外地建卡' };
  return { decision: 'approve', result: { certNo: `F-${applicationId.slice(-6)}-${item}` } };
}

async function decide(dept: string, applicationId: string, item: string): Promise<void> {
  const headers = { ...bearer({ sub: `officer-${dept}-A`, role: 'department', dept, post: 'A' }), 'idempotency-key': `${applicationId}/${item}` };
  const deadline = Date.now() + 180_000;
  for (let attempt = 1; ; attempt++) {
    const res = await http('POST', `/v1/applications/${applicationId}/items/${item}/decisions`, headers, decisionFor(applicationId, item));
    if (res.status === 200 || (res.status === 409 && attempt > 1)) {
      // A 409 after a retry: the earlier attempt went through (or the item closed meanwhile).
      decided.add(`${applicationId}/${item}`);
      decisions++;
      return;
    }
    if (res.status === 409) {
      staleTasks++; // the read model still listed an item the workflow had already moved on
      return;
    }
    if (res.status !== 503 && res.status !== 0 && res.status !== 500) {
      violation(`decision ${applicationId}/${item} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return;
    }
    if (Date.now() > deadline) return; // the inbox will show it again
    await sleep(1000);
  }
}

async function department(dept: string): Promise<void> {
  const headers = bearer({ sub: `officer-${dept}-A`, role: 'department', dept, post: 'A' });
  while (deciding) {
    const res = await http('GET', `/v1/departments/${dept}/tasks?limit=50`, headers);
    if (res.status !== 200) {
      if (res.status !== 503 && res.status !== 0 && res.status !== 500) violation(`inbox ${dept} answered ${res.status}: ${JSON.stringify(res.body)}`);
      await sleep(1000);
      continue;
    }
    const tasks = (res.body.tasks as { applicationId: string; item: string }[]).filter((t) => !decided.has(`${t.applicationId}/${t.item}`));
    await mapLimit(tasks, 3, async (task) => deciding && decide(dept, task.applicationId, task.item));
    if (tasks.length === 0) await sleep(300);
  }
}

// --- faults ----------------------------------------------------------------------------------

const injected: string[] = [];

async function healthz(): Promise<Reply> {
  return http('GET', '/healthz', {});
}

async function expectDown(dependency: 'temporal' | 'db'): Promise<void> {
  const health = await healthz();
  if (health.status !== 503 || health.body?.[dependency] !== 'down') {
    violation(`/healthz with ${dependency} down answered ${health.status} ${JSON.stringify(health.body)}`);
  } else say(`  /healthz 503 ${JSON.stringify(health.body)}`);
  // A write it cannot take: 503, never 500. The same key is then retried until it is accepted once.
  const key = `${runId}-probe-${injected.length}`;
  const probeHeaders = { ...bearer({ sub: 'faults-probe', role: 'applicant', name: '张三' }), 'idempotency-key': key };
  const t0 = Date.now();
  const first = await http('POST', '/v1/applications', probeHeaders, newbornBody);
  if (first.status !== 503) violation(`POST /v1/applications with ${dependency} down answered ${first.status}, not 503: ${JSON.stringify(first.body)}`);
  else say(`  POST /v1/applications 503 after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${first.body.message}`);
  inflight.push(submit('faults-probe', key, first));
}

async function waitHealthy(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await healthz();
    if (health.status === 200) return;
    if (Date.now() > deadline) return violation(`/healthz still ${health.status} ${JSON.stringify(health.body)} ${timeoutMs / 1000} s after recovery`);
    await sleep(500);
  }
}

async function inject(fault: Fault): Promise<void> {
  injected.push(fault);
  const t0 = Date.now();
  if (fault === 'kill-worker') {
    say(`fault ${injected.length}: SIGKILL the worker (pid ${worker.child?.pid})`);
    await worker.kill();
    await sleep(3000);
    await worker.start();
    worker.restarts++;
  } else if (fault === 'stop-temporal') {
    say(`fault ${injected.length}: stop the Temporal dev server`);
    await temporal.stop();
    try {
      await expectDown('temporal');
    } finally {
      temporal = await startTemporal();
    }
    await waitHealthy();
  } else {
    say(`fault ${injected.length}: stop PostgreSQL`);
    pgStopped = true;
    try {
      pgCluster('stop');
      await expectDown('db');
      await sleep(8000); // long enough for activities to fail and retry
    } finally {
      pgCluster('start');
      pgStopped = false;
      await pgReady();
    }
    await waitHealthy();
  }
  say(`  recovered after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// --- the run ---------------------------------------------------------------------------------

const ended = async (ids: string[]): Promise<number> => {
  if (ids.length === 0) return 0;
  const [row] = await check<{ n: number }[]>`select count(*)::int as n from applications where id in ${check(ids)} and status in ${check([...FINAL_STATUSES])}`;
  return row!.n;
};
const progress = setInterval(() => {
  void ended([...accepted.values()]).then(
    (n) => say(`accepted ${accepted.size}, ended ${n}, decisions ${decisions}, answers ${JSON.stringify(Object.fromEntries(statusCounts))}`),
    () => say(`accepted ${accepted.size}, decisions ${decisions} (read model unreachable)`),
  );
}, 10_000);

say(
  `fault suite (${SHORT ? 'short' : 'long'}${PG_FAULT ? ', with PostgreSQL' : ''}): API ${base}, Temporal ${temporal.address}, database ${DB_NAME}, task queue ${taskQueue}`,
);
const applicants = Array.from({ length: SUBMITTERS }, (_, n) => applicant(n + 1));
const departments = DEPARTMENTS.map((d) => department(d));
let clean = false;
try {
  for (const step of SCHEDULE) {
    if (typeof step === 'number') await sleep(step * 1000);
    else await inject(step);
  }
  submitting = false;
  await Promise.all(applicants);
  await Promise.all(inflight);
  say(`stopped submitting: ${accepted.size} accepted; deciding until every one has ended`);

  const ids = [...new Set(accepted.values())];
  const deadline = Date.now() + DRAIN_MS;
  while ((await ended(ids)) < ids.length && Date.now() < deadline) await sleep(2000);
  // Every workflow (applications and their items) closed, as visibility sees it.
  while ((await client.workflow.count('ExecutionStatus = "Running"')).count > 0 && Date.now() < deadline) await sleep(2000);
  deciding = false;
  await Promise.all(departments);
  clearInterval(progress);

  const summary = await verify(ids);
  console.log(`
fault suite ${violations.length === 0 ? 'passed' : 'FAILED'} in ${elapsed().trim()}
  faults injected   ${injected.length}: ${Object.entries(countBy(injected))
    .map(([f, n]) => `${f} ×${n}`)
    .join(', ')}
  submitted         ${accepted.size} accepted (${retriedSubmissions} only after retries, ${gaveUp.length} given up)
  completed         ${summary.endedCount} ended: ${Object.entries(summary.byStatus)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ')}
  decisions         ${decisions} (${staleTasks} stale inbox entries refused with 409)
  answers           ${[...statusCounts]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s || 'no answer'}: ${n}`)
    .join(', ')}
  worker            ${worker.restarts} restarts after SIGKILL, ${worker.crashes} unplanned exits (restarted as a supervisor would); ${summary.resent} notices re-sent after a crash (at-least-once)
  lost ${summary.lost}, duplicated ${summary.duplicated}${violations.length ? `\n  violations        ${violations.length}:\n    ${violations.join('\n    ')}` : ''}`);
  clean = violations.length === 0;
} finally {
  clearInterval(progress);
  submitting = false;
  deciding = false;
  restorePostgresSync();
  await app.close();
  await worker.stop();
  await connection.close();
  await temporal.stop();
  await db.close();
  await check.end({ timeout: 5 });
  if (clean) {
    const drop = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
    await drop.unsafe(`drop database if exists ${DB_NAME} with (force)`);
    await drop.end();
    rmSync(dir, { recursive: true, force: true });
  } else {
    console.log(`  kept for inspection: database ${DB_NAME}, Temporal state ${dir}`);
  }
}
process.exit(clean ? 0 : 1);

// --- the counts ------------------------------------------------------------------------------

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

async function verify(ids: string[]) {
  let lost = 0;
  let duplicated = 0;
  const lose = (line: string) => (lost++, violation(`lost: ${line}`));
  const duplicate = (line: string) => (duplicated++, violation(`duplicated: ${line}`));
  duplicates.forEach(duplicate);
  for (const key of gaveUp) violation(`submission ${key} never accepted within 4 min of retries`);

  // Temporal: each accepted application one closed execution with a final status.
  const states = new Map<string, ApplicationState>();
  await mapLimit(ids, 8, async (id) => {
    const handle = client.workflow.getHandle(applicationWorkflowId(id));
    try {
      const description = await handle.describe();
      const state = await handle.query(applicationState);
      if (description.status.name !== 'COMPLETED' || !FINAL_STATUSES.includes(state.status)) {
        return lose(`application ${id} is ${state.status} (execution ${description.status.name}), not ended`);
      }
      states.set(id, state);
    } catch (err) {
      lose(`application ${id}: ${String(err)}`);
    }
  });
  const runs = new Map<string, number>();
  for await (const execution of client.workflow.list({ query: `WorkflowType = 'applicationWorkflow'` })) {
    runs.set(execution.workflowId, (runs.get(execution.workflowId) ?? 0) + 1);
  }
  const known = new Set(ids.map(applicationWorkflowId));
  for (const [workflowId, n] of runs) {
    if (n > 1) duplicate(`${workflowId} ran ${n} times`);
    if (!known.has(workflowId)) duplicate(`${workflowId} is an application no submitter was given`);
  }
  // Every execution closed as Completed, but items the application cancelled (户口 rejected while 预防接种 was in review).
  const itemCancelled = (workflowId: string) => {
    const [, id, , code] = workflowId.split(':');
    return states.get(id!)?.items.find((i) => i.code === code)?.status === 'cancelled';
  };
  for await (const execution of client.workflow.list({ query: `ExecutionStatus != 'Completed'` })) {
    if (execution.status.name === 'CANCELLED' && execution.type === 'itemWorkflow' && itemCancelled(execution.workflowId)) continue;
    violation(`workflow ${execution.workflowId} closed ${execution.status.name}, not COMPLETED`);
  }

  // The database: one key per submission, no duplicate results or notices, the read model agrees.
  const stored = await check<{ key: string; application_id: string }[]>`select key, application_id from idempotency_keys where key like ${`${runId}-%`}`;
  if (stored.length !== accepted.size) violation(`${stored.length} idempotency keys stored for ${accepted.size} accepted submissions`);
  for (const r of stored) {
    if (accepted.has(r.key) && accepted.get(r.key) !== r.application_id)
      duplicate(`Idempotency-Key ${r.key} stored for ${r.application_id}, answered ${accepted.get(r.key)}`);
  }
  for (const r of await check`select application_id, item_code, count(*)::int as n from results group by 1, 2 having count(*) > 1`) {
    duplicate(`result ${r.application_id}/${r.item_code} stored ${r.n} times`);
  }
  for (const r of await check`select application_id, key, count(*)::int as n from notices group by 1, 2 having count(*) > 1`) {
    duplicate(`notice ${r.application_id}/${r.key} stored ${r.n} times`);
  }
  for (const r of await check`select application_id, kind, count(*)::int as n from notices where kind in ('outcome', 'delivery', 'accepted') group by 1, 2 having count(*) > 1`) {
    duplicate(`${r.n} ${r.kind} notices for ${r.application_id}`);
  }
  for (const r of await check`select application_id, key from notices where sent_at is null`) lose(`notice ${r.application_id}/${r.key} never sent`);

  const rows = new Map((await check<{ id: string; status: string }[]>`select id, status from applications`).map((r) => [r.id, r.status]));
  const itemRows = new Map(
    (await check<{ application_id: string; item_code: string; status: string }[]>`select application_id, item_code, status from application_items`).map((r) => [
      `${r.application_id}/${r.item_code}`,
      r.status,
    ]),
  );
  const resultRows = new Set(
    (await check<{ application_id: string; item_code: string }[]>`select application_id, item_code from results`).map(
      (r) => `${r.application_id}/${r.item_code}`,
    ),
  );
  const outcomes = new Set((await check<{ application_id: string }[]>`select application_id from notices where kind = 'outcome'`).map((r) => r.application_id));
  const byStatus: Record<string, number> = {};
  for (const [id, state] of states) {
    byStatus[state.status] = (byStatus[state.status] ?? 0) + 1;
    if (!rows.has(id)) lose(`application ${id} missing from the read model`);
    else if (rows.get(id) !== state.status) violation(`read model says ${id} is ${rows.get(id)}, the workflow ${state.status}`);
    for (const item of state.items) {
      const stored = itemRows.get(`${id}/${item.code}`);
      if (stored !== item.status) violation(`read model says item ${id}/${item.code} is ${stored}, the workflow ${item.status}`);
      if (item.status === 'approved' && !resultRows.has(`${id}/${item.code}`)) lose(`result of ${id}/${item.code} not archived`);
    }
    if (state.status !== 'withdrawn' && !outcomes.has(id)) lose(`no outcome notice for ${id}`);
  }
  if (rows.size !== runs.size) violation(`read model holds ${rows.size} applications, Temporal ${runs.size}`);
  const resent = [...worker.sends.values()].filter((n) => n > 1).length;
  return { lost, duplicated, endedCount: states.size, byStatus, resent };
}
