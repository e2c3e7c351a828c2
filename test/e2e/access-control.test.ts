// over HTTP: every route the app registers × every kind of caller, each cell's answer fixed in
// one table. The routes are read from the app itself: a route missing from the table fails the run,
// so a new route cannot skip access control. One real newborn application, submitted by an agent
// for its applicant, with a rectification (差评) and a 12345 ticket about its birth-cert item.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Claims } from '../../api/auth.js';
import { newborn } from '../../db/catalogue/newborn.js';
import { caseEvents } from '../../db/schema.js';
import { newbornBody } from '../fixtures/applications.js';
import { registeredRoutes, routeKey } from '../helpers/routes.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { rawToken, token } from '../helpers/tokens.js';

const CALLERS = {
  none: undefined,
  owner: { sub: 'ac-owner', role: 'applicant' },
  applicantForeign: { sub: 'ac-stranger', role: 'applicant' },
  /** Submitted the application for ac-owner under mandate WT-AC-1. */
  agent: { sub: 'ac-agent', role: 'agent', mandate: 'WT-AC-1' },
  agentNoMandate: { sub: 'ac-agent-2', role: 'agent' },
  /** The same agent under another applicant's mandate: outside the one it submitted under. */
  agentOtherMandate: { sub: 'ac-agent', role: 'agent', mandate: 'WT-AC-2' },
  window: { sub: 'ac-window', role: 'window' },
  /** 卫健委: owns birth-cert, the item the rectification and the ticket are about, and leads the bundle. */
  dept: { sub: 'ac-wsjk', role: 'department', dept: 'wsjk', post: 'A' },
  /** 公安局: has the hukou item of the same application, not birth-cert. */
  deptSibling: { sub: 'ac-gaj', role: 'department', dept: 'gaj', post: 'A' },
  /** 民政局: no item in the application at all. */
  deptForeign: { sub: 'ac-mzj', role: 'department', dept: 'mzj', post: 'A' },
  coordProvince: { sub: 'ac-coord-js', role: 'coordinator', region: '320000' },
  /** 苏州: the newborn bundle is province-wide (320000), so not this region's. */
  coordCity: { sub: 'ac-coord-sz', role: 'coordinator', region: '320500' },
  hotline: { sub: 'ac-12345', role: 'hotline' },
  /** An integration (共享交换): posts life events, reads and acts on nothing else. */
  system: { sub: 'ac-exchange', role: 'system' },
  /** The province's coordinator, signed without exp: refused like no token at all. */
  noExp: { sub: 'ac-coord-js', role: 'coordinator', region: '320000' },
} satisfies Record<string, Claims | undefined>;
type Caller = keyof typeof CALLERS;
const CALLER_NAMES = Object.keys(CALLERS) as Caller[];

/**
 * A number: exactly that status. `allowed`: past every access check — any answer below 500 but
 * 401, 403 and 404 (the body or the state may still refuse: 400, 409). `public`: below 400.
 */
type Expect = 200 | 201 | 204 | 401 | 403 | 404 | 409 | 'allowed' | 'public';
type Cells = Record<Caller, Expect>;

const everyone = (e: Expect): Cells => Object.fromEntries(CALLER_NAMES.map((c) => [c, e])) as Cells;
/** Any signed-in person gets `e`, except where `cells` says otherwise; no token: 401; an integration (system): 403. */
const signedIn = (e: Expect, cells: Partial<Cells> = {}): Cells => ({ ...everyone(e), none: 401, noExp: 401, system: 403, ...cells });
/** Only the callers named; every other signed-in caller 403, no token 401. */
const only = (cells: Partial<Cells>): Cells => signedIn(403, cells);

