// Departments' inboxes without polling: ETag + If-None-Match, and `wait` held until the inbox moves
// (PostgreSQL NOTIFY from the item rows, migration 0007), against the real dev server and PostgreSQL.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOX_RECHECK_MS } from '../../api/inbox-watch.js';
import { applicationItems } from '../../db/schema.js';
import { newbornBody } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

const applicant = bearer({ sub: 'inbox-applicant', role: 'applicant', name: '张三' });

async function tasks(code: string, options: { etag?: string; wait?: number } = {}) {
  const started = Date.now();
  const res = await sys.app.inject({
    method: 'GET',
    url: `/v1/departments/${code}/tasks${options.wait ? `?wait=${options.wait}` : ''}`,
    headers: { ...dept(code), ...(options.etag ? { 'if-none-match': options.etag } : {}) },
  });
  return {
    status: res.statusCode,
    etag: res.headers.etag as string,
    tasks: res.statusCode === 200 ? (res.json().tasks as { applicationId: string; item: string }[]) : undefined,
    ms: Date.now() - started,
  };
}

describe('a department inbox without polling', () => {
  it('answers 304 at once for an unchanged inbox, and after `wait` seconds when nothing moves', async () => {
    const first = await tasks('jkzx');
    expect(first.status).toBe(200);
    expect(first.etag).toMatch(/^"[\w-]{22}"$/);
    const unchanged = await tasks('jkzx', { etag: first.etag });
    expect(unchanged).toMatchObject({ status: 304, etag: first.etag });
    expect(unchanged.ms).toBeLessThan(1000);
    // An inbox nothing reaches (a department of no seeded bundle): held for the whole wait, then 304.
    const quiet = await tasks('zzz', {});
    const held = await tasks('zzz', { etag: quiet.etag, wait: 1 });
    expect(held.status).toBe(304);
    expect(held.ms).toBeGreaterThanOrEqual(950);
    // A stale ETag is answered at once with the inbox.
    expect((await tasks('jkzx', { etag: '"stale"', wait: 30 })).status).toBe(200);
  });

  it('holds a waiting request until a task enters the inbox, and answers within a second of the change', async () => {
    const before = await tasks('wsjk');
    const waiting = tasks('wsjk', { etag: before.etag, wait: 30 });
    const created = await sys.app.inject({ method: 'POST', url: '/v1/applications', headers: applicant, payload: newbornBody });
    expect(created.statusCode).toBe(201);
    const id: string = created.json().id;
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(answered.tasks!.some((t) => t.applicationId === id && t.item === 'birth-cert')).toBe(true);
    expect(answered.etag).not.toBe(before.etag);

    // The change itself, timed: 户口 (gaj) waits for 出生医学证明; moving its row into review wakes a
    // request held on gaj's inbox through NOTIFY, long before the re-read every INBOX_RECHECK_MS.
    await waitFor(
      () =>
        sys.db.db
          .select()
          .from(applicationItems)
          .where(and(eq(applicationItems.applicationId, id), eq(applicationItems.itemCode, 'hukou'))),
      (rows) => rows[0]?.status === 'waiting',
    );
    const gaj = await tasks('gaj');
    const held = tasks('gaj', { etag: gaj.etag, wait: 30 });
    let answeredEarly = false;
    void held.then(() => (answeredEarly = true));
    await new Promise((resolve) => setTimeout(resolve, 300)); // the request is waiting by now
    expect(answeredEarly).toBe(false); // held, so what follows times the notification, not a first read
    const changedAt = Date.now();
    await sys.db.db.execute(sql`update application_items set status = 'in_review', started_at = now() where application_id = ${id} and item_code = 'hukou'`);
    const woken = await held;
    expect(woken.status).toBe(200);
    expect(woken.tasks!.some((t) => t.applicationId === id && t.item === 'hukou')).toBe(true);
    expect(Date.now() - changedAt).toBeLessThan(Math.min(1000, INBOX_RECHECK_MS));
  });

  it('refuses a wait outside 1–60 seconds', async () => {
    const res = await sys.app.inject({ method: 'GET', url: '/v1/departments/wsjk/tasks?wait=61', headers: dept('wsjk') });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request' });
  });
});
