// The lifecycle over HTTP (R-3 … R-7): incomplete → supplement, 容缺, rejection rules, one delivery.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notices } from '../../db/schema.js';
import { enterpriseChange } from '../../db/catalogue/enterprise-change.js';
import { completeInput, newbornBody, newbornNoOptions } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

const applicant = bearer({ sub: 'wangwu', role: 'applicant' });
const window = bearer({ sub: 'window-1', role: 'window' });
const call = async (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) => {
  const res = await sys.app.inject({ method, url, headers, payload });
  return { status: res.statusCode, body: String(res.headers['content-type']).includes('json') ? res.json() : res.body };
};
const get = async (id: string) => (await call('GET', `/v1/applications/${id}`, applicant)).body;
const statusOf = (a: { items: { code: string; status: string }[] }, code: string) => a.items.find((i) => i.code === code)?.status;
const decide = (id: string, item: string, code: string, payload: object) => call('POST', `/v1/applications/${id}/items/${item}/decisions`, dept(code), payload);
const approveWhenReady = async (id: string, item: string, code: string, payload: object = { decision: 'approve' }) => {
  await waitFor(
    () => get(id),
    (a) => statusOf(a, item) === 'in_review',
  );
  const res = await decide(id, item, code, payload);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const outbox = async (id: string, kind: string) =>
  sys.db.db
    .select()
    .from(notices)
    .where(and(eq(notices.applicationId, id), eq(notices.kind, kind)));

describe('lifecycle over HTTP', () => {
  it('incomplete → one notice of everything missing → supplement → accepted, with a printable receipt', async () => {
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions, materials: [{ code: 'delivery-record' }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'incomplete', missing: [{ material: 'parent-id', deferrable: false }] });
    const id = created.body.id;
    const notice = await call('GET', `/v1/applications/${id}/receipt`, { ...applicant, accept: 'text/html' });
    expect(notice.body).toContain('材料补正一次性告知书');
    expect(notice.body).toContain('父母双方居民身份证');

    const supplemented = await call('POST', `/v1/applications/${id}/supplements`, applicant, { materials: [{ code: 'parent-id' }] });
    expect(supplemented.status).toBe(200);
    expect(['accepted', 'in_review']).toContain(supplemented.body.status);
    const receipt = await call('GET', `/v1/applications/${id}/receipt`, { ...applicant, accept: 'text/html' });
    expect(receipt.body).toContain('收件凭证');
    expect(receipt.body).toContain('出生医学证明');
    expect(receipt.body).not.toContain('320681199001011234');
    expect(await outbox(id, 'incomplete')).toHaveLength(1);
    await call('POST', `/v1/applications/${id}/withdraw`, applicant, { reason: '测试结束' });
  });

  it('accepts with a promised material (容缺) and tells each promise, its deadline and the consequence', async () => {
    const body = {
      ...newbornBody,
      answers: { ...newbornNoOptions, localHukou: true },
      materials: ['parent-id', 'delivery-record', 'marriage-cert'].map((code) => ({ code })),
      commitments: [{ material: 'household-book' }],
    };
    const created = await call('POST', '/v1/applications', applicant, body);
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('accepted');
    expect(created.body.receipt.promised).toEqual([{ material: 'household-book', name: '户口簿', due: expect.any(String) }]);
    const id = created.body.id;
    const [accepted] = await waitFor(
      () => outbox(id, 'accepted'),
      (rows) => rows.length > 0,
    );
    expect(JSON.stringify(accepted!.body)).toContain('退件');
    await approveWhenReady(id, 'birth-cert', 'wsjk');
    const held = await approveWhenReady(id, 'hukou', 'gaj');
    expect(statusOf(held, 'hukou')).toBe('awaiting_material');
    await call('POST', `/v1/applications/${id}/supplements`, applicant, { materials: [{ code: 'household-book' }] });
    await waitFor(
      () => get(id),
      (a) => statusOf(a, 'hukou') === 'approved',
    );
    await approveWhenReady(id, 'vaccination', 'jkzx');
    expect(
      (
        await waitFor(
          () => get(id),
          (a) => a.status === 'completed',
        )
      ).status,
    ).toBe('completed');
  });

  it('terminates on a blocking rejection, telling the applicant once that the materials are returned', async () => {
    const { body } = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
    const id = body.id;
    await approveWhenReady(id, 'birth-cert', 'wsjk', { decision: 'reject', reason: '出生地不在本机构' });
    const ended = await waitFor(
      () => get(id),
      (a) => a.status === 'terminated',
    );
    expect(statusOf(ended, 'vaccination')).toBe('cancelled');
    const outcome = await waitFor(
      () => outbox(id, 'outcome'),
      (rows) => rows.length > 0,
    );
    expect(outcome).toHaveLength(1);
    expect(outcome[0]!.body).toMatchObject({ status: 'terminated', materialsReturned: true });
  });

  it('goes on after a non-blocking rejection and ends partially completed', async () => {
    const { body } = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
    const id = body.id;
    await approveWhenReady(id, 'vaccination', 'jkzx', { decision: 'reject', reason: '已在外地建卡' });
    await approveWhenReady(id, 'birth-cert', 'wsjk');
    expect(
      (
        await waitFor(
          () => get(id),
          (a) => a.status === 'partially_completed',
        )
      ).outcome,
    ).toContain('预防接种证');
  });

  it('delivers once by the chosen method: window pickup with a code', async () => {
    const { body } = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions, delivery: { method: 'window' } });
    const id = body.id;
    await approveWhenReady(id, 'birth-cert', 'wsjk', { decision: 'approve', result: { certNo: 'O1' } });
    await approveWhenReady(id, 'vaccination', 'jkzx');
    const done = await waitFor(
      () => get(id),
      (a) => a.status === 'completed' && a.delivery.status === 'ready',
    );
    expect(done.delivery.pickupCode).toMatch(/^\d{6}$/);
    expect((await call('POST', `/v1/applications/${id}/delivery`, applicant, { event: 'picked-up' })).status).toBe(403);
    expect((await call('POST', `/v1/applications/${id}/delivery`, window, { event: 'shipped', trackingNumber: 'X' })).status).toBe(409);
    // The window never sees the code; it records what the applicant shows, and the platform checks it (issue #14 row 9).
    expect((await call('GET', `/v1/applications/${id}`, window)).body.delivery.pickupCode).toBeUndefined();
    expect((await call('POST', `/v1/applications/${id}/delivery`, window, { event: 'picked-up' })).status).toBe(400);
    const wrong = String((Number(done.delivery.pickupCode) + 1) % 1_000_000).padStart(6, '0');
    expect((await call('POST', `/v1/applications/${id}/delivery`, window, { event: 'picked-up', pickupCode: wrong })).status).toBe(409);
    const picked = await call('POST', `/v1/applications/${id}/delivery`, window, { event: 'picked-up', pickupCode: done.delivery.pickupCode });
    expect(picked.status).toBe(200);
    expect(picked.body.delivery.status).toBe('delivered');
    expect(await outbox(id, 'delivery')).toHaveLength(1);
    expect(await outbox(id, 'outcome')).toHaveLength(1);
  });

  it('records corrections, suspensions and extensions with who, post and time; the clock shows in the view', async () => {
    const { body } = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
    const id = body.id;
    await waitFor(
      () => get(id),
      (a) => statusOf(a, 'birth-cert') === 'in_review',
    );
    expect((await decide(id, 'birth-cert', 'wsjk', { decision: 'extend', days: 3 })).status).toBe(400);
    const extended = await decide(id, 'birth-cert', 'wsjk', { decision: 'extend', days: 3, approver: '科长李某', reason: '需核对外省出生记录' });
    expect(extended.status).toBe(200);
    const suspended = await decide(id, 'birth-cert', 'wsjk', { decision: 'suspend', suspension: 'appraisal', expectedDays: 10, reason: '医学鉴定' });
    const item = suspended.body.items.find((i: { code: string }) => i.code === 'birth-cert');
    expect(item).toMatchObject({ clock: 'suspended', extensionDays: 3, status: 'in_review' });
    expect(item.decisions.map((d: { decision: string; actor: { post: string } }) => `${d.decision}/${d.actor.post}`)).toEqual(['extend/A', 'suspend/A']);
    expect((await decide(id, 'birth-cert', 'wsjk', { decision: 'approve' })).status).toBe(409);
    expect((await decide(id, 'birth-cert', 'wsjk', { decision: 'resume' })).status).toBe(200);
    const correction = await decide(id, 'birth-cert', 'wsjk', { decision: 'correction', missing: ['delivery-record'], reason: '缺少医师签名' });
    expect(correction.body.items[0].status).toBe('correction_requested');
    expect(
      await waitFor(
        () => outbox(id, 'correction'),
        (rows) => rows.length === 1,
      ),
    ).toHaveLength(1);
    await call('POST', `/v1/applications/${id}/withdraw`, applicant, { reason: '测试结束' });
    expect(
      (
        await waitFor(
          () => get(id),
          (a) => a.status === 'withdrawn',
        )
      ).items.every((i: { status: string }) => i.status === 'cancelled'),
    ).toBe(true);
  });
});

