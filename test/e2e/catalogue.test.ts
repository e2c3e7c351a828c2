// The catalogue over HTTP: publishing versions, region scope, retiring, the public
// guide, the calendar — and the durability rule: an application keeps the version it started with.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newborn } from '../../db/catalogue/newborn.js';
import { applications } from '../../db/schema.js';
import type { BundleDefinition, ItemDefinition } from '../../workflows/shared/bundle.js';
import { shanghaiDate } from '../../workflows/shared/working-days.js';
import { newbornBody } from '../fixtures/applications.js';
import { testBundle, testItem } from '../fixtures/bundles.js';
import { decodePageQr } from '../helpers/qr.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

const province = bearer({ sub: 'coord-js', role: 'coordinator' });
const nanjing = bearer({ sub: 'coord-nj', role: 'coordinator', region: '320100' });
const applicant = bearer({ sub: 'zhangsan', role: 'applicant', name: '张三' });

type Headers = Record<string, string>;
const call = async (method: 'GET' | 'POST' | 'PUT', url: string, headers: Headers = {}, payload?: unknown) => {
  const res = await sys.app.inject({ method, url, headers, payload: payload as object });
  return { status: res.statusCode, body: res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : res.body, res };
};
const publish = (definition: unknown, headers: Headers = province) => call('POST', '/v1/bundles', headers, definition);
const codesOf = (list: { code: string }[]) => list.map((x) => x.code);
const getApp = async (id: string) => (await call('GET', `/v1/applications/${id}`, applicant)).body;
const statuses = (app: { items: { code: string; status: string }[] }) => Object.fromEntries(app.items.map((i) => [i.code, i.status]));
const approve = async (id: string, item: string, department: string) =>
  expect((await call('POST', `/v1/applications/${id}/items/${item}/decisions`, dept(department), { decision: 'approve' })).status).toBe(200);

const item = (code: string, department: string, after: string[] = [], over: Partial<ItemDefinition> = {}): ItemDefinition =>
  testItem(code, department, { after, ...over });

/** A small publishable bundle: 卫健 first, then 公安. */
const small = (code: string, over: Partial<BundleDefinition> = {}): BundleDefinition =>
  testBundle(code, { leadDepartment: 'wsjk', items: [item('a', 'wsjk'), item('b', 'gaj', ['a'])], ...over });

const smallApplication = (bundleCode: string) => ({
  bundleCode,
  channel: 'web',
  applicant: newbornBody.applicant,
  form: { childName: '张小三' },
  materials: [{ code: 'parent-id' }],
});

