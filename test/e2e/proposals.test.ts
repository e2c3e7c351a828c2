// Issue #18, 政策服务免申办 over HTTP on the dev server and PostgreSQL: an integration (role
// `system`) posts a life event; every seeded bundle whose triggers name its type is proposed to the
// event's subject, pre-filled from the event; the subject confirms (→ a submission like any other,
// decided to the end) or declines. The same event id proposes nothing new. Expiry is a timer: see
// test/workflows/proposal.test.ts on the time-skipping server.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFiles, lifeEvents, notices } from '../../db/schema.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';
import { deathRegistered, retirementAgeReached } from '../fixtures/events.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

type Json = Record<string, any>;
const call = async (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: unknown) => {
  const res = await sys.app.inject({ method, url, headers, payload: payload as object });
  return { status: res.statusCode, body: (res.headers['content-type']?.toString().includes('json') ? res.json() : res.body) as Json };
};
const exchange = bearer({ sub: 'gxjh-gaj', role: 'system' });
const wangfang = bearer({ sub: 'wangfang', role: 'applicant', name: '王芳' });
const zhaolei = bearer({ sub: 'zhaolei', role: 'applicant', name: '赵磊' });
const stranger = bearer({ sub: 'lisi', role: 'applicant', name: '李四' });
const window = bearer({ sub: 'window-1', role: 'window' });

const death = (id: string) => deathRegistered(id);
const retirementAge = (id: string) => retirementAgeReached(id);

describe('posting events', () => {
  it('only an integration (role system) posts events; it reads no application', async () => {
    expect((await call('POST', '/v1/events', {}, death('D-0'))).status).toBe(401);
    expect((await call('POST', '/v1/events', wangfang, death('D-0'))).status).toBe(403);
    expect((await call('POST', '/v1/events', window, death('D-0'))).status).toBe(403);
    expect((await call('GET', '/v1/applications', exchange)).status).toBe(403);
    expect((await call('GET', '/v1/bundles/posthumous/guide', exchange)).status).toBeLessThan(400); // public
  });

  it('refuses a malformed event with the field named (400)', async () => {
    const bad = await call('POST', '/v1/events', exchange, { ...death('D-bad'), type: 'Death Registered', occurredAt: 'yesterday' });
    expect(bad.status).toBe(400);
    const fields = (bad.body.details as Json[]).map((d) => d.field).join(' ');
    expect(fields).toContain('type');
    expect(fields).toContain('occurredAt');
    const region = await call('POST', '/v1/events', exchange, { ...death('D-bad2'), region: '329999' });
    expect(region.status).toBe(400);
  });

  it('an event type no bundle names proposes nothing (and is still recorded once)', async () => {
    const none = await call('POST', '/v1/events', exchange, { ...death('N-1'), type: 'marriage-registered' });
    expect(none).toMatchObject({ status: 201, body: { applications: [] } });
    expect((await call('POST', '/v1/events', exchange, { ...death('N-1'), type: 'marriage-registered' })).status).toBe(200);
  });
});

describe('a death registered proposes 身后一件事', () => {
  let id: string;
  beforeAll(async () => {
    const posted = await call('POST', '/v1/events', exchange, death('GA-2026-000123'));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    expect(posted.body.applications).toHaveLength(1);
    id = posted.body.applications[0];
  });

  it('answers the same application to the same event id, and creates none', async () => {
    const again = await call('POST', '/v1/events', exchange, death('GA-2026-000123'));
    expect(again).toMatchObject({ status: 200, body: { applications: [id] } });
    const rows = await sys.db.db.select().from(lifeEvents).where(eq(lifeEvents.id, 'GA-2026-000123'));
    expect(rows).toHaveLength(1);
    // The subject's ID number is kept as keyed hashes only.
    expect(JSON.stringify(rows)).not.toContain('320681198505051229');
    const listed = await waitFor(
      () => call('GET', '/v1/applications?status=proposed', wangfang),
      (r) => r.body.applications?.length > 0,
    );
    expect(listed.body.applications.map((a: Json) => a.id)).toEqual([id]);
    // Another subject under the same event id is another event: refused.
    const other = await call('POST', '/v1/events', exchange, {
      ...death('GA-2026-000123'),
      subject: { ...death('x').subject, idNumber: '320681199001011236' },
    });
    expect(other.status).toBe(409);
  });

  it('is proposed to the subject, pre-filled from the event and the login, with a notice', async () => {
    const got = await call('GET', `/v1/applications/${id}`, wangfang);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: 'proposed', bundle: { code: 'posthumous' }, items: [], owner: 'wangfang' });
    expect(got.body.proposal).toMatchObject({
      event: { id: 'GA-2026-000123', type: 'death-registered' },
      region: '320681',
      form: { deceasedName: '王建国', deceasedIdNumber: '320681195203031217', deathDate: '2026-12-01', deathPlace: '启东市人民医院', claimantName: '王芳' },
      sharedFrom: { deceasedName: { kind: 'event', event: 'GA-2026-000123', type: 'death-registered' }, claimantName: { kind: 'identity', claim: 'name' } },
    });
    // Twenty working days by default: well past today, within two months.
    const days = (Date.parse(got.body.proposal.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(20);
    expect(days).toBeLessThan(45);
    expect((await call('GET', `/v1/applications/${id}`, stranger)).status).toBe(404);
    const sent = await waitFor(
      () =>
        sys.db.db
          .select()
          .from(notices)
          .where(and(eq(notices.applicationId, id), eq(notices.kind, 'proposed'))),
      (rows) => rows.length > 0,
    );
    expect(sent[0]!.title).toContain('个人身后一件事');
    // The pre-filled personal values are sealed in the case file, never in the clear.
    const [file] = await sys.db.db.select().from(caseFiles).where(eq(caseFiles.applicationId, id));
    expect(JSON.stringify(file)).not.toContain('王建国');
  });

  it('takes no act of a submitted application before it is confirmed (409)', async () => {
    const supplement = await call('POST', `/v1/applications/${id}/supplements`, wangfang, { materials: [{ code: 'claimant-id' }] });
    expect(supplement.status).toBe(409);
  });

  it('only its subject (or window staff) confirms or declines it', async () => {
    expect((await call('POST', `/v1/applications/${id}/decline`, stranger, {})).status).toBe(404);
    expect((await call('POST', `/v1/applications/${id}/decline`, exchange, {})).status).toBe(403);
    expect((await call('POST', `/v1/applications/${id}/decline`, dept('mzj'), {})).status).toBe(403);
  });

  it('declined, it ends without a submission; a confirmation after is refused', async () => {
    const declined = await call('POST', `/v1/applications/${id}/decline`, wangfang, { reason: '已在外地办理' });
    expect(declined.status, JSON.stringify(declined.body)).toBe(200);
    expect(declined.body).toMatchObject({ status: 'withdrawn', proposal: { declinedAt: expect.any(String) } });
    const late = await call('POST', `/v1/applications/${id}/confirm`, wangfang, { materials: [] });
    expect(late.status).toBe(409);
    const history = await waitFor(
      () => call('GET', `/v1/applications/${id}/history`, wangfang),
      (r) => r.status === 200 && r.body.timeline.some((e: Json) => e.kind === 'ended'),
    );
    const kinds = history.body.timeline.map((e: Json) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['proposed', 'declined', 'ended']));
  });
});

