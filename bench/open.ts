// Scale of open work: K applications submitted over HTTP that then wait on their departments (no
// one decides). First the ceiling: the bare shape (bench/bare-workflows.ts) started straight through
// the Temporal client until each parent's first wave of children runs — "start and wait", as fast
// as this server allows. Then ours, submitted at that rate: how long until every application's first
// items are in their inboxes (the read model), what the worker holds meanwhile (RSS, sticky cache,
// evictions, at three sizes on the way), and how listing, search and statistics answer at that size.
import type { Client } from '@temporalio/client';
import postgres from 'postgres';
import type { BareSpec } from './bare-workflows.js';
import { newbornBody, type Http } from './ours.js';
import { Progress, now, sleep, summarize, type Summary } from './stats.js';
import { BARE_QUEUE } from './system.js';

/** What the worker and the server hold at one point of the run. */
export interface Checkpoint {
  /** Seconds from the first submit. */
  at: number;
  submitted: number;
  dispatched: number;
  workerRssMiB: number;
  serverRssMiB: number;
  /** The worker's sticky cache: workflows held, and evictions forced by its bound so far. */
  cached: number;
  forcedEvictions: number;
}

/** Samples the processes for a checkpoint (bench/run.ts knows the worker and the server). */
export type Sampler = () => Promise<Omit<Checkpoint, 'at' | 'submitted' | 'dispatched'>>;

export interface OpenCeilingResult {
  k: number;
  concurrency: number;
  started: number;
  /** First start → every parent's first wave of children running (visibility), null: not within the wait. */
  settledSeconds: number | null;
  /** Started and dispatched per second: K / settledSeconds. */
  rate: number;
  start: Summary;
  checkpoints: Checkpoint[];
}

/**
 * The bare "start and wait": K parents of the ceiling's shape, started as fast as `concurrency`
 * callers can; dispatched when the parents' first-wave children are all running. The caller
 * terminates them after (terminateBare, outside the measured phase), so ours does not run beside K
 * idle bare workflows.
 */
export async function runOpenCeiling(
  client: Client,
  spec: BareSpec,
  options: { k: number; concurrency: number; settleMinutes: number; sample: Sampler },
): Promise<OpenCeilingResult> {
  const { k, concurrency } = options;
  const firstWave = spec.children.filter((c) => c.after.length === 0).length;
  const running = async () => Number((await client.workflow.count(`WorkflowType = 'bareChild' AND ExecutionStatus = 'Running'`)).count);
  const before = await running();
  const start: number[] = [];
  let next = 0;
  const progress = new Progress('open ceiling: start', k);
  const t0 = now();
  const dispatched = async () => Math.floor(((await running()) - before) / firstWave);
  const checkpoints = checkpointer(k, t0, options.sample, dispatched, () => start.length);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < k) {
        const seq = next++;
        const s = now();
        await client.workflow.start('bareParent', { taskQueue: BARE_QUEUE, workflowId: `bare-open-${seq}`, args: [spec] });
        start.push(now() - s);
        progress.tick();
      }
    }),
  );
  const settledSeconds = await settle('open ceiling: dispatched', k, options.settleMinutes, dispatched, t0);
  const checkpointList = await checkpoints.stop();
  return {
    k,
    concurrency,
    started: start.length,
    settledSeconds,
    rate: settledSeconds ? round(k / settledSeconds) : 0,
    start: summarize(start),
    checkpoints: checkpointList,
  };
}

/** Every running bare parent terminated by one batch operation (their children with them), awaited. */
export async function terminateBare(client: Client): Promise<void> {
  const query = `WorkflowType = 'bareParent' AND ExecutionStatus = 'Running'`;
  await client.workflowService.startBatchOperation({
    namespace: client.options.namespace,
    jobId: `bench-open-ceiling-${Date.now()}`,
    visibilityQuery: query,
    reason: 'bench: the open ceiling is measured',
    terminationOperation: { identity: 'bench' },
  });
  for (let i = 0; i < 600; i++) {
    const left = Number((await client.workflow.count(`WorkflowType IN ('bareParent', 'bareChild') AND ExecutionStatus = 'Running'`)).count);
    if (left === 0) return;
    await sleep(1000);
  }
  throw new Error('the bare open workflows were not terminated within 10 minutes');
}