describe('publishing bundle definitions', () => {
  it('refuses a cycle in after, naming it', async () => {
    const res = await publish(small('test-cycle', { items: [item('a', 'wsjk', ['c']), item('b', 'gaj', ['a']), item('c', 'gaj', ['b'])] }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining('test-cycle') });
    expect(res.body.details).toEqual([{ field: 'items[1].after[0]', message: 'cycle in after: a → c → b → a' }]);
    expect((await call('GET', '/v1/bundles/test-cycle', province)).status).toBe(404); // nothing stored
  });

  it('refuses unknown references with one detail each', async () => {
    const res = await publish(
      small('test-unknown', {
        departments: [{ code: 'wsjk', name: '卫生健康委员会' }],
        items: [
          item('a', 'wsjk', ['ghost'], { materials: [{ code: 'nope', required: true, deferrable: false }], fields: ['noField'] }),
          item('b', 'xyz', ['a']),
        ],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { field: 'items[0].materials[0].code', message: "unknown material 'nope'" },
      { field: 'items[0].fields[0]', message: "unknown field 'noField'" },
      { field: 'items[0].after[0]', message: "unknown item 'ghost'" },
      { field: 'items[1].department', message: "unknown department 'xyz'" },
    ]);
  });

  it('refuses a bad shape before looking inside, naming each field', async () => {
    const res = await publish({ ...small('Bad Code'), region: '32', extra: 1, departments: [{ code: 'ws_jk', name: '卫健' }] });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['body.extra', 'body.code', 'body.region', 'body.departments.0.code']);
  });

  it('numbers versions: 201 v1, identical re-publish 200 created:false, a change v2; v1 stays readable', async () => {
    const v1 = await publish(small('test-versions'));
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ code: 'test-versions', version: 1, created: true, leadDepartment: 'wsjk', leadDerived: false });
    const again = await publish(small('test-versions'));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: 1, created: false });
    const v2 = await publish(small('test-versions', { name: '测试一件事（第二版）' }));
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, created: true, name: '测试一件事（第二版）' });

    expect((await call('GET', '/v1/bundles/test-versions?version=1', applicant)).body).toMatchObject({ version: 1, name: '测试一件事 test-versions' });
    expect((await call('GET', '/v1/bundles/test-versions', applicant)).body).toMatchObject({ version: 2, name: '测试一件事（第二版）' });
    const listed = (await call('GET', '/v1/bundles', applicant)).body.bundles.find((b: { code: string }) => b.code === 'test-versions');
    expect(listed).toMatchObject({ version: 2, items: 2 });
  });

  it('derives the lead department when absent, and says so', async () => {
    // 首个办理事项部门负责: the first item waiting for no other is 'a' (卫健), though 'b' is listed first.
    const definition = small('test-lead', { items: [item('b', 'gaj', ['a']), item('a', 'wsjk')] });
    delete definition.leadDepartment;
    const res = await publish(definition);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ leadDepartment: 'wsjk', leadPrinciple: 'first-item', leadDerived: true, version: 1 });
    expect((await call('GET', '/v1/bundles/test-lead', province)).body).toMatchObject({ leadDepartment: 'wsjk', leadPrinciple: 'first-item' });
    // The same definition again is the same stored version.
    expect((await publish(definition)).body).toMatchObject({ version: 1, created: false, leadDerived: true });
  });

  it('lets only coordinators publish, and only for regions they cover', async () => {
    expect((await publish(small('test-roles'), applicant)).status).toBe(403);
    expect((await publish(small('test-roles'), dept('wsjk'))).status).toBe(403);
    expect((await publish(small('test-roles'))).status).toBe(201);

    const elsewhere = await publish(small('test-suzhou', { region: '320500' }), nanjing);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error).toBe('forbidden');
    // Nor may a city take over a province-wide bundle by re-publishing it as its own.
    expect((await publish({ ...newborn, region: '320100' }, nanjing)).status).toBe(403);
    expect((await publish(small('test-nanjing', { region: '320100' }), nanjing)).status).toBe(201);
  });
});

describe('region scope (R-1.4)', () => {
  beforeAll(async () => {
    expect((await publish(small('test-xuanwu', { region: '320102' }), nanjing)).status).toBe(201);
  });
  const listed = async (url: string, headers: Headers) => codesOf((await call('GET', url, headers)).body.bundles);

  it('shows a province coordinator and other users every bundle', async () => {
    for (const headers of [province, applicant, dept('wsjk')]) {
      expect(await listed('/v1/bundles', headers)).toEqual(expect.arrayContaining(['newborn', 'utilities', 'test-xuanwu']));
    }
  });

  it('shows a city coordinator the province’s and its own city’s bundles, not its counties’', async () => {
    const codes = await listed('/v1/bundles', nanjing);
    expect(codes).toEqual(expect.arrayContaining(['newborn', 'restaurant', 'utilities']));
    expect(codes).not.toContain('test-xuanwu');
    expect(codes).toEqual(await listed('/v1/bundles?region=320100', applicant));
  });

  it('lists by ?region= for anyone: a county adds its city’s and its own', async () => {
    expect(await listed('/v1/bundles?region=320102', applicant)).toEqual(expect.arrayContaining(['newborn', 'utilities', 'test-xuanwu']));
    const suzhou = await listed('/v1/bundles?region=320500', nanjing);
    expect(suzhou).toContain('newborn');
    expect(suzhou).not.toContain('utilities');
    expect(suzhou).not.toContain('test-xuanwu');
    expect(await listed('/v1/bundles?region=320000', applicant)).not.toContain('utilities');
    const bad = await call('GET', '/v1/bundles?region=32', applicant);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('querystring.region');
  });
});

