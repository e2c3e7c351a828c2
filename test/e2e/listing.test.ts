// Search, listing (R-8.1) and statistics (R-8.4) over HTTP, from the read model the workflows keep.
// Five newborn applications by two applicants (one through an agent), driven to known ends:
//   A1 terminated (出生医学证明 rejected), A2 completed, A3 withdrawn,
//   B1 in review with 预防接种证 rejected, B2 (submitted by an agent, no 户口) untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newbornBody } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;

const zhangsan = bearer({ sub: 'zhangsan', role: 'applicant', name: '张三' });
const lisi = bearer({ sub: 'lisi', role: 'applicant', name: '李四' });
const helper = bearer({ sub: 'helper-1', role: 'agent', mandate: 'WT-2026-001' });
const windowStaff = bearer({ sub: 'window-1', role: 'window' });
const hotline = bearer({ sub: 'hotline-1', role: 'hotline' });
const province = bearer({ sub: 'coord-js', role: 'coordinator', region: '320000' });
const everywhere = bearer({ sub: 'coord-all', role: 'coordinator' });
const nanjing = bearer({ sub: 'coord-nj', role: 'coordinator', region: '320100' });

const REJECT_BIRTH = '出生医学证明信息与分娩记录不符';
const REJECT_VACCINE = '已在外地建立预防接种档案';

const lisiBody = { ...newbornBody, applicant: { kind: 'person', idNumber: '320102198805052345', name: '李小四', phone: '13900000000' } };
/** No 户口, 医保 or 社保卡: only 出生医学证明 (wsjk) and 预防接种证 (jkzx). */
const smallBody = { ...lisiBody, answers: { localHukou: false, insured: false, socialCard: false, reimburse: false }, applicantAccount: 'lisi' };

interface Listed {
  id: string;
  number: string;
  bundle: string;
  bundleVersion: number;
  status: string;
  channel: string;
  applicant: { name: string; idNumber: string };
  createdAt: string;
  acceptedAt: string | null;
  endedAt: string | null;
  outcome: string | null;
  overdue: boolean;
  departments: string[];
}
interface Page {
  applications: Listed[];
  nextCursor?: string;
}

const ids: Record<'A1' | 'A2' | 'A3' | 'B1' | 'B2', string> = { A1: '', A2: '', A3: '', B1: '', B2: '' };