/** Reading one application: applicants and agents never learn that someone else's exists (404). */
const SEES_APPLICATION: Cells = signedIn(200, {
  applicantForeign: 404,
  agentNoMandate: 404,
  agentOtherMandate: 404,
  deptForeign: 403,
  coordCity: 403,
});
/** Acting on one application as applicant, agent or window. */
const APPLICANT_SIDE: Cells = only({
  owner: 'allowed',
  applicantForeign: 404,
  agent: 'allowed',
  agentNoMandate: 404,
  agentOtherMandate: 404,
  window: 'allowed',
});

interface Ids {
  app: string;
  rectification: string;
  ticket: string;
}
interface Row {
  url: (ids: Ids) => string;
  /** The body sent, or what each caller sends (window staff submit as `window`). */
  body?: unknown | ((caller: Caller) => unknown);
  expect: Cells;
  /** List routes: who must find the application (or its cases) in the answer, and who must not. */
  sees?: { ids: (ids: Ids) => string[]; must: Caller[]; mustNot: Caller[] };
  /** What must have happened before the row is tried (the withdrawal ends once its items are cancelled). */
  before?: () => Promise<unknown>;
}

const PROBE_BUNDLE = { ...newborn, code: 'ac-probe', name: '访问控制测试' };
const RETIRE_BUNDLE = { ...newborn, code: 'ac-retire', name: '访问控制测试（停用）' };