describe('retiring a bundle', () => {
  it('refuses new applications (409) while a running one completes', async () => {
    expect((await publish(small('test-retire'))).status).toBe(201);
    const running = await call('POST', '/v1/applications', applicant, smallApplication('test-retire'));
    expect(running.status).toBe(201);
    const id: string = running.body.id;

    expect((await call('POST', '/v1/bundles/test-retire/retire', applicant)).status).toBe(403);
    expect((await call('POST', '/v1/bundles/test-retire/retire', nanjing)).status).toBe(403); // a province-wide bundle
    expect((await call('POST', '/v1/bundles/no-such-bundle/retire', province)).status).toBe(404);
    const retired = await call('POST', '/v1/bundles/test-retire/retire', province);
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ code: 'test-retire', versions: 1, retiredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    // Retiring again keeps the first retirement.
    expect((await call('POST', '/v1/bundles/test-retire/retire', province)).body.retiredAt).toBe(retired.body.retiredAt);

    const refused = await call('POST', '/v1/applications', applicant, smallApplication('test-retire'));
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('conflict');
    expect(codesOf((await call('GET', '/v1/bundles', province)).body.bundles)).not.toContain('test-retire');
    expect((await call('GET', '/v1/bundles/test-retire', province)).body).toMatchObject({ version: 1, retired: true });

    await waitFor(
      () => getApp(id),
      (a) => statuses(a).a === 'in_review',
    );
    await approve(id, 'a', 'wsjk');
    await waitFor(
      () => getApp(id),
      (a) => statuses(a).b === 'in_review',
    );
    await approve(id, 'b', 'gaj');
    const done = await waitFor(
      () => getApp(id),
      (a) => a.status === 'completed',
    );
    expect(done.bundle).toMatchObject({ code: 'test-retire', version: 1 });
  });
});

