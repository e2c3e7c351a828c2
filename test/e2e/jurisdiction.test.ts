// Issue #13, jurisdiction over HTTP on the dev server and PostgreSQL: real identifiers, region codes
// checked against the divisions of GB/T 2260, items routed by the applicant's region to the
// competent office, department tokens scoped by region, and the lead rules of 5.2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newbornBody } from '../fixtures/applications.js';
import { testBundle, testItem } from '../fixtures/bundles.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

type Json = Record<string, any>;
type Headers = Record<string, string>;
const call = async (method: 'GET' | 'POST', url: string, headers: Headers = {}, payload?: unknown) => {
  const res = await sys.app.inject({ method, url, headers, payload: payload as object });
  return { status: res.statusCode, body: (res.headers['content-type']?.toString().includes('json') ? res.json() : res.body) as Json };
};
const province = bearer({ sub: 'coord-js', role: 'coordinator', region: '320000' });
const applicant = bearer({ sub: 'lisi', role: 'applicant', name: '李四' });
const officer = (dept: string, region?: string) =>
  bearer({ sub: `officer-${dept}-${region ?? 'all'}`, role: 'department', dept, post: 'A', ...(region ? { region } : {}) });

const item = testItem;

const bundle = testBundle;

const submission = (bundleCode: string, over: Json = {}) => ({
  bundleCode,
  channel: 'web',
  applicant: newbornBody.applicant,
  form: { childName: '李小四' },
  materials: [{ code: 'parent-id' }],
  ...over,
});