/** Execution order matters for the cells that change state: reads first, then acting, withdrawal last. */
const TABLE: [string, Row][] = [
  ['GET /healthz', { url: () => '/healthz', expect: everyone(200) }],
  ['GET /metrics', { url: () => '/metrics', expect: everyone(200) }],
  ['GET /console/labels.js', { url: () => '/console/labels.js', expect: everyone(200) }],
  ['GET /', { url: () => '/', expect: everyone('public') }],
  ['GET /*', { url: () => '/console/index.html', expect: everyone('public') }],
  ['GET /docs', { url: () => '/docs', expect: everyone('public') }],
  ['GET /docs/', { url: () => '/docs/', expect: everyone('public') }],
  ['GET /docs/static/index.html', { url: () => '/docs/static/index.html', expect: everyone('public') }],
  ['GET /docs/static/swagger-initializer.js', { url: () => '/docs/static/swagger-initializer.js', expect: everyone('public') }],
  ['GET /docs/*', { url: () => '/docs/static/swagger-ui.css', expect: everyone('public') }],
  ['GET /docs/json', { url: () => '/docs/json', expect: everyone('public') }],
  ['GET /docs/yaml', { url: () => '/docs/yaml', expect: everyone('public') }],
  ['OPTIONS /codec/:op', { url: () => '/codec/decode', expect: everyone(204) }],
  // The Web UI's endpoint: the token in the path decides, whatever the caller sends (an operator's here).
  ['OPTIONS /codec/ui/:token/:op', { url: () => `/codec/ui/${token(CALLERS.coordProvince)}/decode`, expect: everyone(204) }],
  ['POST /codec/ui/:token/encode', { url: () => `/codec/ui/${token(CALLERS.coordProvince)}/encode`, body: { payloads: [] }, expect: everyone(200) }],
  ['POST /codec/ui/:token/decode', { url: () => `/codec/ui/${token(CALLERS.window)}/decode`, body: { payloads: [] }, expect: everyone(403) }],
  ['POST /codec/encode', { url: () => '/codec/encode', body: { payloads: [] }, expect: only({ coordProvince: 200, coordCity: 200 }) }],
  ['POST /codec/decode', { url: () => '/codec/decode', body: { payloads: [] }, expect: only({ coordProvince: 200, coordCity: 200 }) }],
  // The console's demo login exists only with the development secret, which the test system uses.
  ['POST /v1/dev/tokens', { url: () => '/v1/dev/tokens', body: { role: 'applicant' }, expect: everyone(200) }],

  ['GET /v1/bundles', { url: () => '/v1/bundles', expect: signedIn(200) }],
  ['GET /v1/regions', { url: () => '/v1/regions', expect: everyone(200) }],
  ['GET /v1/certificates', { url: () => '/v1/certificates', expect: only({ owner: 200, applicantForeign: 200 }) }],
  [
    'GET /v1/certificates/:id',
    { url: () => '/v1/certificates/ac-none', expect: only({ owner: 404, applicantForeign: 404, dept: 404, deptSibling: 404, deptForeign: 404 }) },
  ],
  ['GET /v1/bundles/:code', { url: () => '/v1/bundles/newborn', expect: signedIn(200) }],
  [
    'POST /v1/events',
    {
      url: () => '/v1/events',
      body: {
        id: 'AC-EVENT-1',
        type: 'death-registered',
        occurredAt: '2026-12-01T08:00:00+08:00',
        subject: { kind: 'person', idNumber: '320681198505051229', name: '王芳', account: 'ac-owner' },
        data: {},
      },
      expect: only({ system: 201 }),
    },
  ],
  ['GET /v1/bundles/:code/guide', { url: () => '/v1/bundles/newborn/guide?insured=true', expect: everyone(200) }],
  ['POST /v1/bundles', { url: () => '/v1/bundles', body: PROBE_BUNDLE, expect: only({ coordProvince: 201, coordCity: 403 }) }],
  ['POST /v1/bundles/:code/retire', { url: () => '/v1/bundles/ac-retire/retire', expect: only({ coordProvince: 200, coordCity: 403 }) }],
  ['GET /v1/calendar/:year', { url: () => '/v1/calendar/2026', expect: signedIn(200) }],
  // One calendar for the whole province: a city's coordinator may not rewrite everyone's deadlines.
  [
    'PUT /v1/calendar/:year',
    { url: () => '/v1/calendar/2099', body: { holidays: ['2099-01-01'], workdays: [] }, expect: only({ coordProvince: 200, coordCity: 403 }) },
  ],

  [
    'GET /v1/applications',
    {
      url: () => '/v1/applications',
      expect: signedIn(200),
      sees: {
        ids: (ids) => [ids.app],
        must: ['owner', 'agent', 'window', 'dept', 'deptSibling', 'coordProvince', 'hotline'],
        mustNot: ['applicantForeign', 'agentNoMandate', 'deptForeign', 'coordCity'],
      },
    },
  ],
  ['GET /v1/applications/:id', { url: (ids) => `/v1/applications/${ids.app}`, expect: SEES_APPLICATION }],
  ['GET /v1/applications/:id/receipt', { url: (ids) => `/v1/applications/${ids.app}/receipt`, expect: SEES_APPLICATION }],
  ['GET /v1/applications/:id/history', { url: (ids) => `/v1/applications/${ids.app}/history`, expect: SEES_APPLICATION }],
  // The review sheet: a department only its own item (need to know); 公安局 has another item of it.
  ['GET /v1/applications/:id/items/:item', { url: (ids) => `/v1/applications/${ids.app}/items/birth-cert`, expect: { ...SEES_APPLICATION, deptSibling: 403 } }],
  [
    'GET /v1/applications/:id/audit',
    {
      url: (ids) => `/v1/applications/${ids.app}/audit`,
      expect: { ...SEES_APPLICATION, owner: 403, applicantForeign: 403, agent: 403, agentNoMandate: 403, agentOtherMandate: 403 },
    },
  ],
  [
    'GET /v1/hotline/applications/:id',
    { url: (ids) => `/v1/hotline/applications/${ids.app}`, expect: only({ hotline: 200, coordProvince: 200, coordCity: 403 }) },
  ],
  [
    'GET /v1/departments/:dept/tasks',
    {
      url: () => '/v1/departments/wsjk/tasks',
      expect: only({ dept: 200, coordProvince: 200, coordCity: 200 }),
      sees: { ids: (ids) => [ids.app], must: ['dept', 'coordProvince'], mustNot: ['coordCity'] },
    },
  ],
  ['GET /v1/stats', { url: () => '/v1/stats', expect: only({ dept: 200, deptSibling: 200, deptForeign: 200, coordProvince: 200, coordCity: 200 }) }],
  [
    'GET /v1/cases',
    {
      url: () => '/v1/cases',
      expect: only({ dept: 200, deptSibling: 200, deptForeign: 200, coordProvince: 200, coordCity: 200, hotline: 200 }),
      sees: { ids: (ids) => [ids.rectification, ids.ticket], must: ['dept', 'coordProvince', 'hotline'], mustNot: ['deptSibling', 'deptForeign', 'coordCity'] },
    },
  ],
  [
    'GET /v1/rectifications/:id',
    {
      url: (ids) => `/v1/rectifications/${ids.rectification}`,
      expect: only({ owner: 200, applicantForeign: 404, dept: 200, coordProvince: 200, hotline: 200 }),
    },
  ],
  ['GET /v1/tickets/:id', { url: (ids) => `/v1/tickets/${ids.ticket}`, expect: only({ dept: 200, coordProvince: 200, hotline: 200 }) }],

  [
    'POST /v1/applications',
    {
      url: () => '/v1/applications',
      body: (caller: Caller) => ({ ...newbornBody, channel: caller === 'window' ? 'window' : 'web' }),
      expect: only({ owner: 201, applicantForeign: 201, agent: 201, agentOtherMandate: 201, window: 201 }),
    },
  ],
  ['POST /v1/applications/:id/items/:item/take', { url: (ids) => `/v1/applications/${ids.app}/items/birth-cert/take`, expect: only({ dept: 200 }) }],
  [
    'POST /v1/applications/:id/items/:item/decisions',
    { url: (ids) => `/v1/applications/${ids.app}/items/birth-cert/decisions`, body: { decision: 'approve' }, expect: only({ dept: 200 }) },
  ],
  [
    'POST /v1/applications/:id/items/:item/post-check',
    // birth-cert was not granted on a commitment (告知承诺): nothing to check, but only its department may try.
    { url: (ids) => `/v1/applications/${ids.app}/items/birth-cert/post-check`, body: { outcome: 'confirmed' }, expect: only({ dept: 409 }) },
  ],
  [
    'POST /v1/applications/:id/joint/:code/sign-offs',
    // newborn has no joint procedure: a department of the application gets past access and is refused on the merits.
    // The probe application has no joint procedure: an unknown one is 404 to those who may see it.
    { url: (ids) => `/v1/applications/${ids.app}/joint/joint-inspection/sign-offs`, body: {}, expect: only({ dept: 404, deptSibling: 404 }) },
  ],
  [
    'POST /v1/applications/:id/joint/:code/resolution',
    {
      url: (ids) => `/v1/applications/${ids.app}/joint/joint-inspection/resolution`,
      body: { action: 'reconsider' },
      expect: only({ dept: 404, deptSibling: 404 }),
    },
  ],
  [
    'POST /v1/applications/:id/delivery',
    { url: (ids) => `/v1/applications/${ids.app}/delivery`, body: { event: 'shipped' }, expect: only({ window: 'allowed' }) },
  ],
  [
    'POST /v1/applications/:id/supplements',
    { url: (ids) => `/v1/applications/${ids.app}/supplements`, body: { materials: [{ code: 'parent-id' }] }, expect: APPLICANT_SIDE },
  ],

  // The rectification walks its whole course: 核实 → 整改 → 答复 → 回访 (dissatisfied) → 申诉 → 复核.
  ['POST /v1/rectifications/:id/check', { url: (ids) => `/v1/rectifications/${ids.rectification}/check`, body: { text: '核实' }, expect: only({ dept: 200 }) }],
  [
    'POST /v1/rectifications/:id/rectify',
    { url: (ids) => `/v1/rectifications/${ids.rectification}/rectify`, body: { text: '整改', outcome: 'immediate' }, expect: only({ dept: 200 }) },
  ],
  ['POST /v1/rectifications/:id/reply', { url: (ids) => `/v1/rectifications/${ids.rectification}/reply`, body: { text: '答复' }, expect: only({ dept: 200 }) }],
  [
    'POST /v1/rectifications/:id/return-visit',
    // The province's coordinator closes it; the hotline comes too late (409); 苏州 is not asked (403).
    {
      url: (ids) => `/v1/rectifications/${ids.rectification}/return-visit`,
      body: { text: '回访', satisfied: false },
      expect: only({ coordProvince: 200, coordCity: 403, hotline: 409 }),
    },
  ],
  [
    'POST /v1/rectifications/:id/appeal',
    { url: (ids) => `/v1/rectifications/${ids.rectification}/appeal`, body: { text: '申诉' }, expect: only({ owner: 200, applicantForeign: 404 }) },
  ],
  [
    'POST /v1/rectifications/:id/appeal-decision',
    {
      url: (ids) => `/v1/rectifications/${ids.rectification}/appeal-decision`,
      body: { text: '复核维持' },
      expect: only({ coordProvince: 200, coordCity: 403 }),
    },
  ],
  // Too late for the department's own appeal (部门申诉) once it has rectified: 409 to those who may take it.
  [
    'POST /v1/rectifications/:id/dispute',
    { url: (ids) => `/v1/rectifications/${ids.rectification}/dispute`, body: { text: '差评与事实不符' }, expect: only({ dept: 409 }) },
  ],
  [
    'POST /v1/rectifications/:id/dispute-decision',
    {
      url: (ids) => `/v1/rectifications/${ids.rectification}/dispute-decision`,
      body: { text: '裁定', upheld: true },
      expect: only({ coordProvince: 409, coordCity: 403 }),
    },
  ],

  ['POST /v1/tickets', { url: () => '/v1/tickets', body: { type: 'consultation', subject: '咨询', department: 'wsjk' }, expect: only({ hotline: 201 }) }],
  ['POST /v1/tickets/:id/reply', { url: (ids) => `/v1/tickets/${ids.ticket}/reply`, body: { text: '已答复' }, expect: only({ dept: 200 }) }],
  [
    'POST /v1/tickets/:id/close',
    {
      url: (ids) => `/v1/tickets/${ids.ticket}/close`,
      body: { satisfied: true, note: '回访' },
      expect: only({ coordProvince: 200, coordCity: 403, hotline: 409 }),
    },
  ],

  // 受理审查 is the window's alone; this application was accepted at once, so the review finds nothing to review.
  [
    'POST /v1/applications/:id/intake-review',
    { url: (ids) => `/v1/applications/${ids.app}/intake-review`, body: { decision: 'accept' }, expect: only({ window: 409 }) },
  ],
  // 政策服务免申办: only a proposed application is confirmed or declined (this one was submitted: 409).
  [
    'POST /v1/applications/:id/confirm',
    { url: (ids) => `/v1/applications/${ids.app}/confirm`, body: { materials: [] }, expect: only({ owner: 409, applicantForeign: 404, window: 409 }) },
  ],
  [
    'POST /v1/applications/:id/decline',
    { url: (ids) => `/v1/applications/${ids.app}/decline`, body: {}, expect: only({ owner: 409, applicantForeign: 404, window: 409 }) },
  ],
  // Last: the owner withdraws (the agent's and the window's repeats find it withdrawn already).
  [
    'POST /v1/applications/:id/withdraw',
    { url: (ids) => `/v1/applications/${ids.app}/withdraw`, body: { reason: '不再需要' }, expect: { ...APPLICANT_SIDE, owner: 200 } },
  ],
  [
    'POST /v1/applications/:id/evaluation',
    // Ended, so the applicant rates online; the window rated its visit already (one each: 409).
    {
      url: (ids) => `/v1/applications/${ids.app}/evaluation`,
      body: { rating: 4 },
      expect: only({ owner: 201, applicantForeign: 404, window: 409 }),
      before: () =>
        waitFor(
          () => call('owner', 'GET', `/v1/applications/${ids.app}`),
          (r) => (r.body as { status?: string }).status === 'withdrawn',
        ),
    },
  ],
];

