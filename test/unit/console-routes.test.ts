// The console's two routes without Temporal or a database: the demo login (POST /v1/dev/tokens,
// only with the development secret) and the static console under /console/.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { installAuth } from '../../api/auth.js';
import { loadApiConfig, type ApiConfig } from '../../api/config.js';
import { installErrorHandling } from '../../api/errors.js';
import { consoleRoutes } from '../../api/routes/console.js';
import { devTokenRoutes } from '../../api/routes/dev-tokens.js';
import { installValidation } from '../../api/validation.js';
import { DecisionBody } from '../../api/schemas/applications.js';
import { APPLICATION_STATUSES, FINAL_STATUSES } from '../../workflows/application/messages.js';
import { DECISION_KINDS, ITEM_STATUSES } from '../../workflows/item/messages.js';
import { DECISION_LABELS } from '../../workflows/shared/case-events.js';

const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

async function appWith(config: ApiConfig) {
  const app = Fastify();
  apps.push(app);
  installValidation(app);
  installErrorHandling(app);
  await installAuth(app, config.jwtSecret);
  await app.register(devTokenRoutes({ config }), { prefix: '/v1' });
  await app.register(consoleRoutes());
  return app;
}

const post = (app: Awaited<ReturnType<typeof appWith>>, payload: object) => app.inject({ method: 'POST', url: '/v1/dev/tokens', payload });

describe('POST /v1/dev/tokens', () => {
  it('signs a token for the claims with the development secret', async () => {
    const app = await appWith(loadApiConfig({}));
    const res = await post(app, { role: 'department', dept: 'gaj', name: '李警官' });
    expect(res.statusCode).toBe(200);
    const { token, claims } = res.json();
    expect(claims).toEqual({ sub: 'demo-department-gaj', role: 'department', dept: 'gaj', post: 'A', name: '李警官' });
    expect(app.jwt.verify(token)).toMatchObject({ sub: 'demo-department-gaj', role: 'department', dept: 'gaj', post: 'A', exp: expect.any(Number) });
    expect((await post(app, { role: 'applicant', sub: 'zhangsan' })).json().claims).toEqual({ sub: 'zhangsan', role: 'applicant' });
  });

  it('refuses claims the API would not accept, naming the field', async () => {
    const app = await appWith(loadApiConfig({}));
    const noDept = await post(app, { role: 'department' });
    expect(noDept.statusCode).toBe(400);
    expect(noDept.json()).toMatchObject({ error: 'bad_request', details: [{ field: 'body.dept' }] });
    expect((await post(app, { role: 'agent' })).statusCode).toBe(400);
    expect((await post(app, { role: 'root' })).statusCode).toBe(400);
    expect((await post(app, { role: 'applicant', admin: true })).statusCode).toBe(400);
  });

  it('does not exist when a real secret is configured', async () => {
    const app = await appWith(loadApiConfig({ AUTH_JWT_SECRET: 'a-production-secret-of-some-length' }));
    const res = await post(app, { role: 'coordinator' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('not_found');
  });
});

describe('the console at /console/', () => {
  it('serves the page and its modules, and / leads there', async () => {
    const app = await appWith(loadApiConfig({}));
    const page = await app.inject({ method: 'GET', url: '/console/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('一件事一次办');
    const script = await app.inject({ method: 'GET', url: '/console/screens/window.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/console/');
    expect((await app.inject({ method: 'GET', url: '/console/missing.js' })).statusCode).toBe(404);
  });
});

describe('GET /console/labels.js (issue #14 row 16)', () => {
  it('serves the decision kinds with the labels the server uses, which the API schema and the timeline take too', async () => {
    const app = await appWith(loadApiConfig({}));
    const res = await app.inject({ method: 'GET', url: '/console/labels.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    const served = JSON.parse(/export const DECISIONS = (\{.*\});/.exec(res.body)![1]!);
    expect(served).toEqual(DECISION_KINDS);
    expect(served.approve).toBe('准予');
    expect(DECISION_LABELS).toEqual(DECISION_KINDS);
    expect(DecisionBody.properties.decision.anyOf.map((s: { const: string }) => s.const)).toEqual(Object.keys(DECISION_KINDS));
    // The console takes them from there, never a copy of its own.
    expect(readFileSync(new URL('../../web/ui.js', import.meta.url), 'utf8')).toContain(
      "export { APP_STATUS, CHANNELS, DECISIONS, FINAL_APP, FINAL_ITEM, ITEM_STATUS } from './labels.js';",
    );
  });

  it('serves the status labels and the final statuses from the workflows’ own lists (issue #20)', async () => {
    const app = await appWith(loadApiConfig({}));
    const body = (await app.inject({ method: 'GET', url: '/console/labels.js' })).body;
    const served = (name: string) => JSON.parse(new RegExp(`export const ${name} = (.*);`).exec(body)![1]!);
    expect(Object.keys(served('ITEM_STATUS'))).toEqual([...ITEM_STATUSES]);
    expect(Object.keys(served('APP_STATUS'))).toEqual([...APPLICATION_STATUSES]);
    expect(served('FINAL_APP')).toEqual([...FINAL_STATUSES]);
    expect(served('FINAL_ITEM')).toEqual(['approved', 'rejected', 'cancelled']);
    expect(served('ITEM_STATUS').approved).toBe('已办结（准予）');
  });
});
