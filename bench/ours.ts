// End-to-end load over real HTTP: applicants submit newborn applications (5 items) keeping
// `concurrency` of them in flight; one client loop per department watches its inbox
// (GET /v1/departments/:dept/tasks, held until it changes, or polled with --inbox poll) and
// approves every task as soon as it appears; an observer reads
// completions from the listing (the read model). Every latency is measured at the client.
import { tokenSigner } from '../api/auth.js';
import { newborn } from '../db/catalogue/newborn.js';
import { newbornBody as fixtureBody, newbornAnswers } from '../test/fixtures/applications.js';
import { applicableItems } from '../workflows/shared/rules.js';
import { Progress, now, sleep, summarize, type Summary } from './stats.js';

export const NEWBORN_ANSWERS = newbornAnswers;
const ITEMS = applicableItems(newborn, NEWBORN_ANSWERS);
export const NEWBORN_ITEMS = ITEMS.map((i) => ({ code: i.code, department: i.department, after: i.after }));
const DEPARTMENTS = [...new Set(ITEMS.map((i) => i.department))];

/** The tests' complete newborn submission, a different child's name per application. */
export function newbornBody(seq: number) {
  return { ...fixtureBody, form: { ...fixtureBody.form, childName: `张小${seq % 100}` } };
}

export interface Http {
  api: string;
  token(claims: Record<string, unknown>): string;
  call(
    method: string,
    url: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; ms: number; etag?: string }>;
}

export function http(api: string, jwtSecret: string): Http {
  const sign = tokenSigner(jwtSecret);
  const tokens = new Map<string, string>();
  return {
    api,
    token(claims) {
      const key = JSON.stringify(claims);
      let t = tokens.get(key);
      if (!t) tokens.set(key, (t = sign(claims)));
      return t;
    },
    async call(method, url, token, body, headers) {
      const t0 = now();
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${api}${url}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        text = await res.text();
      } catch (err) {
        // A network failure answers like a status 0, so no client loop dies of it.
        return { status: 0, body: { code: (err as Error).message }, ms: now() - t0 };
      }
      const ms = now() - t0;
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, ms, etag: res.headers.get('etag') ?? undefined };
    },
  };
}

export interface LoadResult {
  n: number;
  concurrency: number;
  completed: number;
  failed: number;
  wallSeconds: number;
  /** Completed bundles per second, first submit to last completion. */
  rate: number;
  /** POST /v1/applications → 201 with the receipt. */
  submit: Summary;
  /** POST …/decisions → 200 (its body is the state after the decision: approved in it, or polled until visible). */
  decision: Summary;
  /** The decision POST by item (which decisions are slow). */
  decisionByItem: Record<string, Summary>;
  /** Decision sent → the item shows as decided in GET /v1/applications/:id (usually the decision response itself). */
  visible: Summary;
  /** How many decision responses already showed the decided item. */
  visibleInResponse: number;
  /** Prerequisite decision sent → the dependent item in its department's inbox (read model). */
  handoff: Summary;
  /** Submit sent → the first items in their departments' inboxes (read model). */
  dispatch: Summary;
  /** Submit sent → completed in the listing (read model). */
  endToEnd: Summary;
  requests: number;
  errors: Record<string, number>;
  ids: string[];
}