let sys: TestSystem;
const ids: Ids = { app: '', rectification: '', ticket: '' };
const headersOf = (caller: Caller): Record<string, string> => {
  const claims = CALLERS[caller];
  if (!claims) return {};
  return { authorization: `Bearer ${caller === 'noExp' ? rawToken({ ...claims }) : token(claims)}` };
};
const call = async (caller: Caller, method: string, url: string, body?: unknown) => {
  const res = await sys.app.inject({ method: method as 'GET', url, headers: headersOf(caller), ...(body === undefined ? {} : { payload: body as object }) });
  const json = res.headers['content-type']?.toString().startsWith('application/json') ? (res.json() as unknown) : undefined;
  return { status: res.statusCode, body: json, text: res.body };
};
const mentions = (body: unknown, id: string) => JSON.stringify(body ?? null).includes(id);

beforeAll(async () => {
  sys = await startSystem();
  const submitted = await call('agent', 'POST', '/v1/applications', { ...newbornBody, applicantAccount: 'ac-owner' });
  expect(submitted.status).toBe(201);
  ids.app = (submitted.body as { id: string }).id;
  await waitFor(
    async () => (await call('owner', 'GET', `/v1/applications/${ids.app}`)).body as { status: string; items: { code: string; status: string }[] },
    (a) => a.status === 'in_review' && a.items.some((i) => i.code === 'birth-cert' && i.status === 'in_review') && a.items.some((i) => i.code === 'hukou'),
  );
  expect((await call('coordProvince', 'POST', '/v1/bundles', RETIRE_BUNDLE)).status).toBe(201);
  // The window serves the applicant (a supplement handed in there), and the visit rated 非常不满意
  // opens a rectification for birth-cert's department at once.
  expect((await call('window', 'POST', `/v1/applications/${ids.app}/supplements`, { materials: [{ code: 'child-photo' }] })).status).toBe(200);
  await waitFor(
    () => sys.db.db.select().from(caseEvents).where(eq(caseEvents.applicationId, ids.app)),
    (rows) => rows.some((r) => r.kind === 'supplement'),
  );
  const rated = await call('window', 'POST', `/v1/applications/${ids.app}/evaluation`, { rating: 1, item: 'birth-cert', comment: '测试' });
  expect(rated.status).toBe(201);
  ids.rectification = (rated.body as { rectification: { id: string } }).rectification.id;
  const ticket = await call('hotline', 'POST', '/v1/tickets', { type: 'complaint', subject: '办理慢', applicationNumber: ids.app, item: 'birth-cert' });
  expect(ticket.status).toBe(201);
  ids.ticket = (ticket.body as { id: string }).id;
  // The read model catches up: listings must show the application and the cases to those who may see them.
  await waitFor(
    () => call('owner', 'GET', '/v1/applications'),
    (r) => mentions(r.body, ids.app),
  );
  await waitFor(
    () => call('dept', 'GET', '/v1/departments/wsjk/tasks'),
    (r) => mentions(r.body, ids.app),
  );
  await waitFor(
    () => call('coordProvince', 'GET', '/v1/cases'),
    (r) => mentions(r.body, ids.rectification) && mentions(r.body, ids.ticket),
  );
});
afterAll(async () => sys?.stop());

