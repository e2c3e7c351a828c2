// Scale of open work: K applications submitted over HTTP that then wait on their departments (no
// one decides). How long starting them takes, and how listing, search and statistics (the read
// model) answer at that size.
import postgres from 'postgres';
import { newbornBody, type Http } from './ours.js';
import { Progress, now, sleep, summarize, type Summary } from './stats.js';

export interface OpenResult {
  k: number;
  concurrency: number;
  submitted: number;
  errors: Record<string, number>;
  /** First submit → last 201. */
  submitSeconds: number;
  submitRate: number;
  submit: Summary;
  /** First submit → every application in the read model with its first two items in review (null: not within the wait). */
  settledSeconds: number | null;
  /** How many of them were so when the wait ended (all of them when settled). */
  settledApplications: number;
  settleWaitSeconds: number;
  /** Read-model queries at this size, each run `reps` times after a warm-up. */
  queries: { name: string; path: string; as: string; latency: Summary; rows: number }[];
}

export async function runOpen(
  h: Http,
  databaseUrl: string,
  options: { k: number; concurrency: number; reps?: number; settleMinutes?: number },
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
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < k) {
        const seq = next++;
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
  let settledSeconds: number | null = null;
  let settledApplications = 0;
  const settling = new Progress('open: dispatched', ids.length);
  const deadline = now() + settleWaitSeconds * 1000;
  while (now() < deadline) {
    const dispatched = Math.floor(((await countInReview(sql)) - inReviewBefore) / 2);
    for (; settledApplications < Math.min(dispatched, ids.length); settledApplications++) settling.tick();
    if (dispatched >= ids.length) {
      settledSeconds = (now() - t0) / 1000;
      break;
    }
    await sleep(1000);
  }
  await sql.end();

  const window = h.token({ sub: 'bench-window', role: 'window' });
  const gaj = h.token({ sub: 'bench-officer-gaj-A', role: 'department', dept: 'gaj', post: 'A' });
  const wsjk = h.token({ sub: 'bench-officer-wsjk-A', role: 'department', dept: 'wsjk', post: 'A' });
  const coordinator = h.token({ sub: 'bench-coordinator', role: 'coordinator', region: '320000' });
  const someId = ids[Math.floor(ids.length / 2)] ?? 'YJS20260101AAAAAA';
  const deepPage = Math.max(1, Math.min(10_000, Math.floor(ids.length / 20 / 2)));
  const plan: { name: string; path: string; as: string; token: string }[] = [
    { name: 'newest page', path: '/v1/applications?limit=20', as: 'window', token: window },
    { name: 'filter status + bundle', path: '/v1/applications?status=in_review&bundle=newborn&limit=50', as: 'window', token: window },
    { name: 'search by number', path: `/v1/applications?number=${someId}`, as: 'window', token: window },
    { name: 'by applicant account', path: '/v1/applications?applicant=bench-open-7&limit=20', as: 'window', token: window },
    { name: `deep page (offset, page ${deepPage})`, path: `/v1/applications?page=${deepPage}&limit=20`, as: 'window', token: window },
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
    settledSeconds: settledSeconds === null ? null : Math.round(settledSeconds * 10) / 10,
    settledApplications,
    settleWaitSeconds,
    queries,
  };
}

async function countInReview(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select count(*) as n from application_items where status = 'in_review'`;
  return Number(row!.n);
}