describe('identifiers: up to 64 characters of A–Z a–z 0–9 -', () => {
  it('publishes, routes and decides with an agency credit code, a regional code and an 实施编码', async () => {
    const def = bundle('JX-ids-1', {
      departments: [
        { code: '11320000014000019X', name: '江苏省公安厅' },
        { code: '320115-SJJ', name: '江宁区市场监督管理局' },
      ],
      leadDepartment: '11320000014000019X',
      items: [item('XK-320115-0001A', '320115-SJJ', { level: 'county' }), item('GA-0001', '11320000014000019X')],
    });
    const published = await call('POST', '/v1/bundles', province, def);
    expect(published.status, JSON.stringify(published.body)).toBe(201);

    const created = await call('POST', '/v1/applications', applicant, submission('JX-ids-1', { region: '320115' }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;

    const inbox = await waitFor(
      () => call('GET', '/v1/departments/320115-SJJ/tasks', officer('320115-SJJ')),
      (r) => r.body.tasks?.some((t: Json) => t.applicationId === id),
    );
    expect(inbox.status).toBe(200);
    const decided = await call('POST', `/v1/applications/${id}/items/XK-320115-0001A/decisions`, officer('320115-SJJ'), { decision: 'approve' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  });

  it('refuses codes outside the format, naming the field', async () => {
    for (const code of ['-gaj', 'ga j', 'ga_j', 'a'.repeat(65)]) {
      const res = await call('GET', `/v1/departments/${encodeURIComponent(code)}/tasks`, officer('gaj'));
      expect(res.status, code).toBe(400);
      expect(res.body.details.map((d: Json) => d.field)).toEqual(['params.dept']);
    }
  });
});

describe('regions are the divisions of GB/T 2260', () => {
  // An independent reference: 江苏省 has 13 prefecture-level cities and 95 county-level divisions.
  it('lists the province, its 13 cities and their 95 districts and counties', async () => {
    const res = await call('GET', '/v1/regions');
    expect(res.status).toBe(200);
    const regions: Json[] = res.body.regions;
    expect(regions.filter((r) => r.level === 'province')).toEqual([{ code: '320000', name: '江苏省', level: 'province', parent: null }]);
    expect(regions.filter((r) => r.level === 'city')).toHaveLength(13);
    expect(regions.filter((r) => r.level === 'county')).toHaveLength(95);
    expect(regions).toContainEqual({ code: '320115', name: '江宁区', level: 'county', parent: '320100' });
    expect(regions).toContainEqual({ code: '320382', name: '邳州市', level: 'county', parent: '320300' });
    expect(regions).toContainEqual({ code: '321300', name: '宿迁市', level: 'city', parent: '320000' });
  });

  it('refuses an unknown region wherever one is taken, naming the field', async () => {
    const fields = (r: { body: Json }) => r.body.details?.map((d: Json) => d.field);
    const unknownBundle = await call('POST', '/v1/bundles', province, bundle('jx-region-1', { region: '329999' }));
    expect(unknownBundle.status).toBe(400);
    expect(fields(unknownBundle)).toEqual(['body.region']);
    // Beijing is no division of this catalogue: a Jiangsu coordinator cannot publish there.
    const beijing = await call('POST', '/v1/bundles', bearer({ sub: 'c', role: 'coordinator' }), bundle('jx-region-2', { region: '110000' }));
    expect(beijing.status).toBe(400);
    expect(fields(beijing)).toEqual(['body.region']);

    expect((await call('POST', '/v1/bundles', province, bundle('jx-region-3'))).status).toBe(201);
    const unknownApplicant = await call('POST', '/v1/applications', applicant, submission('jx-region-3', { region: '329999' }));
    expect(unknownApplicant.status).toBe(400);
    expect(fields(unknownApplicant)).toEqual(['body.region']);

    const listing = await call('GET', '/v1/bundles?region=329999', applicant);
    expect(listing.status).toBe(400);
    expect(fields(listing)).toEqual(['querystring.region']);

    const devToken = await call('POST', '/v1/dev/tokens', {}, { role: 'department', dept: 'gaj', region: '329999' });
    expect(devToken.status).toBe(400);
    expect(fields(devToken)).toEqual(['body.region']);
    const signed = await call('GET', '/v1/departments/gaj/tasks', bearer({ sub: 'x', role: 'department', dept: 'gaj', region: '329999' }));
    expect(signed.status).toBe(401);
    expect(signed.body.message).toContain('329999');
  });

  it('takes a submission region only within the bundle’s region', async () => {
    const nanjing = bearer({ sub: 'coord-nj', role: 'coordinator', region: '320100' });
    expect((await call('POST', '/v1/bundles', nanjing, bundle('jx-region-4', { region: '320100' }))).status).toBe(201);
    const xuzhou = await call('POST', '/v1/applications', applicant, submission('jx-region-4', { region: '320311' }));
    expect(xuzhou.status).toBe(400);
    expect(xuzhou.body.details).toEqual([{ field: 'region', message: "is outside the bundle's region 320100" }]);
  });
});

describe('routing by the applicant’s region (属地)', () => {
  // A province-wide bundle: 户口 at the county police office, 医保 at the city, 出生医学证明 at the province.
  const routed = bundle('jx-route', {
    departments: [
      { code: 'wsjk', name: '卫生健康委员会' },
      { code: 'gaj', name: '公安局' },
      { code: 'ybj', name: '医疗保障局' },
    ],
    leadDepartment: 'wsjk',
    items: [item('birth', 'wsjk'), item('hukou', 'gaj', { level: 'county' }), item('insure', 'ybj', { level: 'city' })],
  });
  let id: string;
  const inboxHas = async (dept: string, region?: string) =>
    ((await call('GET', `/v1/departments/${dept}/tasks`, officer(dept, region))).body.tasks as Json[]).some((t) => t.applicationId === id);

  beforeAll(async () => {
    expect((await call('POST', '/v1/bundles', province, routed)).status).toBe(201);
    const missing = await call('POST', '/v1/applications', applicant, submission('jx-route'));
    expect(missing.status).toBe(400);
    expect(missing.body.details).toEqual([{ field: 'region', message: expect.stringContaining('事项hukou、事项insure') }]);
    const created = await call('POST', '/v1/applications', applicant, submission('jx-route', { region: '320115' }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    id = created.body.id;
    await waitFor(
      () => inboxHas('gaj'),
      (seen) => seen,
    );
  });

  it('stores the competent region on each item and shows it', async () => {
    const view = (await call('GET', `/v1/applications/${id}`, applicant)).body;
    expect(Object.fromEntries(view.items.map((i: Json) => [i.code, i.region]))).toEqual({ birth: '320000', hukou: '320115', insure: '320100' });
    const task = ((await call('GET', '/v1/departments/gaj/tasks', officer('gaj', '320115'))).body.tasks as Json[]).find((t) => t.applicationId === id);
    expect(task).toMatchObject({ item: 'hukou', region: '320115' });
  });

  it('the competent office and those above it see the item; the neighbouring county and another city do not', async () => {
    // [department, token region, sees]: 江宁 320115, 南京 320100 (covers 3201..), the province (no claim), 玄武 320102, 徐州 320300.
    const matrix: [string, string | undefined, boolean][] = [
      ['gaj', '320115', true],
      ['gaj', '320100', true],
      ['gaj', undefined, true],
      ['gaj', '320102', false],
      ['gaj', '320300', false],
      ['ybj', '320100', true],
      ['ybj', '320115', false], // the county office: 医保 is the city's
      ['ybj', '320300', false],
      ['wsjk', '320115', false], // a province item: no county office has it
      ['wsjk', '320000', true],
    ];
    for (const [dept, region, sees] of matrix) {
      const who = `${dept}@${region ?? 'province'}`;
      expect(await inboxHas(dept, region), who).toBe(sees);
      const read = await call('GET', `/v1/applications/${id}`, officer(dept, region));
      expect(read.status, who).toBe(sees ? 200 : 403);
      const listed = await call('GET', '/v1/applications?limit=100', officer(dept, region));
      expect(
        listed.body.applications.some((a: Json) => a.id === id),
        who,
      ).toBe(sees);
    }
  });

  it('only the competent office takes and decides; others are refused before the workflow', async () => {
    for (const region of ['320102', '320300']) {
      expect((await call('POST', `/v1/applications/${id}/items/hukou/take`, officer('gaj', region))).status, region).toBe(403);
      expect((await call('POST', `/v1/applications/${id}/items/hukou/decisions`, officer('gaj', region), { decision: 'approve' })).status, region).toBe(403);
      expect((await call('GET', `/v1/applications/${id}/items/hukou`, officer('gaj', region))).status, region).toBe(403);
    }
    // The city office reads its county's sheet but not the county item's only: 江宁 takes and decides.
    expect((await call('GET', `/v1/applications/${id}/items/hukou`, officer('gaj', '320115'))).status).toBe(200);
    expect((await call('POST', `/v1/applications/${id}/items/hukou/take`, officer('gaj', '320115'))).status).toBe(200);
    const decided = await call('POST', `/v1/applications/${id}/items/hukou/decisions`, officer('gaj', '320115'), { decision: 'approve' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.items.find((i: Json) => i.code === 'hukou').status).toBe('approved');
  });

  it('coordinators and statistics roll up by competent region', async () => {
    const listedBy = async (region: string) =>
      ((await call('GET', '/v1/applications?limit=100', bearer({ sub: `c-${region}`, role: 'coordinator', region }))).body.applications as Json[]).some(
        (a) => a.id === id,
      );
    expect(await listedBy('320100')).toBe(true); // 南京: the province bundle's items are decided in it
    expect(await listedBy('320115')).toBe(true); // 江宁: the 户口 item
    expect(await listedBy('320300')).toBe(false); // 徐州: nothing of it
    const itemsIn = async (dept: string, region: string) =>
      (await call('GET', `/v1/stats?bundle=jx-route`, officer(dept, region))).body.itemTotals.items as number;
    await waitFor(
      () => itemsIn('gaj', '320115'),
      (n) => n === 1,
    );
    expect(await itemsIn('gaj', '320102')).toBe(0);
    expect(await itemsIn('gaj', '320100')).toBe(1);
    // A coordinator's figures: the items decided in its region — 南京 the city's 医保 and 江宁's 户口, 江宁 only 户口, 徐州 none.
    const coordinatorItems = async (region: string) =>
      (await call('GET', '/v1/stats?bundle=jx-route', bearer({ sub: `c-${region}`, role: 'coordinator', region }))).body.itemTotals.items as number;
    expect([await coordinatorItems('320100'), await coordinatorItems('320115'), await coordinatorItems('320300'), await coordinatorItems('320000')]).toEqual([
      2, 1, 0, 3,
    ]);
    // Drilling down from the province: 南京, then 江宁; outside one's own region → 403.
    const drill = (region: string, who = province) => call('GET', `/v1/stats?bundle=jx-route&region=${region}`, who);
    expect((await drill('320100')).body).toMatchObject({ filters: { region: '320100' }, itemTotals: { items: 2 } });
    expect((await drill('320115')).body.itemTotals.items).toBe(1);
    expect((await drill('320300', bearer({ sub: 'c-nj', role: 'coordinator', region: '320100' }))).status).toBe(403);
    expect((await drill('329999')).status).toBe(400);
  });
});

describe('the lead department (5.2)', () => {
  const fields = (r: { body: Json }) => r.body.details?.map((d: Json) => d.field);
  it('first-item: the lead must have an item dispatched first', async () => {
    // b1 (gaj) waits for a1 (wsjk): only wsjk starts first.
    const def = bundle('jx-lead-1', { leadPrinciple: 'first-item', leadDepartment: 'gaj', items: [item('a1', 'wsjk'), item('b1', 'gaj', { after: ['a1'] })] });
    const refused = await call('POST', '/v1/bundles', province, def);
    expect(refused.status).toBe(400);
    expect(fields(refused)).toEqual(['leadDepartment']);
    expect((await call('POST', '/v1/bundles', province, { ...def, leadDepartment: 'wsjk' })).status).toBe(201);
  });

  it('key-item: the department of the item flagged key, one per bundle', async () => {
    const def = bundle('jx-lead-2', {
      leadPrinciple: 'key-item',
      items: [item('a1', 'wsjk', { legalDays: 20, committedDays: 10 }), item('b1', 'gaj', { key: true })],
    });
    const derived = await call('POST', '/v1/bundles', province, def);
    expect(derived.status, JSON.stringify(derived.body)).toBe(201);
    expect(derived.body).toMatchObject({ leadDepartment: 'gaj', leadPrinciple: 'key-item', leadDerived: true });
    const two = await call(
      'POST',
      '/v1/bundles',
      province,
      bundle('jx-lead-3', { ...def, code: 'jx-lead-3', items: [item('a1', 'wsjk', { key: true }), item('b1', 'gaj', { key: true })] }),
    );
    expect(two.status).toBe(400);
    expect(fields(two)).toEqual(['items[1].key']);
    const none = await call('POST', '/v1/bundles', province, bundle('jx-lead-4', { leadPrinciple: 'key-item' }));
    expect(none.status).toBe(400);
    expect(fields(none)).toEqual(['items']);
  });

  it('5.2.2: a bundle across levels has its lead designated by the upper level', async () => {
    const county = bearer({ sub: 'coord-jn', role: 'coordinator', region: '320115' });
    const city = bearer({ sub: 'coord-nj', role: 'coordinator', region: '320100' });
    // A 江宁 bundle whose 医保 item is the city's: the county may not designate its lead.
    const crossLevel = bundle('jx-lead-5', { region: '320115', leadDepartment: 'gaj', items: [item('a1', 'wsjk', { level: 'city' }), item('b1', 'gaj')] });
    const refused = await call('POST', '/v1/bundles', county, crossLevel);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('5.2.2');
    expect((await call('POST', '/v1/bundles', city, crossLevel)).status).toBe(201);
    // All at its own level: the county publishes it.
    expect((await call('POST', '/v1/bundles', county, bundle('jx-lead-6', { region: '320115', leadDepartment: 'gaj' }))).status).toBe(201);
  });
});

describe('joint procedures and cases by region (属地)', () => {
  let id: string;
  beforeAll(async () => {
    const def = bundle('jx-joint', {
      leadDepartment: 'wsjk',
      items: [item('j1', 'wsjk', { level: 'county' }), item('j2', 'gaj', { level: 'county' })],
      joint: [{ code: 'survey', kind: '联合踏勘', items: ['j1', 'j2'] }],
    });
    expect((await call('POST', '/v1/bundles', province, def)).status).toBe(201);
    const created = await call('POST', '/v1/applications', applicant, submission('jx-joint', { region: '320115' }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    id = created.body.id;
    await waitFor(
      () => call('GET', `/v1/applications/${id}`, applicant),
      (r) => r.body.items.every((i: Json) => i.status === 'in_review'),
    );
  });

  it('only the competent offices sign off and resolve', async () => {
    const signOff = (who: Headers) => call('POST', `/v1/applications/${id}/joint/survey/sign-offs`, who, { verdict: 'dissent', opinion: '现场不符' });
    expect((await signOff(officer('gaj', '320102'))).status).toBe(403);
    const signed = await signOff(officer('gaj', '320115'));
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    // The lead's 玄武 office may not resolve the dissent; its 江宁 office may.
    const resolve = (who: Headers) => call('POST', `/v1/applications/${id}/joint/survey/resolution`, who, { action: 'reconsider' });
    expect((await resolve(officer('wsjk', '320102'))).status).toBe(403);
    expect((await resolve(officer('wsjk', '320115'))).status).toBe(200);
  });

  it('lists a department office only the cases about its region’s items', async () => {
    const hotline = bearer({ sub: 'h-1', role: 'hotline' });
    const ticket = await call('POST', '/v1/tickets', hotline, { type: 'complaint', applicationNumber: id, item: 'j2', subject: '办理太慢' });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    const casesOf = async (region: string) =>
      ((await call('GET', '/v1/cases', officer('gaj', region))).body.cases as Json[]).some((c) => c.applicationId === id);
    await waitFor(
      () => casesOf('320115'),
      (listed) => listed,
    ); // the case's row follows the ticket's workflow
    expect(await casesOf('320100')).toBe(true);
    expect(await casesOf('320102')).toBe(false);
    expect((await call('GET', `/v1/tickets/${ticket.body.id}`, officer('gaj', '320102'))).status).toBe(403);
  });
});
