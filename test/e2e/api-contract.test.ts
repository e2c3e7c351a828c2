// The HTTP contract's refusals (API.md): 400 with details, 401, 403, 404, 409, 422 — never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { loadApiConfig } from '../../api/config.js';
import { newbornBody } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

const zhang = bearer({ sub: 'zhangsan', role: 'applicant' });
const li = bearer({ sub: 'lisi', role: 'applicant' });
const req = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  sys.app.inject({ method, url, headers, payload: payload as object });
const submit = (headers: Record<string, string> = zhang, body: unknown = newbornBody) => req('POST', '/v1/applications', headers, body);

describe('HTTP contract', () => {
  it('answers health, the catalogue and the OpenAPI document', async () => {
    expect((await req('GET', '/healthz')).json()).toEqual({ status: 'ok', temporal: 'up', db: 'up' });
    const list = (await req('GET', '/v1/bundles', zhang)).json();
    expect(list.bundles.map((b: { code: string }) => b.code)).toContain('newborn');
    const bundle = (await req('GET', '/v1/bundles/newborn?version=1', zhang)).json();
    expect(bundle).toMatchObject({ code: 'newborn', version: 1, name: '新生儿出生一件事' });
    expect((await req('GET', '/v1/bundles/newborn?version=99', zhang)).statusCode).toBe(404);
    const openapi = (await req('GET', '/docs/json')).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/applications', '/v1/applications/{id}/items/{item}/decisions']));
  });

  it('refuses without a valid token (401) and with the wrong role (403)', async () => {
    expect((await req('GET', '/v1/bundles')).statusCode).toBe(401);
    const forged = await req('GET', '/v1/bundles', { authorization: 'Bearer abc.def.ghi' });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ error: 'unauthorized' });
    const res = await submit(dept('gaj'));
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('forbidden');
    expect((await submit(bearer({ sub: 'agent-1', role: 'agent' }))).statusCode).toBe(403); // no mandate
  });

  it('names every bad field in a 400 and never answers 500 to garbage', async () => {
    const res = await submit(zhang, { ...newbornBody, channel: 'fax', applicant: { kind: 'alien' }, extra: 1 });
    expect(res.statusCode).toBe(400);
    const fields = res.json().details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.channel', 'body.applicant.kind', 'body.applicant.idNumber', 'body.extra']));

    for (const payload of ['{', 'null', '[]', '"x"', '{"bundleCode":1}', '{"bundleCode":"newborn","materials":"x"}']) {
      const r = await sys.app.inject({ method: 'POST', url: '/v1/applications', headers: { ...zhang, 'content-type': 'application/json' }, payload });
      expect(r.statusCode, payload).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, payload).toBeLessThan(500);
      expect(r.json(), payload).toHaveProperty('error');
    }
    expect((await req('GET', '/v1/applications/not-an-id', zhang)).statusCode).toBe(400);
    expect((await req('GET', '/v1/applications/YJS20990101AAAAAA', zhang)).statusCode).toBe(404);
    expect((await req('GET', '/v1/nowhere', zhang)).json()).toMatchObject({ error: 'not_found' });
  });

  it('checks the application against the bundle: answers, form and every missing material at once', async () => {
    const wrong = await submit(zhang, { ...newbornBody, answers: { localHukou: 'yes' }, form: { childName: '张小三' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details).toEqual(expect.arrayContaining([{ field: 'answers.localHukou', message: 'must be a boolean' }]));

    const incomplete = await submit(zhang, { ...newbornBody, materials: [{ code: 'delivery-record' }] });
    expect(incomplete.statusCode).toBe(201);
    expect(incomplete.json().status).toBe('incomplete');
    expect(incomplete.json().missing.map((m: { material: string }) => m.material)).toEqual(['parent-id', 'household-book', 'marriage-cert', 'child-photo']);
    const notDeferrable = await submit(zhang, { ...newbornBody, materials: [{ code: 'delivery-record' }], commitments: [{ material: 'parent-id' }] });
    expect(notDeferrable.statusCode).toBe(400);
    expect(notDeferrable.json().details).toEqual([{ field: 'commitments.parent-id', message: '此材料不可容缺' }]);
    expect((await submit(zhang, { ...newbornBody, bundleCode: 'no-such-bundle' })).statusCode).toBe(404);
  });

  it('makes a repeated submission with the same Idempotency-Key one application', async () => {
    const headers = { ...zhang, 'idempotency-key': 'k-1' };
    const first = await submit(headers);
    expect(first.statusCode).toBe(201);
    const again = await submit(headers, { ...newbornBody, form: { ...newbornBody.form } });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const different = await submit(headers, { ...newbornBody, channel: 'app' });
    expect(different.statusCode).toBe(409);
    // Another user's identical key is their own.
    expect((await submit({ ...li, 'idempotency-key': 'k-1' })).json().id).not.toBe(first.json().id);
  });

  it('keeps applications private and decisions to the item’s department, once', async () => {
    const { id } = (await submit()).json();
    expect((await req('GET', `/v1/applications/${id}`, li)).statusCode).toBe(404); // no existence leak
    expect((await req('GET', `/v1/applications/${id}`, zhang)).statusCode).toBe(200);
    await waitFor(
      async () => (await req('GET', `/v1/applications/${id}`, zhang)).json().status,
      (s) => s === 'in_review',
    );
    const url = `/v1/applications/${id}/items/birth-cert/decisions`;
    expect((await req('POST', url, dept('gaj'), { decision: 'approve' })).statusCode).toBe(403);
    expect((await req('POST', url, zhang, { decision: 'approve' })).statusCode).toBe(403);
    expect((await req('POST', url, dept('wsjk'), { decision: 'maybe' })).statusCode).toBe(400);
    const noReason = await req('POST', url, dept('wsjk'), { decision: 'reject' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().message).toMatch(/理由/);
    expect((await req('POST', `/v1/applications/${id}/items/nope/decisions`, dept('wsjk'), { decision: 'approve' })).statusCode).toBe(404);
    expect((await req('POST', url, dept('wsjk'), { decision: 'approve' })).statusCode).toBe(200);
    const twice = await req('POST', url, dept('wsjk'), { decision: 'approve' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toBe('conflict');
    expect((await req('GET', '/v1/departments/wsjk/tasks', dept('gaj'))).statusCode).toBe(403);
  });
});

describe('limits', () => {
  const errorBody = { error: expect.any(String), message: expect.any(String) };

  it('refuses a body over 1 MiB with 413 and the error body; without a token, 401 before the body is read', async () => {
    const huge = { ...newbornBody, form: { ...newbornBody.form, note: 'x'.repeat(1024 * 1024) } };
    const res = await req('POST', '/v1/applications', zhang, huge);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ ...errorBody, error: 'payload_too_large' });
    const anonymous = await req('POST', '/v1/applications', {}, huge);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ ...errorBody, error: 'unauthorized' });
    // Just under the limit is read (and then judged on its merits).
    const under = await req('POST', '/v1/applications', zhang, { ...newbornBody, form: { ...newbornBody.form, note: 'x'.repeat(1000 * 1000) } });
    expect(under.statusCode).toBe(400);
  });

  it('limits each user per minute (429 with retry-after), counts forged tokens against the address, and never /healthz', async () => {
    const config = { ...loadApiConfig({}), rateLimitPerMinute: 5 };
    expect(loadApiConfig({}).rateLimitPerMinute).toBe(600);
    const app = await buildApp({ temporal: sys.temporal, taskQueue: sys.taskQueue, db: sys.db, codec: sys.codec, config });
    try {
      const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await get('/v1/bundles', zhang)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const limited = await get('/v1/bundles', zhang);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({ ...errorBody, error: 'rate_limited' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another user has a quota of its own.
      expect((await get('/v1/bundles', li)).statusCode).toBe(200);

      // Without a token, or with one we did not sign, the client address pays: a made-up sub buys nothing.
      for (let i = 0; i < 5; i++) expect((await get('/v1/bundles')).statusCode).toBe(401);
      expect((await get('/v1/bundles')).statusCode).toBe(429);
      expect((await get('/v1/bundles', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmcmVzaCJ9.AAAA' })).statusCode).toBe(429);

      for (let i = 0; i < 10; i++) expect((await get('/healthz')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