export async function runOurs(
  h: Http,
  options: { n: number; concurrency: number; label: string; pollMs: number; inbox: 'wait' | 'poll'; timeoutMs?: number },
): Promise<LoadResult> {
  const { n, concurrency, pollMs } = options;
  const timeoutMs = options.timeoutMs ?? 180_000;
  const window = h.token({ sub: 'bench-window', role: 'window' });
  const deptToken = (d: string) => h.token({ sub: `bench-officer-${d}-A`, role: 'department', dept: d, post: 'A' });
  const submit: number[] = [];
  const decision: number[] = [];
  const decisionByItem = new Map<string, number[]>();
  const visible: number[] = [];
  const handoff: number[] = [];
  const dispatch: number[] = [];
  const e2e: number[] = [];
  const errors: Record<string, number> = {};
  const error = (what: string) => void (errors[what] = (errors[what] ?? 0) + 1);
  let requests = 0;
  let visibleInResponse = 0;
  const call: Http['call'] = async (...args) => {
    requests++;
    return h.call(...args);
  };

  interface Tracked {
    submittedAt: number;
    /** Wall clock at submit: the listing's `from` bound (created on or after). */
    submittedWall: number;
    decisionSent: Map<string, number>;
    done: (at: number) => void;
  }
  const tracked = new Map<string, Tracked>();
  const handled = new Set<string>();
  let stopped = false;
  const progress = new Progress(options.label, n);

  // Departments: poll, approve everything new, measure how long tasks took to appear.
  /** A client loop that records, rather than dies of, an unexpected exception. */
  const loop = async (name: string, body: () => Promise<void>) => {
    while (!stopped) {
      try {
        await body();
      } catch (err) {
        error(`${name}: ${(err as Error).message}`);
        await sleep(pollMs);
      }
    }
  };

  const department = (dept: string) => {
    const token = deptToken(dept);
    let etag: string | undefined;
    return loop(`department ${dept}`, async () => {
      // 'wait': the request is held until the inbox changes (ETag); 'poll': asked every pollMs.
      const res =
        options.inbox === 'wait'
          ? await call('GET', `/v1/departments/${dept}/tasks?limit=200&wait=2`, token, undefined, etag ? { 'if-none-match': etag } : {})
          : await call('GET', `/v1/departments/${dept}/tasks?limit=200`, token);
      if (res.status === 304) return;
      etag = res.etag;
      if (res.status !== 200) {
        error(`tasks ${res.status}`);
        return sleep(pollMs);
      }
      const seenAt = now();
      let fresh = 0;
      for (const task of res.body.tasks as { applicationId: string; item: string }[]) {
        const app = tracked.get(task.applicationId);
        const key = `${task.applicationId}/${task.item}`;
        if (!app || handled.has(key)) continue;
        handled.add(key);
        fresh++;
        const after = NEWBORN_ITEMS.find((i) => i.code === task.item)?.after ?? [];
        if (after.length === 0) dispatch.push(seenAt - app.submittedAt);
        else handoff.push(seenAt - Math.max(...after.map((a) => app.decisionSent.get(a) ?? app.submittedAt)));
        decide(task.applicationId, task.item, token, app).catch((err: Error) => error(`decide: ${err.message}`));
      }
      if (options.inbox === 'poll') await sleep(fresh === 0 ? pollMs : pollMs / 2);
    });
  };
  const decide = async (id: string, item: string, token: string, app: Tracked) => {
    const sent = now();
    app.decisionSent.set(item, sent);
    const res = await call('POST', `/v1/applications/${id}/items/${item}/decisions`, token, { decision: 'approve', result: { no: `${item}-${id}` } });
    if (res.status !== 200) return error(`decision ${res.status} ${res.body?.code ?? ''}`.trim());
    decision.push(res.ms);
    decisionByItem.set(item, [...(decisionByItem.get(item) ?? []), res.ms]);
    const shows = (state: any) => state?.items?.find((i: { code: string }) => i.code === item)?.status === 'approved';
    if (shows(res.body)) {
      visibleInResponse++;
      visible.push(now() - sent);
      return;
    }
    for (let i = 0; i < 500; i++) {
      const got = await call('GET', `/v1/applications/${id}`, token);
      if (shows(got.body)) return void visible.push(now() - sent);
      await sleep(10);
    }
    error('decision never visible');
  };

  // The listing observer: completed applications created since the oldest one still in flight (a
  // few rows per poll, so the instrument costs the API little; with limit=200 it cost ours ~15 %).
  const observer = () =>
    loop('observer', async () => {
      if (tracked.size === 0) return sleep(pollMs);
      const oldest = Math.min(...[...tracked.values()].map((t) => t.submittedWall)) - 1000;
      const res = await call('GET', `/v1/applications?status=completed&limit=200&from=${new Date(oldest).toISOString()}`, window);
      const at = now();
      if (res.status === 200) for (const a of res.body.applications as { id: string }[]) tracked.get(a.id)?.done(at);
      else error(`listing ${res.status}`);
      await sleep(pollMs);
    });

  let next = 0;
  let firstSubmit = Infinity;
  let lastDone = 0;
  let completed = 0;
  const ids: string[] = [];
  const applicant = async () => {
    while (next < n) {
      const seq = next++;
      const token = h.token({ sub: `bench-applicant-${seq % 97}`, role: 'applicant', name: '张三' });
      const t0 = now();
      const wall0 = Date.now();
      firstSubmit = Math.min(firstSubmit, t0);
      const res = await call('POST', '/v1/applications', token, newbornBody(seq));
      if (res.status !== 201) {
        error(`submit ${res.status} ${res.body?.code ?? ''}`.trim());
        progress.tick();
        continue;
      }
      submit.push(res.ms);
      const id: string = res.body.id;
      ids.push(id);
      const finished = new Promise<number | undefined>((resolve) => {
        tracked.set(id, { submittedAt: t0, submittedWall: wall0, decisionSent: new Map(), done: resolve });
        setTimeout(() => resolve(undefined), timeoutMs);
      });
      const at = await finished;
      tracked.delete(id);
      progress.tick();
      if (at === undefined) {
        error('not completed in time');
        continue;
      }
      completed++;
      lastDone = Math.max(lastDone, at);
      e2e.push(at - t0);
    }
  };

  const loops = [...DEPARTMENTS.map(department), observer()];
  await Promise.all(Array.from({ length: concurrency }, applicant));
  stopped = true;
  await Promise.all(loops);
  const wallSeconds = (lastDone - firstSubmit) / 1000;
  return {
    n,
    concurrency,
    completed,
    failed: n - completed,
    wallSeconds: Math.round(wallSeconds * 100) / 100,
    rate: Math.round((completed / wallSeconds) * 100) / 100,
    submit: summarize(submit),
    decision: summarize(decision),
    decisionByItem: Object.fromEntries([...decisionByItem.entries()].map(([item, values]) => [item, summarize(values)])),
    visible: summarize(visible),
    visibleInResponse,
    handoff: summarize(handoff),
    dispatch: summarize(dispatch),
    endToEnd: summarize(e2e),
    requests,
    errors,
    ids,
  };
}