describe('受理审查 (行政许可法 §32)', () => {
  /** 企业信息变更: its registration materials are reviewed for legal form before acceptance. */
  const enterpriseBody = (channel: string) => {
    const input = completeInput('x', enterpriseChange, { insuredEmployees: true, housingFund: true });
    const applicant = { kind: 'organisation', idNumber: '91320100MA1W2X3Y4Z', name: '南京示例科技有限公司' };
    return {
      bundleCode: 'enterprise-change',
      channel,
      region: '320681',
      applicant,
      applicantAccount: 'wangwu',
      answers: input.answers,
      form: input.form,
      materials: input.materials,
    };
  };
  const review = (id: string, who: Record<string, string>, payload: object) => call('POST', `/v1/applications/${id}/intake-review`, who, payload);

  it('holds an online submission for the window, which names every material not in legal form at once; the supplement is reviewed again', async () => {
    const created = await call('POST', '/v1/applications', applicant, enterpriseBody('web'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      status: 'received',
      receipt: { materials: expect.arrayContaining(['biz-license']) },
      intakeReview: { due: expect.any(String) },
    });
    const id = created.body.id;
    expect((await get(id)).items.every((i: { status: string }) => i.status === 'waiting')).toBe(true);
    expect((await call('GET', `/v1/applications/${id}/receipt`, { ...applicant, accept: 'text/html' })).body).toContain('第三十二条');

    expect((await review(id, applicant, { decision: 'accept' })).status).toBe(403);
    expect((await review(id, window, { decision: 'correction' })).status).toBe(400);
    expect((await review(id, window, { decision: 'correction', missing: [{ material: 'premises-proof', reason: '未提交' }] })).status).toBe(400);
    const corrected = await review(id, window, { decision: 'correction', missing: [{ material: 'change-resolution', reason: '决议未经全体股东签字' }] });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect(corrected.body).toMatchObject({
      status: 'incomplete',
      missing: [{ material: 'change-resolution', name: '变更决议或决定', reason: '决议未经全体股东签字' }],
      intakeReview: { outcome: 'correction', by: { sub: 'window-1', role: 'window' } },
    });
    const [notice] = await waitFor(
      () => outbox(id, 'incomplete'),
      (rows) => rows.length > 0,
    );
    expect(notice!.title).toContain('不符合法定形式');

    const again = await call('POST', `/v1/applications/${id}/supplements`, applicant, { materials: [{ code: 'change-resolution' }] });
    expect(again.body).toMatchObject({ status: 'received', intakeReview: { due: expect.any(String) } });
    expect(again.body.intakeReview.outcome).toBeUndefined();
    const accepted = await review(id, window, { decision: 'accept' });
    expect(accepted.status).toBe(200);
    expect(['accepted', 'in_review']).toContain(accepted.body.status);
    expect(accepted.body.intakeReview).toMatchObject({ outcome: 'accepted' });
    expect((await review(id, window, { decision: 'accept' })).status).toBe(409);
    await waitFor(
      () => get(id),
      (a) => statusOf(a, 'registration-change') === 'in_review',
    );
    const [acceptance] = await waitFor(
      () => outbox(id, 'accepted'),
      (rows) => rows.length > 0,
    );
    expect(acceptance!.title).toBe('受理通知书');

    const history = (await call('GET', `/v1/applications/${id}/history`, window)).body;
    const labels = history.timeline.map((e: { label: string }) => e.label);
    expect(labels).toEqual(expect.arrayContaining(['受理审查：材料不符合法定形式，一次告知补正', '受理审查：予以受理', '一次性告知（材料不符合法定形式）']));
    await call('POST', `/v1/applications/${id}/withdraw`, applicant, { reason: '测试结束' });
  });

  it('accepts at once what a window takes in, its staff having judged the materials there', async () => {
    const created = await call('POST', '/v1/applications', window, enterpriseBody('window'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.status).toBe('accepted');
    expect(created.body.intakeReview).toBeUndefined();
    await call('POST', `/v1/applications/${created.body.id}/withdraw`, window, { reason: '测试结束' });
  });
});

describe('audit (R-9.3)', () => {
  it('records who acted, in which role and post, for whom, through which channel and when', async () => {
    const agent = bearer({ sub: 'helper-7', role: 'agent', mandate: 'WT-2026-0042' });
    const { body } = await call(
      'POST',
      '/v1/applications',
      { ...agent, 'x-channel': 'app' },
      { ...newbornBody, answers: newbornNoOptions, applicantAccount: 'wangwu' },
    );
    const id = body.id;
    await approveWhenReady(id, 'birth-cert', 'wsjk', { decision: 'reject', reason: '出生地不符' });
    const audit = await waitFor(
      async () =>
        (await call('GET', `/v1/applications/${id}/audit`, bearer({ sub: 'c', role: 'coordinator' }))).body.audit as {
          kind: string;
          actor: Record<string, string>;
        }[],
      (rows) => rows.length >= 2,
    );
    expect(audit[0]!.actor).toMatchObject({ sub: 'helper-7', role: 'agent', mandate: 'WT-2026-0042', channel: 'app' });
    expect(audit.some((r) => r.actor.role === 'department' && r.actor.dept === 'wsjk' && r.actor.post === 'A' && r.actor.channel === 'api')).toBe(true);
    expect((await call('GET', `/v1/applications/${id}/audit`, applicant)).status).toBe(403);
  });
});