/** Polls `dispatched()` every second until it reaches `total`; seconds since the caller's start, or null. */
async function settle(label: string, total: number, minutes: number, dispatched: () => Promise<number>, t0: number): Promise<number | null> {
  const progress = new Progress(label, total);
  let shown = 0;
  const deadline = now() + minutes * 60_000;
  while (now() < deadline) {
    const d = Math.min(total, await dispatched());
    if (d > shown) {
      progress.tick(d - shown);
      shown = d;
    }
    if (d >= total) return round((now() - t0) / 1000);
    await sleep(1000);
  }
  return null;
}

/**
 * Samples at a quarter, half and all of K dispatched (the growth curve), each once: polls every
 * second from the first start, while submitting and while the backlog drains, until stopped.
 */
function checkpointer(k: number, t0: number, sample: Sampler, dispatched: () => Promise<number>, submitted: () => number) {
  const marks = [Math.ceil(k / 4), Math.ceil(k / 2), k];
  const list: Checkpoint[] = [];
  let stopped = false;
  const poll = async () => {
    const d = await dispatched();
    // One sample for every mark passed since the last poll (a poll may jump a quarter).
    if (!marks.length || d < marks[0]!) return;
    while (marks.length && d >= marks[0]!) marks.shift();
    list.push({ at: round((now() - t0) / 1000), submitted: submitted(), dispatched: d, ...(await sample()) });
  };
  const watching = (async () => {
    while (!stopped && marks.length) {
      await poll();
      await sleep(1000);
    }
  })();
  return {
    /** Stops polling after a last look (the wait may have ended on the last mark). */
    async stop(): Promise<Checkpoint[]> {
      stopped = true;
      await watching;
      await poll();
      return list;
    },
  };
}

export interface OpenResult {
  k: number;
  concurrency: number;
  submitted: number;
  errors: Record<string, number>;
  /** First submit → last 201. */
  submitSeconds: number;
  submitRate: number;
  submit: Summary;
  /** Submissions per second asked for (the ceiling's rate), or null: as fast as the callers go. */
  pace: number | null;
  /** First submit → every application in the read model with its first two items in review (null: not within the wait). */
  settledSeconds: number | null;
  /** Started and dispatched per second: submitted / settledSeconds. */
  dispatchRate: number;
  /** How many of them were so when the wait ended (all of them when settled). */
  settledApplications: number;
  settleWaitSeconds: number;
  checkpoints: Checkpoint[];
  /** Read-model queries at this size, each run `reps` times after a warm-up. */
  queries: { name: string; path: string; as: string; latency: Summary; rows: number }[];
}