describe('the guide (一次告知), public', () => {
  const guide = (query = '', headers: Headers = {}) => call('GET', `/v1/bundles/restaurant/guide${query}`, headers);

  // Hand count from db/catalogue/restaurant.ts. Materials per item: license-check 2, food-permit 5,
  // outdoor-sign 3, fire-check 4, tobacco-license 3; fields: 4, 8, 6, 6, 6; legal days: 3, 20, 20, 10, 20.
  // Merged: the two base items share 营业执照 and 身份证 (5 materials) and 4 fields (8 fields);
  // 招牌 adds sign-design and signText, signSize; 消防 adds fire-commitment and fireSafetyManager;
  // 烟草 adds nothing new.
  it('gives a small restaurant two items, merged', async () => {
    const res = await guide();
    expect(res.status).toBe(200);
    expect(codesOf(res.body.items)).toEqual(['license-check', 'food-permit']);
    expect(codesOf(res.body.materials)).toEqual(['biz-license', 'legal-rep-id', 'premises-proof', 'floor-plan', 'food-safety-system']);
    expect(res.body.figures).toEqual({ items: 2, materialsBefore: 7, materialsAfter: 5, fieldsBefore: 12, fieldsAfter: 8, legalDays: 23, committedDays: 5 });
    expect(res.body.url).toBe('http://127.0.0.1:3000/v1/bundles/restaurant/guide'); // where the API listens, PUBLIC_BASE_URL unset
    // Answering no changes nothing.
    const no = await guide('?sellsTobacco=false&largeVenue=false&outdoorSign=false');
    expect(codesOf(no.body.items)).toEqual(['license-check', 'food-permit']);
    expect(no.body.figures).toEqual(res.body.figures);
  });

  it('adds the items of each situation, with figures matching the hand count', async () => {
    const tobacco = (await guide('?sellsTobacco=true')).body;
    expect(codesOf(tobacco.items)).toEqual(['license-check', 'food-permit', 'tobacco-license']);
    expect(tobacco.figures).toEqual({ items: 3, materialsBefore: 10, materialsAfter: 5, fieldsBefore: 18, fieldsAfter: 8, legalDays: 43, committedDays: 5 });

    const bigWithSign = (await guide('?largeVenue=true&outdoorSign=true')).body;
    expect(codesOf(bigWithSign.items)).toEqual(['license-check', 'food-permit', 'outdoor-sign', 'fire-check']);
    expect(bigWithSign.figures).toEqual({
      items: 4,
      materialsBefore: 14,
      materialsAfter: 7,
      fieldsBefore: 24,
      fieldsAfter: 11,
      legalDays: 53,
      committedDays: 5,
    });

    const all = (await guide('?sellsTobacco=true&largeVenue=true&outdoorSign=true')).body;
    expect(codesOf(all.items)).toEqual(['license-check', 'food-permit', 'outdoor-sign', 'fire-check', 'tobacco-license']);
    expect(all.figures).toEqual({ items: 5, materialsBefore: 17, materialsAfter: 7, fieldsBefore: 30, fieldsAfter: 11, legalDays: 73, committedDays: 5 });
    // The URL carries the answers in the bundle's question order.
    expect(all.url).toBe('http://127.0.0.1:3000/v1/bundles/restaurant/guide?outdoorSign=true&largeVenue=true&sellsTobacco=true');
    expect(all.questions.map((q: { answer?: unknown }) => q.answer)).toEqual([true, true, true]);
  });

  it('names every bad answer in a 400', async () => {
    const res = await guide('?sellsTobacco=yes&colour=red');
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { field: 'querystring.sellsTobacco', message: 'must be true or false' },
      { field: 'querystring.colour', message: 'unknown question; this bundle asks outdoorSign, largeVenue, sellsTobacco' },
    ]);
    expect((await guide('?version=abc')).status).toBe(400);
    expect((await guide('?version=99')).status).toBe(404);
    expect((await call('GET', '/v1/bundles/no-such-bundle/guide')).status).toBe(404);
  });

  it('serves a chosen version', async () => {
    const v1 = (await call('GET', '/v1/bundles/test-versions/guide?version=1')).body;
    expect(v1.bundle).toMatchObject({ version: 1, name: '测试一件事 test-versions' });
    expect(v1.url).toBe('http://127.0.0.1:3000/v1/bundles/test-versions/guide?version=1');
    expect((await call('GET', '/v1/bundles/test-versions/guide')).body.bundle.version).toBe(2);
  });

  it('prints a page with the title and an inline QR code of the guide’s url for browsers', async () => {
    const res = await guide('?sellsTobacco=true', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(res.status).toBe(200);
    expect(res.res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<title>开办餐饮店一件事 办事指南（一次告知）</title>');
    expect(res.body).toMatch(/<figure class="qr">\s*<img alt="本指南二维码" src="data:image\/png;base64,/);
    expect(res.body).toContain('烟草专卖零售许可');
    expect(res.body).not.toContain('户外招牌设置</td>');
    // The QR code opens the same guide: the `url` of the JSON answer to the same request.
    const json = await guide('?sellsTobacco=true');
    expect(json.body.url).toBe('http://127.0.0.1:3000/v1/bundles/restaurant/guide?sellsTobacco=true');
    expect(decodePageQr(res.body)).toBe(json.body.url);
    // Answers in any order give the canonical address, in the page's QR code as in the JSON.
    const query = '?sellsTobacco=true&outdoorSign=false';
    const page = await guide(query, { accept: 'text/html' });
    expect(decodePageQr(page.body)).toBe((await guide(query)).body.url);
    expect(decodePageQr(page.body)).toBe('http://127.0.0.1:3000/v1/bundles/restaurant/guide?outdoorSign=false&sellsTobacco=true');
  });

  it('pre-fills the applicant’s name from an applicant token, and from nothing else', async () => {
    const nameField = async (headers: Headers) =>
      (await call('GET', '/v1/bundles/disability/guide', headers)).body.form.fields.find((f: { key: string }) => f.key === 'applicantName');
    expect(await nameField(applicant)).toMatchObject({ prefilled: true, value: '张三' });
    expect(await nameField({})).toMatchObject({ prefilled: false });
    expect(await nameField(bearer({ sub: 'w1', role: 'window', name: '窗口人员' }))).toMatchObject({ prefilled: false });
    expect(await nameField({ authorization: 'Bearer abc.def.ghi' })).toMatchObject({ prefilled: false });
  });
});

describe('the working-day calendar', () => {
  it('round-trips a published year and refuses bad dates, naming each', async () => {
    // A notice may decide the previous year's late December too (as the 2019 notice did for 2018-12-29/31).
    const source = { notice: '国务院办公厅关于2027年部分节假日安排的通知', issuedOn: '2026-11-05' };
    const year = { holidays: ['2027-10-01', '2027-01-01', '2026-12-31'], workdays: ['2027-02-20'], source };
    const put = await call('PUT', '/v1/calendar/2027', province, year);
    expect(put.status).toBe(200);
    const holidays = ['2026-12-31', '2027-01-01', '2027-10-01'];
    expect(put.body).toMatchObject({ year: 2027, holidays, workdays: ['2027-02-20'], source, publishedBy: 'coord-js' });
    expect(put.body.reprojected).toEqual(expect.any(Number));
    const got = await call('GET', '/v1/calendar/2027', applicant);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ year: 2027, holidays, workdays: ['2027-02-20'], source, publishedAt: put.body.publishedAt, publishedBy: 'coord-js' });
    // The seeded years carry their notice.
    expect((await call('GET', '/v1/calendar/2024', applicant)).body).toMatchObject({
      source: { notice: expect.stringContaining('国办发明电〔2023〕7号'), issuedOn: '2023-10-25' },
    });

    const bad = await call('PUT', '/v1/calendar/2027', province, {
      holidays: ['2026-10-01', '2027-02-30', '2027-05-01'],
      workdays: ['2027-02-22', '2027-05-01'],
      source,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['holidays[0]', 'holidays[1]', 'workdays[0]', 'workdays[1]']);
    expect((await call('GET', '/v1/calendar/2027', applicant)).body.holidays).toEqual(holidays); // unchanged
    const shape = await call('PUT', '/v1/calendar/2027', province, { holidays: ['1 May'], extra: [] });
    expect(shape.status).toBe(400);
    expect(shape.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['body.holidays.0', 'body.workdays', 'body.extra']));
  });

  it('answers 404 for an unpublished year and 403 to non-coordinators', async () => {
    expect((await call('GET', '/v1/calendar/2031', applicant)).status).toBe(404);
    expect((await call('GET', '/v1/calendar/2026', applicant)).status).toBe(200); // seeded
    expect((await call('GET', '/v1/calendar/2026')).status).toBe(401);
    expect((await call('PUT', '/v1/calendar/2031', dept('wsjk'), { holidays: [], workdays: [] })).status).toBe(403);
  });

  it('re-projects the deadlines of running applications', async () => {
    expect((await publish(small('test-clock', { items: [item('a', 'wsjk')], departments: [{ code: 'wsjk', name: '卫健' }] }))).status).toBe(201);
    const { id } = (await call('POST', '/v1/applications', applicant, smallApplication('test-clock'))).body;
    const before = await waitFor(
      () => getApp(id),
      (a) => a.items[0].status === 'in_review' && a.items[0].deadline !== undefined,
    );
    await waitFor(
      () => sys.db.db.select().from(applications).where(eq(applications.id, id)),
      (rows) => rows.length === 1,
    );

    // Declare the last day of the limit a holiday: the deadline must move to a later day.
    const lastDay = shanghaiDate(before.items[0].deadline);
    const yearNo = lastDay.slice(0, 4);
    const current = await call('GET', `/v1/calendar/${yearNo}`, province);
    const year =
      current.status === 200 ? { holidays: [...current.body.holidays, lastDay], workdays: current.body.workdays } : { holidays: [lastDay], workdays: [] };
    const put = await call('PUT', `/v1/calendar/${yearNo}`, province, year);
    expect(put.status).toBe(200);
    expect(put.body.reprojected).toBeGreaterThanOrEqual(1);
    const after = await waitFor(
      () => getApp(id),
      (a) => a.items[0].deadline !== before.items[0].deadline,
    );
    expect(shanghaiDate(after.items[0].deadline) > lastDay).toBe(true);
    expect(after.items[0].reprojections).toEqual([
      { at: expect.any(String), from: before.items[0].deadline, to: after.items[0].deadline, reason: expect.stringContaining('工作日历') },
    ]);
  });
});