const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) => sys.app.inject({ method, url, headers, payload });
const list = async (query: string, headers: Record<string, string> = windowStaff) => {
  const res = await call('GET', `/v1/applications${query ? `?${query}` : ''}`, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
};
const idsOf = (page: Page) => page.applications.map((a) => a.id);
const stats = async (query: string, headers: Record<string, string> = everywhere) => {
  const res = await call('GET', `/v1/stats${query ? `?${query}` : ''}`, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const get = async (id: string) => (await call('GET', `/v1/applications/${id}`, windowStaff)).json();
const itemStatus = (app: { items: { code: string; status: string }[] }, code: string) => app.items.find((i) => i.code === code)?.status;
const decide = async (id: string, item: string, department: string, payload: object) => {
  const res = await call('POST', `/v1/applications/${id}/items/${item}/decisions`, dept(department), payload);
  expect(res.statusCode, res.body).toBe(200);
};
const whenInReview = (id: string, item: string) =>
  waitFor(
    () => get(id),
    (a) => itemStatus(a, item) === 'in_review',
  );

beforeAll(async () => {
  sys = await startSystem();
  const submit = async (headers: Record<string, string>, body: object) => {
    const res = await call('POST', '/v1/applications', headers, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  // In this order, one after the other: created_at grows A1 < A2 < A3 < B1 < B2.
  ids.A1 = await submit(zhangsan, newbornBody);
  ids.A2 = await submit(zhangsan, newbornBody);
  ids.A3 = await submit(zhangsan, newbornBody);
  ids.B1 = await submit(lisi, lisiBody);
  ids.B2 = await submit(helper, smallBody);

  await whenInReview(ids.A1, 'birth-cert');
  await decide(ids.A1, 'birth-cert', 'wsjk', { decision: 'reject', reason: REJECT_BIRTH });

  await whenInReview(ids.A2, 'birth-cert');
  await decide(ids.A2, 'birth-cert', 'wsjk', { decision: 'approve' });
  await decide(ids.A2, 'vaccination', 'jkzx', { decision: 'approve' });
  await whenInReview(ids.A2, 'hukou');
  await decide(ids.A2, 'hukou', 'gaj', { decision: 'approve' });
  await waitFor(
    () => get(ids.A2),
    (a) => itemStatus(a, 'medical-insurance') === 'in_review' && itemStatus(a, 'social-card') === 'in_review',
  );
  await decide(ids.A2, 'medical-insurance', 'ybj', { decision: 'approve' });
  await decide(ids.A2, 'social-card', 'rsj', { decision: 'approve' });

  expect((await call('POST', `/v1/applications/${ids.A3}/withdraw`, zhangsan, { reason: '不再需要' })).statusCode).toBe(200);

  await whenInReview(ids.B1, 'vaccination');
  await decide(ids.B1, 'vaccination', 'jkzx', { decision: 'reject', reason: REJECT_VACCINE });

  // The read model catches up asynchronously (an activity per state change): poll it.
  const expected = { A1: 'terminated', A2: 'completed', A3: 'withdrawn', B1: 'in_review', B2: 'in_review' };
  await waitFor(
    () => list('limit=200'),
    (page) => Object.entries(expected).every(([k, status]) => page.applications.find((a) => a.id === ids[k as keyof typeof ids])?.status === status),
    30_000,
  );
  await waitFor(
    () => stats(''),
    (s) => s.rejections.length === 2 && s.itemTotals.approved === 5 && s.blockages.items.some((b: { item: string }) => b.item === 'birth-cert'),
    30_000,
  );
});
afterAll(async () => sys?.stop());

describe('GET /v1/applications: scopes (R-9.1)', () => {
  it('shows an applicant only its own applications, newest first', async () => {
    expect(idsOf(await list('', zhangsan))).toEqual([ids.A3, ids.A2, ids.A1]);
    expect(idsOf(await list('', lisi))).toEqual([ids.B2, ids.B1]);
    // Filtering by someone else's number or account never reveals it.
    expect(idsOf(await list(`number=${ids.B1}`, zhangsan))).toEqual([]);
    expect(idsOf(await list('applicant=lisi', zhangsan))).toEqual([]);
  });

  it('shows an agent what it submitted', async () => {
    expect(idsOf(await list('', helper))).toEqual([ids.B2]);
  });

  it('shows a department only applications with one of its items', async () => {
    expect(idsOf(await list('', dept('gaj')))).toEqual([ids.B1, ids.A3, ids.A2, ids.A1]);
    expect(idsOf(await list('', dept('wsjk')))).toEqual([ids.B2, ids.B1, ids.A3, ids.A2, ids.A1]);
    expect(idsOf(await list('', dept('scjg')))).toEqual([]);
  });

  it('shows a coordinator its region: the province-wide newborn bundle is not 南京’s', async () => {
    const all = [ids.B2, ids.B1, ids.A3, ids.A2, ids.A1];
    expect(idsOf(await list('', province))).toEqual(all);
    expect(idsOf(await list('', everywhere))).toEqual(all);
    expect(idsOf(await list('', nanjing))).toEqual([]);
    expect(idsOf(await list('', hotline))).toEqual(all);
  });

  it('needs a token', async () => {
    expect((await sys.app.inject({ method: 'GET', url: '/v1/applications' })).statusCode).toBe(401);
  });
});

describe('GET /v1/applications: summaries', () => {
  it('carries the summary fields with the applicant masked', async () => {
    const page = await list('limit=200');
    const raw = JSON.stringify(page);
    for (const secret of ['320681199001011234', '320102198805052345', '13800000000', '张三', '李小四']) expect(raw).not.toContain(secret);

    const a1 = page.applications.find((a) => a.id === ids.A1)!;
    expect(a1).toMatchObject({
      number: ids.A1,
      bundle: 'newborn',
      bundleVersion: 1,
      status: 'terminated',
      channel: 'web',
      applicant: { name: '张*', idNumber: '3206**********1234' },
      overdue: false,
      departments: ['gaj', 'jkzx', 'rsj', 'wsjk', 'ybj'],
    });
    expect(a1.endedAt).not.toBeNull();
    expect(a1.outcome).toBeTruthy();
    expect(Date.parse(a1.createdAt)).toBeLessThanOrEqual(Date.parse(a1.acceptedAt!));

    const b2 = page.applications.find((a) => a.id === ids.B2)!;
    expect(b2).toMatchObject({ status: 'in_review', applicant: { name: '李**', idNumber: '3201**********2345' }, departments: ['jkzx', 'wsjk'] });
    expect(b2.endedAt).toBeNull();
    expect(b2.outcome).toBeNull();
  });
});

describe('GET /v1/applications: filters', () => {
  it('by status, bundle, department, overdue, number and applicant', async () => {
    expect(idsOf(await list('status=terminated'))).toEqual([ids.A1]);
    expect(idsOf(await list('status=in_review'))).toEqual([ids.B2, ids.B1]);
    expect(idsOf(await list('status=expired'))).toEqual([]);
    expect(idsOf(await list('bundle=newborn'))).toHaveLength(5);
    expect(idsOf(await list('bundle=restaurant'))).toEqual([]);
    expect(idsOf(await list('department=gaj'))).toEqual([ids.B1, ids.A3, ids.A2, ids.A1]);
    expect(idsOf(await list('department=gaj&status=in_review'))).toEqual([ids.B1]);
    expect(idsOf(await list('overdue=true'))).toEqual([]);
    expect(idsOf(await list('overdue=false'))).toHaveLength(5);
    expect(idsOf(await list(`number=${ids.A2}`))).toEqual([ids.A2]);
    expect(idsOf(await list('applicant=zhangsan'))).toEqual([ids.A3, ids.A2, ids.A1]);
    // Filters narrow a scope, never widen it.
    expect(idsOf(await list('department=wsjk', dept('gaj')))).toEqual([ids.B1, ids.A3, ids.A2, ids.A1]);
  });

  it('by period (from/to on created_at)', async () => {
    const all = (await list('limit=200')).applications;
    const a3 = all.find((a) => a.id === ids.A3)!.createdAt;
    expect(idsOf(await list(`from=${encodeURIComponent(a3)}`))).toEqual([ids.B2, ids.B1, ids.A3]);
    expect(idsOf(await list(`to=${encodeURIComponent(a3)}`))).toEqual([ids.A2, ids.A1]);
    const shanghaiToday = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const shanghaiTomorrow = new Date(Date.now() + 32 * 3600_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 16 * 3600_000).toISOString().slice(0, 10);
    expect(idsOf(await list(`from=${shanghaiToday}&to=${shanghaiToday}`))).toHaveLength(5);
    expect(idsOf(await list(`from=${shanghaiTomorrow}`))).toEqual([]);
    expect(idsOf(await list(`to=${yesterday}`))).toEqual([]);
  });

  it('answers 400 naming the bad filter', async () => {
    for (const [query, field] of [
      ['status=approved', 'status'],
      ['overdue=maybe', 'overdue'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['page=0', 'page'],
      ['number=abc', 'number'],
      ['bundle=Not_A_Code', 'bundle'],
      ['department=ga_j', 'department'],
      ['sort=newest', 'sort'],
      ['from=yesterday', 'from'],
      ['from=2026-02-30', 'from'],
      ['from=2026-11-02&to=2026-11-01', 'from'],
      ['cursor=%25%25%25', 'cursor'],
      ['cursor=eyJhIjoxfQ', 'cursor'],
      ['statuz=completed', 'statuz'],
    ] as const) {
      const res = await call('GET', `/v1/applications?${query}`, windowStaff);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error).toBe('bad_request');
      expect(JSON.stringify(res.json().details), query).toContain(field);
    }
  });
});

describe('GET /v1/applications: paging', () => {
  it('walks every application once with the cursor, in both orders', async () => {
    const everything = idsOf(await list('limit=200'));
    expect(everything).toEqual([ids.B2, ids.B1, ids.A3, ids.A2, ids.A1]);
    for (const [sort, expected] of [
      ['created_at', everything],
      ['-created_at', [...everything].reverse()],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await list(`limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.applications.length).toBeLessThanOrEqual(2);
        seen.push(...idsOf(page));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen, sort).toEqual(expected); // no duplicates, no gaps, in order
      expect(pages).toBe(3);
    }
  });

  it('keeps the scope and filters across cursor pages', async () => {
    const first = await list('limit=1&department=gaj', dept('gaj'));
    expect(idsOf(first)).toEqual([ids.B1]);
    const second = await list(`limit=1&department=gaj&cursor=${first.nextCursor}`, dept('gaj'));
    expect(idsOf(second)).toEqual([ids.A3]);
  });

  it('offers numbered pages too, and refuses mixing them or a cursor of the other order', async () => {
    expect(idsOf(await list('limit=2&page=2'))).toEqual([ids.A3, ids.A2]);
    const last = await list('limit=2&page=3');
    expect(idsOf(last)).toEqual([ids.A1]);
    expect(last.nextCursor).toBeUndefined();
    expect(idsOf(await list('limit=2&page=4'))).toEqual([]);

    const { nextCursor } = await list('limit=2');
    expect((await call('GET', `/v1/applications?limit=2&page=2&cursor=${nextCursor}`, windowStaff)).statusCode).toBe(400);
    expect((await call('GET', `/v1/applications?limit=2&sort=-created_at&cursor=${nextCursor}`, windowStaff)).statusCode).toBe(400);
  });
});

describe('GET /v1/stats', () => {
  it('counts volumes, outcomes, completion and handling times', async () => {
    const s = await stats('');
    expect(s.volume).toBe(5);
    expect(s.outcomes).toEqual({
      proposed: 0,
      incomplete: 0,
      received: 0,
      accepted: 0,
      in_review: 2,
      completed: 1,
      partially_completed: 0,
      terminated: 1,
      withdrawn: 1,
      expired: 0,
    });
    expect(s.ended).toBe(3);
    expect(s.completed).toBe(1);
    expect(s.completionRate).toBeCloseTo(1 / 3, 10);
    expect(s.handling.count).toBe(3);
    expect(s.handling.averageHours).toBeGreaterThanOrEqual(0);
    expect(s.handling.averageHours).toBeLessThan(1); // all within the test run
    expect(s.handling.p90Hours).toBeGreaterThanOrEqual(s.handling.averageHours * 0.5);
    expect(s.byBundle).toEqual([expect.objectContaining({ bundle: 'newborn', volume: 5, ended: 3, completed: 1 })]);
    expect(s.filters).toEqual({});
  });

  it('reports items: decisions, overdue, rejections by reason, blockages', async () => {
    const s = await stats('');
    // Items of A1 (5), A2 (5), A3 (5), B1 (5), B2 (2).
    // Decided: A2's five approvals, A1's and B1's rejections.
    expect(s.itemTotals).toMatchObject({ items: 22, approved: 5, rejected: 2, decided: 7, overdue: 0, overdueRate: 0, decidedLate: 0 });
    expect(s.itemTotals.handling).toMatchObject({ count: 7, p90Hours: null });
    expect(s.itemTotals.handling.averageHours).toBeGreaterThanOrEqual(0);
    const birthCert = s.items.find((i: { item: string }) => i.item === 'birth-cert');
    expect(birthCert).toMatchObject({ department: 'wsjk', items: 5, approved: 1, rejected: 1, name: '出生医学证明', legalDays: 5, committedDays: 1 });

    expect(s.rejections).toEqual(
      expect.arrayContaining([
        { reason: REJECT_BIRTH, count: 1 },
        { reason: REJECT_VACCINE, count: 1 },
      ]),
    );
    expect(s.rejections).toHaveLength(2);

    // Stalled: 出生医学证明 of B1 and B2, 预防接种证 of B2 — B1's has waited longest.
    const byItem = Object.fromEntries(s.blockages.items.map((b: { item: string }) => [b.item, b]));
    expect(byItem['birth-cert']).toMatchObject({ department: 'wsjk', waiting: 2, inReview: 2, correctionRequested: 0, awaitingMaterial: 0 });
    expect(byItem.vaccination).toMatchObject({ department: 'jkzx', waiting: 1, inReview: 1 });
    expect(s.blockages.items).toHaveLength(2);
    expect(s.blockages.items[0].item).toBe('birth-cert');
    expect(s.blockages.longest).toMatchObject({
      applicationId: ids.B1,
      number: ids.B1,
      bundle: 'newborn',
      item: 'birth-cert',
      department: 'wsjk',
      status: 'in_review',
    });
    expect(s.blockages.longest.waitHours).toBeGreaterThanOrEqual(0);
    expect(byItem['birth-cert'].oldestStartedAt).toBe(s.blockages.longest.startedAt);

    expect(s).toMatchObject({ evaluations: 0, badReviews: 0, badReviewRate: null, rectifications: { total: 0, replyRate: null } });
  });

  it('gives the same figures through the filtered path (all five are newborn, all from today)', async () => {
    // Waits grow while we ask; sums of floats may differ in the last digits.
    const comparable = (value: unknown): unknown =>
      JSON.parse(
        JSON.stringify(value, (k, v) => (k === 'waitHours' || k === 'longestWaitHours' ? undefined : typeof v === 'number' ? Number(v.toFixed(9)) : v)),
      );
    const all = await stats('');
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    for (const query of ['bundle=newborn', `from=${today}`]) {
      const filtered = await stats(query);
      for (const key of ['volume', 'outcomes', 'ended', 'completionRate', 'handling', 'byBundle', 'itemTotals', 'items', 'rejections', 'blockages'] as const) {
        expect(comparable(filtered[key]), `${query} ${key}`).toEqual(comparable(all[key]));
      }
    }
  });

  it('shows what the newborn bundle saves', async () => {
    const s = await stats('bundle=newborn');
    expect(s.savings).toEqual([
      {
        bundle: 'newborn',
        version: 1,
        name: '新生儿出生一件事',
        items: 6,
        materialsBefore: 12,
        materialsAfter: 7,
        fieldsBefore: 27,
        fieldsAfter: 9,
        legalDays: 70,
        committedDays: 5,
        tripsBefore: 6,
        tripsAfter: 1,
        applications: 5,
        materialsSaved: 25,
        fieldsSaved: 90,
        tripsSaved: 25,
        materialsShared: 0,
        tripsShared: 0,
      },
    ]);
  });

  it('scopes a coordinator to its region and a department to its own items', async () => {
    const nj = await stats('', nanjing);
    expect(nj).toMatchObject({
      volume: 0,
      ended: 0,
      completionRate: null,
      byBundle: [],
      items: [],
      rejections: [],
      savings: [],
      filters: { region: '320100' },
    });
    expect(nj.blockages).toEqual({ items: [], longest: null });
    expect((await stats('bundle=newborn', nanjing)).savings).toHaveLength(1); // the definition is there, no application is
    expect((await stats('', province)).volume).toBe(5);

    const gaj = await stats('', dept('gaj'));
    expect(gaj.filters).toEqual({ department: 'gaj' });
    expect(gaj.volume).toBe(4); // B2 has no 户口 item
    expect(gaj.items).toEqual([expect.objectContaining({ item: 'hukou', department: 'gaj', items: 4, approved: 1, rejected: 0 })]);
    expect(gaj.rejections).toEqual([]);
    expect(gaj.blockages.items).toEqual([]);
    const jkzx = await stats('department=jkzx', dept('jkzx'));
    expect(jkzx.rejections).toEqual([{ reason: REJECT_VACCINE, count: 1 }]);
    expect((await stats('department=jkzx')).rejections).toEqual([{ reason: REJECT_VACCINE, count: 1 }]);
  });

  it('filters by period, and refuses other roles and bad filters', async () => {
    const tomorrow = new Date(Date.now() + 32 * 3600_000).toISOString().slice(0, 10);
    expect((await stats(`from=${tomorrow}`)).volume).toBe(0);
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect((await stats(`from=${today}&to=${today}&bundle=newborn`)).volume).toBe(5);

    expect((await call('GET', '/v1/stats?department=wsjk', dept('gaj'))).statusCode).toBe(403);
    for (const who of [zhangsan, helper, windowStaff, hotline]) expect((await call('GET', '/v1/stats', who)).statusCode).toBe(403);
    expect((await sys.app.inject({ method: 'GET', url: '/v1/stats' })).statusCode).toBe(401);
    for (const query of ['from=2026-13-01', 'to=nope', 'bundle=BA_D', 'department=ga%20j', 'period=month', 'from=2026-11-02&to=2026-11-01']) {
      expect((await call('GET', `/v1/stats?${query}`, everywhere)).statusCode, query).toBe(400);
    }
  });
});