export async function runOpen(
  h: Http,
  databaseUrl: string,
  options: { k: number; concurrency: number; reps?: number; settleMinutes?: number; pace?: number; sample: Sampler },
): Promise<OpenResult> {
  const { k, concurrency } = options;
  const settleWaitSeconds = (options.settleMinutes ?? 30) * 60;
  const reps = options.reps ?? 20;
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const inReviewBefore = await countInReview(sql);
  const submit: number[] = [];
  const errors: Record<string, number> = {};
  const ids: string[] = [];
  let next = 0;
  let lastOk = 0;
  const progress = new Progress('open: submit', k);
  const t0 = now();
  const dispatchedNow = async () => Math.floor(((await countInReview(sql)) - inReviewBefore) / 2);
  const checkpoints = checkpointer(k, t0, options.sample, dispatchedNow, () => ids.length);
  // Paced: the i-th submission not before i / pace seconds (the backlog the ceiling would sustain).
  const pace = options.pace && options.pace > 0 ? options.pace : null;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < k) {
        const seq = next++;
        if (pace) await sleep(t0 + (seq / pace) * 1000 - now());
        const token = h.token({ sub: `bench-open-${seq % 97}`, role: 'applicant', name: '张三' });
        const res = await h.call('POST', '/v1/applications', token, newbornBody(seq));
        progress.tick();
        if (res.status !== 201) {
          errors[`submit ${res.status}`] = (errors[`submit ${res.status}`] ?? 0) + 1;
          continue;
        }
        submit.push(res.ms);
        ids.push(res.body.id);
        lastOk = now();
      }
    }),
  );
  const submitSeconds = (lastOk - t0) / 1000;

  // Settled: both independent items of every application in review in the read model (the
  // submissions outrun the workflows: a backlog of workflow tasks drains after the last 201).
  let settledApplications = 0;
  const settledSeconds = await settle(
    'open: dispatched',
    ids.length,
    settleWaitSeconds / 60,
    async () => (settledApplications = Math.min(ids.length, await dispatchedNow())),
    t0,
  );
  const checkpointList = await checkpoints.stop();
  await sql.end();

  const window = h.token({ sub: 'bench-window', role: 'window' });
  const gaj = h.token({ sub: 'bench-officer-gaj-A', role: 'department', dept: 'gaj', post: 'A' });
  const wsjk = h.token({ sub: 'bench-officer-wsjk-A', role: 'department', dept: 'wsjk', post: 'A' });
  const coordinator = h.token({ sub: 'bench-coordinator', role: 'coordinator', region: '320000' });
  const someId = ids[Math.floor(ids.length / 2)] ?? 'YJS20260101AAAAAA';
  const deepPage = Math.max(1, Math.min(10_000, Math.floor(ids.length / 20 / 2)));
  const deepCursor: string | undefined = (await h.call('GET', `/v1/applications?page=${deepPage}&limit=20`, window)).body.nextCursor;
  const plan: { name: string; path: string; as: string; token: string }[] = [
    { name: 'newest page', path: '/v1/applications?limit=20', as: 'window', token: window },
    { name: 'filter status + bundle', path: '/v1/applications?status=in_review&bundle=newborn&limit=50', as: 'window', token: window },
    { name: 'search by number', path: `/v1/applications?number=${someId}`, as: 'window', token: window },
    { name: 'by applicant account', path: '/v1/applications?applicant=bench-open-7&limit=20', as: 'window', token: window },
    { name: `deep page (offset, page ${deepPage})`, path: `/v1/applications?page=${deepPage}&limit=20`, as: 'window', token: window },
    // The way forward at that depth: the cursor the offset page handed out (the next page).
    ...(deepCursor
      ? [
          {
            name: `deep page (cursor, page ${deepPage + 1})`,
            path: `/v1/applications?cursor=${encodeURIComponent(deepCursor)}&limit=20`,
            as: 'window',
            token: window,
          },
        ]
      : []),
    { name: 'department scope', path: '/v1/applications?limit=20', as: 'department gaj', token: gaj },
    { name: 'department inbox', path: '/v1/departments/wsjk/tasks?limit=50', as: 'department wsjk', token: wsjk },
    { name: 'stats, province', path: '/v1/stats', as: 'coordinator 320000', token: coordinator },
    { name: 'stats, one department', path: '/v1/stats', as: 'department wsjk', token: wsjk },
  ];
  const queries: OpenResult['queries'] = [];
  for (const q of plan) {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < reps + 3; i++) {
      const res = await h.call('GET', q.path, q.token);
      if (res.status !== 200) throw new Error(`${q.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      if (i >= 3) times.push(res.ms);
      rows = (res.body.applications ?? res.body.tasks ?? [res.body]).length;
    }
    queries.push({ name: q.name, path: q.path, as: q.as, latency: summarize(times), rows });
  }
  return {
    k,
    concurrency,
    submitted: ids.length,
    errors,
    submitSeconds: Math.round(submitSeconds * 10) / 10,
    submitRate: Math.round((ids.length / submitSeconds) * 10) / 10,
    submit: summarize(submit),
    pace,
    settledSeconds,
    dispatchRate: settledSeconds ? round(ids.length / settledSeconds) : 0,
    settledApplications,
    settleWaitSeconds,
    checkpoints: checkpointList,
    queries,
  };
}

async function countInReview(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select count(*) as n from application_items where status = 'in_review'`;
  return Number(row!.n);
}

const round = (x: number) => Math.round(x * 10) / 10;
