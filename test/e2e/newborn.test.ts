// 新生儿出生一件事 end to end: HTTP only, against the real dev server and PostgreSQL.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notices, results } from '../../db/schema.js';
import { newbornBody } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

const applicant = bearer({ sub: 'zhangsan', role: 'applicant', name: '张三' });

async function submit(headers: Record<string, string> = applicant, body: object = newbornBody) {
  const res = await sys.app.inject({ method: 'POST', url: '/v1/applications', headers, payload: body });
  return { status: res.statusCode, body: res.json() };
}
const get = async (id: string, headers = applicant) => (await sys.app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers })).json();
const decide = (id: string, item: string, headers: Record<string, string>, payload: object) =>
  sys.app.inject({ method: 'POST', url: `/v1/applications/${id}/items/${item}/decisions`, headers, payload });
const statuses = (app: { items: { code: string; status: string }[] }) => Object.fromEntries(app.items.map((i) => [i.code, i.status]));
const inbox = async (code: string) =>
  (await sys.app.inject({ method: 'GET', url: `/v1/departments/${code}/tasks`, headers: dept(code) })).json().tasks as {
    applicationId: string;
    item: string;
  }[];

describe('新生儿出生一件事', () => {
  it('goes to completed after every department approves, 户口 only after 出生医学证明', async () => {
    const created = await submit();
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'accepted', receipt: { number: created.body.id, promised: [] } });
    expect(created.body.receipt.items).toHaveLength(5);
    const id: string = created.body.id;

    // 一次分办: both independent items at once; 户口 and its dependents wait.
    const first = await waitFor(
      () => get(id),
      (a) => a.status === 'in_review' && statuses(a)['birth-cert'] === 'in_review',
    );
    expect(statuses(first)).toEqual({
      'birth-cert': 'in_review',
      vaccination: 'in_review',
      hukou: 'waiting',
      'medical-insurance': 'waiting',
      'social-card': 'waiting',
    });
    expect(first.applicant).toEqual({ kind: 'person', name: '张*', idNumber: '3206**********1234', phone: '138****0000' });
    await waitFor(
      () => inbox('wsjk'),
      (tasks) => tasks.some((t) => t.applicationId === id),
    );
    expect((await inbox('gaj')).some((t) => t.applicationId === id)).toBe(false);
    expect((await decide(id, 'hukou', dept('gaj'), { decision: 'approve' })).statusCode).toBe(409);

    const approved = await decide(id, 'birth-cert', dept('wsjk'), { decision: 'approve', result: { certNo: 'O320000001' } });
    expect(approved.statusCode).toBe(200);
    expect(statuses(approved.json())['birth-cert']).toBe('approved');
    expect(approved.json().items[0].decision.actor).toMatchObject({ role: 'department', dept: 'wsjk', post: 'A' });

    await waitFor(
      () => get(id),
      (a) => statuses(a).hukou === 'in_review',
    );
    await waitFor(
      () => inbox('gaj'),
      (tasks) => tasks.some((t) => t.applicationId === id && t.item === 'hukou'),
    );
    expect((await decide(id, 'hukou', dept('gaj'), { decision: 'approve', result: { householdNo: 'H001' } })).statusCode).toBe(200);
    expect((await decide(id, 'vaccination', dept('jkzx'), { decision: 'approve' })).statusCode).toBe(200);
    await waitFor(
      () => get(id),
      (a) => statuses(a)['medical-insurance'] === 'in_review' && statuses(a)['social-card'] === 'in_review',
    );
    expect((await decide(id, 'medical-insurance', dept('ybj'), { decision: 'approve' })).statusCode).toBe(200);
    expect((await decide(id, 'social-card', dept('rsj'), { decision: 'approve', offline: true })).statusCode).toBe(200);

    const done = await waitFor(
      () => get(id),
      (a) => a.status === 'completed',
    );
    expect(done.endedAt).toBeDefined();
    expect(Object.values(statuses(done))).toEqual(Array(5).fill('approved'));

    // 归集入库 and one feedback: five results, exactly one final notice.
    const archived = await sys.db.db.select().from(results).where(eq(results.applicationId, id));
    expect(archived.map((r) => r.itemCode).sort()).toEqual(['birth-cert', 'hukou', 'medical-insurance', 'social-card', 'vaccination']);
    const finalNotices = await waitFor(
      () =>
        sys.db.db
          .select()
          .from(notices)
          .where(and(eq(notices.applicationId, id), eq(notices.kind, 'outcome'))),
      (rows) => rows.length > 0,
    );
    expect(finalNotices).toHaveLength(1);
  });

  it('terminates when 户口 is rejected, cancelling 医保 and 社保卡', async () => {
    const { body } = await submit();
    const id = body.id;
    await waitFor(
      () => get(id),
      (a) => statuses(a)['birth-cert'] === 'in_review',
    );
    expect((await decide(id, 'birth-cert', dept('wsjk'), { decision: 'approve' })).statusCode).toBe(200);
    await waitFor(
      () => get(id),
      (a) => statuses(a).hukou === 'in_review',
    );
    const rejected = await decide(id, 'hukou', dept('gaj'), { decision: 'reject', reason: '申报地址与户籍信息不符' });
    expect(rejected.statusCode).toBe(200);
    const ended = await waitFor(
      () => get(id),
      (a) => a.status === 'terminated',
    );
    expect(statuses(ended)).toEqual({
      'birth-cert': 'approved',
      vaccination: 'cancelled',
      hukou: 'rejected',
      'medical-insurance': 'cancelled',
      'social-card': 'cancelled',
    });
    expect(ended.outcome).toContain('户口登记');
  });

  it('loses nothing when the worker is replaced mid-way', async () => {
    const { body } = await submit();
    const id = body.id;
    await waitFor(
      () => get(id),
      (a) => statuses(a)['birth-cert'] === 'in_review',
    );
    await sys.restartWorker();
    // As a client does: a 503 (the new worker still warming up under load) is retried with the same
    // Idempotency-Key, so an update the first attempt did deliver is answered, not applied twice.
    const ok = async (item: string, who: string, payload: object) => {
      const headers = { ...dept(who), 'idempotency-key': `restart-${id}-${item}` };
      for (let attempt = 1; ; attempt++) {
        const res = await decide(id, item, headers, payload);
        if (res.statusCode !== 503 || attempt === 3) return expect(res.statusCode, res.body).toBe(200);
      }
    };
    await ok('birth-cert', 'wsjk', { decision: 'approve' });
    await ok('vaccination', 'jkzx', { decision: 'reject', reason: '已在外地建卡' });
    await waitFor(
      () => get(id),
      (a) => statuses(a).hukou === 'in_review',
    );
    await sys.restartWorker();
    await ok('hukou', 'gaj', { decision: 'approve' });
    await waitFor(
      () => get(id),
      (a) => statuses(a)['social-card'] === 'in_review' && statuses(a)['medical-insurance'] === 'in_review',
    );
    await ok('medical-insurance', 'ybj', { decision: 'approve' });
    await ok('social-card', 'rsj', { decision: 'approve' });
    const ended = await waitFor(
      () => get(id),
      (a) => a.status === 'partially_completed',
    );
    expect(statuses(ended).vaccination).toBe('rejected');
  });
});