const tableKeys = TABLE.map(([key]) => key);

describe('access control', () => {
  it('has a row for every route the app registers, and none for a route it does not', () => {
    const registered = registeredRoutes(sys.app);
    // HEAD is answered by the GET route's handler and hooks: covered by the GET row.
    const keys = registered.filter((r) => !(r.method === 'HEAD' && tableKeys.includes(`GET ${r.url}`))).map(routeKey);
    expect(registered.length).toBeGreaterThan(40);
    expect(new Set(tableKeys).size, 'a route listed twice').toBe(tableKeys.length);
    expect(
      keys.filter((k) => !tableKeys.includes(k)),
      'routes without a row in the access table',
    ).toEqual([]);
    expect(
      tableKeys.filter((k) => !keys.includes(k)),
      'rows for routes the app does not register',
    ).toEqual([]);
  });

  /** Strings that look like an instant (a date, then a time) but are not ISO 8601 with an offset. */
  function nonIsoInstants(value: unknown, found: string[] = []): string[] {
    if (typeof value === 'string') {
      if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(value) && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(value))
        found.push(value);
    } else if (Array.isArray(value)) value.forEach((v) => nonIsoInstants(v, found));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => nonIsoInstants(v, found));
    return found;
  }

  it('answers every route × caller as the table says, with the error body on every refusal', async () => {
    const wrong: string[] = [];
    let cells = 0;
    for (const [key, row] of TABLE) {
      const method = key.split(' ')[0]!;
      const url = row.url(ids);
      await row.before?.();
      for (const caller of CALLER_NAMES) {
        const res = await call(caller, method, url, typeof row.body === 'function' ? row.body(caller) : row.body);
        cells += 1;
        const want = row.expect[caller];
        const ok = want === 'allowed' ? res.status < 500 && ![401, 403, 404].includes(res.status) : want === 'public' ? res.status < 400 : res.status === want;
        if (!ok) wrong.push(`${key} as ${caller}: ${res.status} (expected ${want}) ${res.text.slice(0, 160)}`);
        if (res.status >= 400) {
          const body = res.body as Record<string, unknown> | undefined;
          const shaped =
            !!body &&
            typeof body.error === 'string' &&
            typeof body.message === 'string' &&
            (body.details === undefined || Array.isArray(body.details)) &&
            Object.keys(body).every((k) => ['error', 'message', 'details'].includes(k));
          if (!shaped) wrong.push(`${key} as ${caller}: ${res.status} without the error body: ${res.text.slice(0, 160)}`);
        }
        // Issue #14 row 11: every instant in every answer is ISO 8601 with its offset.
        for (const bad of nonIsoInstants(res.body)) wrong.push(`${key} as ${caller}: a timestamp not in ISO 8601 with offset: ${bad}`);
        if (row.sees && res.status === 200) {
          const found = row.sees.ids(ids).some((id) => mentions(res.body, id));
          if (row.sees.must.includes(caller) && !found) wrong.push(`${key} as ${caller}: does not list what it may see`);
          if (row.sees.mustNot.includes(caller) && found) wrong.push(`${key} as ${caller}: lists what it may not see`);
        }
      }
    }
    console.log(`access control: ${TABLE.length} routes × ${CALLER_NAMES.length} callers = ${cells} cells checked, ${wrong.length} wrong`);
    expect(wrong).toEqual([]);
  });

  it('answers a foreign applicant or agent alike for a real and a never-issued application (no existence leak)', async () => {
    const ghost = 'YJS20990101ZZZZZZ';
    const appRoutes = TABLE.filter(([key]) => key.includes('/applications/:id'));
    let compared = 0;
    for (const [key, row] of appRoutes) {
      const method = key.split(' ')[0]!;
      for (const caller of ['applicantForeign', 'agentNoMandate', 'agentOtherMandate'] as const) {
        const real = await call(caller, method, row.url(ids), row.body);
        const fake = await call(caller, method, row.url({ ...ids, app: ghost }), row.body);
        expect({ key, caller, status: real.status, error: (real.body as { error?: string })?.error }).toEqual({
          key,
          caller,
          status: fake.status,
          error: (fake.body as { error?: string })?.error,
        });
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});