describe('reaching retirement age proposes 退休一件事, confirmed and completed', () => {
  let id: string;
  beforeAll(async () => {
    const posted = await call('POST', '/v1/events', exchange, retirementAge('SB-2026-7781'));
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    id = posted.body.applications[0];
  });

  it('pre-fills the employer and dates from the event and presets the normal path', async () => {
    const got = await call('GET', `/v1/applications/${id}`, zhaolei);
    expect(got.body.proposal).toMatchObject({
      answers: { earlyRetirement: false },
      form: { employeeName: '赵磊', employerName: '启东市海洋机械有限公司', birthDate: '1965-12-03', retirementDate: '2027-01-01' },
    });
  });

  it('refuses a confirmation that does not fit the bundle, naming what is missing (400)', async () => {
    const bad = await call('POST', `/v1/applications/${id}/confirm`, zhaolei, { answers: { housingFund: false }, materials: [] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.details)).toContain('contactPhone');
  });

  it('confirmed, it proceeds exactly as a submission and is decided to the end', async () => {
    const confirmed = await call('POST', `/v1/applications/${id}/confirm`, zhaolei, {
      answers: { housingFund: false },
      form: { bankAccount: '6222020000000000001', contactPhone: '13900001111' },
      materials: [{ code: 'applicant-id' }, { code: 'personnel-file' }, { code: 'bank-account' }],
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ id, status: 'accepted', receipt: { items: [{ code: 'pension' }] } });
    // Once confirmed, it is no longer a proposal: a second confirmation is refused.
    expect((await call('POST', `/v1/applications/${id}/confirm`, zhaolei, { materials: [] })).status).toBe(409);
    const running = await waitFor(
      () => call('GET', `/v1/applications/${id}`, zhaolei),
      (r) => r.body.items?.[0]?.status === 'in_review',
    );
    // The city office of 人社 for 启东 (320681 → 南通 320600) decides it.
    expect(running.body.items[0]).toMatchObject({ code: 'pension', region: '320600' });
    expect(running.body.proposal).toMatchObject({ event: { id: 'SB-2026-7781' }, confirmedAt: expect.any(String) });
    // The department's review sheet shows the values that came from the event.
    const sheet = await call('GET', `/v1/applications/${id}/items/pension`, dept('rsj'));
    expect(sheet.status).toBe(200);
    expect(JSON.stringify(sheet.body)).toContain('SB-2026-7781');
    const decided = await call('POST', `/v1/applications/${id}/items/pension/decisions`, dept('rsj'), {
      decision: 'approve',
      result: { certNo: 'TX-2027-0001' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const done = await waitFor(
      () => call('GET', `/v1/applications/${id}`, zhaolei),
      (r) => r.body.status === 'completed',
    );
    expect(done.body.items[0]).toMatchObject({ status: 'approved' });
    // One story in the case file: proposed by the event, confirmed by its subject, then as any submission.
    const history = await waitFor(
      () => call('GET', `/v1/applications/${id}/history`, zhaolei),
      (r) => r.body.timeline?.some((e: Json) => e.kind === 'ended'),
    );
    const kinds = history.body.timeline.map((e: Json) => e.kind);
    expect(kinds.slice(0, 4)).toEqual(['proposed', 'notice', 'confirmed', 'submitted']);
    expect(history.body.timeline.find((e: Json) => e.kind === 'confirmed').actor).toMatchObject({ sub: 'zhaolei', role: 'applicant' });
  });
});