describe('an application keeps the version it started with (R-1.3)', () => {
  it('completes under v1 after v2 drops one item and renames another; new applications get v2', async () => {
    const first = await call('POST', '/v1/applications', applicant, newbornBody);
    expect(first.status).toBe(201);
    const id: string = first.body.id;
    await waitFor(
      () => getApp(id),
      (a) => statuses(a)['birth-cert'] === 'in_review' && statuses(a).vaccination === 'in_review',
    );

    // v2: no 预防接种证 (and so no 疾控中心), and 社保卡 under a new code and name.
    const v2: BundleDefinition = {
      ...newborn,
      departments: newborn.departments.filter((d) => d.code !== 'jkzx'),
      items: newborn.items
        .filter((i) => i.code !== 'vaccination')
        .map((i) => (i.code === 'social-card' ? { ...i, code: 'ss-card', name: '社会保障卡申领（第三代）' } : i)),
    };
    const published = await publish(v2);
    expect(published.status).toBe(201);
    expect(published.body.version).toBe(2);

    await approve(id, 'birth-cert', 'wsjk');
    await approve(id, 'vaccination', 'jkzx');
    await waitFor(
      () => getApp(id),
      (a) => statuses(a).hukou === 'in_review',
    );
    await approve(id, 'hukou', 'gaj');
    await waitFor(
      () => getApp(id),
      (a) => statuses(a)['medical-insurance'] === 'in_review' && statuses(a)['social-card'] === 'in_review',
    );
    await approve(id, 'medical-insurance', 'ybj');
    await approve(id, 'social-card', 'rsj');
    const done = await waitFor(
      () => getApp(id),
      (a) => a.status === 'completed',
    );
    expect(done.bundle).toMatchObject({ code: 'newborn', version: 1 });
    expect(statuses(done)).toEqual({
      'birth-cert': 'approved',
      vaccination: 'approved',
      hukou: 'approved',
      'medical-insurance': 'approved',
      'social-card': 'approved',
    });

    const second = await call('POST', '/v1/applications', applicant, newbornBody);
    expect(second.status).toBe(201);
    expect(codesOf(second.body.receipt.items)).toEqual(['birth-cert', 'hukou', 'medical-insurance', 'ss-card']);
    const fresh = await waitFor(
      () => getApp(second.body.id),
      (a) => statuses(a)['birth-cert'] === 'in_review',
    );
    expect(fresh.bundle).toMatchObject({ code: 'newborn', version: 2 });
    expect(codesOf(fresh.items)).toEqual(['birth-cert', 'hukou', 'medical-insurance', 'ss-card']);
    expect(fresh.items.find((i: { code: string }) => i.code === 'ss-card').name).toBe('社会保障卡申领（第三代）');
  });
});
