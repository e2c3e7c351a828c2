// The holes an outside fuzzer and a careful reader found: a codec endpoint opened by a header
// anyone can send, tokens that never expire, validation answering before authentication, integers
// beyond their column, the delivery address shown to every department, and error answers the
// OpenAPI document did not name.
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import type { Claims } from '../../api/auth.js';
import { loadApiConfig } from '../../api/config.js';
import { newbornBody } from '../fixtures/applications.js';
import { registeredRoutes } from '../helpers/routes.js';
import { startSystem, type TestSystem } from '../helpers/system.js';
import { bearer, dept, rawToken, token } from '../helpers/tokens.js';

const UI = 'http://localhost:8233';
let sys: TestSystem;
/** The app as the embedded run builds it: the Web UI's origin known. */
let app: FastifyInstance;
beforeAll(async () => {
  sys = await startSystem();
  app = await buildApp({ temporal: sys.temporal, taskQueue: sys.taskQueue, db: sys.db, codec: sys.codec, config: { ...loadApiConfig({}), temporalUiUrl: UI } });
});
afterAll(async () => {
  await app?.close();
  await sys?.stop();
});

const coordinator: Claims = { sub: 'sec-ops', role: 'coordinator' };
const now = () => Math.floor(Date.now() / 1000);

async function secretPayload() {
  const payload = defaultPayloadConverter.toPayload({ idNumber: '320681199001011234', name: '张三' });
  const [encrypted] = await sys.codec!.encode([payload]);
  return {
    metadata: Object.fromEntries(Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
    data: Buffer.from(encrypted!.data!).toString('base64'),
  };
}

describe('the codec endpoint', () => {
  it('does not open to the Web UI’s Origin header: every call needs an operator token', async () => {
    const payloads = [await secretPayload()];
    const byOrigin = await app.inject({ method: 'POST', url: '/codec/decode', headers: { origin: UI }, payload: { payloads } });
    expect(byOrigin.statusCode).toBe(401);
    expect(byOrigin.body).not.toContain('320681');
    // The UI's origin still gets its CORS answer, for the call that carries a token.
    const preflight = await app.inject({ method: 'OPTIONS', url: '/codec/decode', headers: { origin: UI } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(UI);
    const withToken = await app.inject({ method: 'POST', url: '/codec/decode', headers: { origin: UI, ...bearer(coordinator) }, payload: { payloads } });
    expect(withToken.statusCode).toBe(200);
    expect(Buffer.from(withToken.json().payloads[0].data, 'base64').toString()).toContain('320681199001011234');
  });

  it('takes the UI’s token in the path: an operator’s decodes, anyone else’s or none is refused', async () => {
    const payloads = [await secretPayload()];
    const at = (t: string) => app.inject({ method: 'POST', url: `/codec/ui/${t}/decode`, headers: { origin: UI }, payload: { payloads } });
    expect((await at(token(coordinator))).statusCode).toBe(200);
    expect((await at(token({ sub: 'w', role: 'window' }))).statusCode).toBe(403);
    expect((await at(rawToken({ ...coordinator }))).statusCode).toBe(401); // no exp
    expect((await at(rawToken({ ...coordinator, iat: now() - 7200, exp: now() - 3600 }))).statusCode).toBe(401); // expired
    expect((await at('not-a-token')).statusCode).toBe(401);
  });
});

describe('tokens', () => {
  const as = (t: string) => app.inject({ method: 'GET', url: '/v1/bundles', headers: { authorization: `Bearer ${t}` } });
  it('refuses a token without exp, one issued in the future and one living longer than AUTH_MAX_TOKEN_AGE', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['no exp', { ...coordinator }, /exp/],
      ['no exp, iat in 1970', { ...coordinator, iat: 0 }, /exp/],
      ['iat an hour ahead', { ...coordinator, iat: now() + 3600, exp: now() + 7200 }, /future/],
      ['ten years', { ...coordinator, iat: now(), exp: now() + 10 * 365 * 86400 }, /longer/],
      ['two days, no iat', { ...coordinator, exp: now() + 2 * 86400 }, /longer/],
    ];
    for (const [what, claims, message] of cases) {
      const res = await as(rawToken(claims));
      expect(res.statusCode, what).toBe(401);
      expect(res.json().message, what).toMatch(message);
    }
    expect((await as(rawToken({ ...coordinator, iat: now(), exp: now() + 11 * 3600 }))).statusCode).toBe(200);
    expect((await as(token(coordinator))).statusCode).toBe(200);
  });

  it('reads AUTH_MAX_TOKEN_AGE, and refuses a bad one at start', () => {
    expect(loadApiConfig({ AUTH_MAX_TOKEN_AGE: '30m' }).maxTokenAgeS).toBe(1800);
    expect(loadApiConfig({}).maxTokenAgeS).toBe(12 * 3600);
    expect(() => loadApiConfig({ AUTH_MAX_TOKEN_AGE: 'forever' })).toThrow(/AUTH_MAX_TOKEN_AGE/);
  });
});

describe('authentication before validation', () => {
  it('answers 401, telling nothing of the body, on every route that needs a token', async () => {
    const routes = registeredRoutes(app).filter((r) => ['POST', 'PUT'].includes(r.method) && r.url !== '/v1/dev/tokens');
    expect(routes.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const r of routes) {
      // Parameters and body that fail every schema: without a token, only the 401 may answer.
      const url = r.url.replace(/:[a-z]+/g, '%20bad');
      const res = await app.inject({ method: r.method as 'POST', url, payload: { bogus: ['x'] } });
      if (res.statusCode !== 401 || res.json().details) wrong.push(`${r.method} ${r.url}: ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('integers within their columns', () => {
  it('answers a bundle version beyond 32 bits with 400, not 500', async () => {
    const headers = bearer(coordinator);
    for (const url of ['/v1/bundles/newborn?version=2147483648', '/v1/bundles/newborn/guide?version=9999999999999', '/v1/bundles/newborn?version=1e30']) {
      const res = await app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().details?.[0]?.field, url).toMatch(/version/);
    }
    expect((await app.inject({ method: 'GET', url: '/v1/bundles/newborn?version=2147483647', headers })).statusCode).toBe(404);
  });
});

describe('the delivery address', () => {
  it('is shown to the applicant, the window and the lead department, and to no other department or the supervisors', async () => {
    const address = '南京市玄武区中山路1号';
    const owner = bearer({ sub: 'sec-owner', role: 'applicant' });
    const created = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: owner,
      payload: { ...newbornBody, delivery: { method: 'express', address } },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const seen = async (headers: Record<string, string>) => {
      const res = await app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers });
      expect(res.statusCode).toBe(200);
      return res.json().delivery.address;
    };
    expect(await seen(owner)).toBe(address);
    expect(await seen(bearer({ sub: 'sec-window', role: 'window' }))).toBe(address);
    expect(await seen(dept('wsjk'))).toBe(address); // 卫健委 leads the newborn bundle
    expect(await seen(dept('gaj'))).toBeUndefined();
    expect(await seen(bearer(coordinator))).toBeUndefined();
    expect(await seen(bearer({ sub: 'sec-12345', role: 'hotline' }))).toBeUndefined();
  });
});

describe('the OpenAPI document', () => {
  it('names 429 on every operation, 413 and 415 wherever a body is taken, and the receipt’s answers', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const missing: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, { responses?: Record<string, unknown>; requestBody?: unknown }>>(doc.paths)) {
      if (path.startsWith('/docs') || path === '/healthz' || path === '/metrics') continue; // exempt from the rate limit
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys(op.responses ?? {});
        if (!codes.includes('429')) missing.push(`${method} ${path}: 429`);
        if (op.requestBody && !(codes.includes('413') && codes.includes('415'))) missing.push(`${method} ${path}: 413/415`);
      }
    }
    expect(missing).toEqual([]);
    const receipt = doc.paths['/v1/applications/{id}/receipt'].get.responses;
    expect(Object.keys(receipt)).toEqual(expect.arrayContaining(['200', '400', '401', '404']));
    expect(Object.keys(receipt['200'].content)).toEqual(expect.arrayContaining(['application/json', 'text/html']));
  });
});
