// Issue #14, the rules that leaked, each reproduced over HTTP as the issue found it (row numbers
// are the issue's).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../api/app.js';
import { loadApiConfig } from '../../api/config.js';
import { enterpriseChange } from '../../db/catalogue/enterprise-change.js';
import { restaurant } from '../../db/catalogue/restaurant.js';
import { utilities } from '../../db/catalogue/utilities.js';
import { completeInput, newbornBody, newbornNoOptions } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

type Json = Record<string, any>;
const call = async (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: object, app: App = sys.app) => {
  const res = await app.inject({ method, url, headers, payload });
  return { status: res.statusCode, body: (res.headers['content-type']?.toString().includes('json') ? res.json() : res.body) as Json, headers: res.headers };
};
const applicant = bearer({ sub: 'wangwu', role: 'applicant', name: '王五' });
const agent = bearer({ sub: 'agent-1', role: 'agent', mandate: 'M-1' });
const window = bearer({ sub: 'w-1', role: 'window', name: '窗口' });
const coordinator = bearer({ sub: 'coord', role: 'coordinator' });
const hotline = bearer({ sub: 'agent-12345', role: 'hotline' });

/** 水电气网联合报装 for water and power (their joint survey, lead: power), taken in at a window; its id. */
async function submitUtilities(): Promise<string> {
  const answers = { needWater: true, needPower: true, needGas: false, needNetwork: false };
  const { form, materials } = completeInput('X', utilities, answers);
  const created = await call('POST', '/v1/applications', window, {
    bundleCode: 'utilities',
    channel: 'window',
    applicantAccount: 'wangwu',
    applicant: { kind: 'organisation', idNumber: '91320100MA1XXXXX0X', name: '南京某建设有限公司' },
    answers,
    form,
    materials,
    delivery: { method: 'electronic' },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id: string = created.body.id;
  return id;
}

describe('row 1: the channel comes from who acts', () => {
  const ec = completeInput('x', enterpriseChange, {});
  const body = (channel: string) => ({
    bundleCode: enterpriseChange.code,
    channel,
    region: '320681',
    applicant: { kind: 'organisation', idNumber: '91320100MA1XXXXX0X', name: '南京某有限公司' },
    applicantAccount: 'wangwu',
    answers: ec.answers,
    form: ec.form,
    materials: ec.materials,
    delivery: { method: 'electronic' },
  });

  it('refuses window from an applicant or an agent (it would skip the §32 review), naming the field', async () => {
    for (const who of [applicant, agent]) {
      const res = await call('POST', '/v1/applications', who, body('window'));
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ field: 'body.channel', message: expect.stringContaining('only window staff') }]);
    }
    // Online, the application waits for the window's review.
    expect((await call('POST', '/v1/applications', applicant, body('web'))).body.status).toBe('received');
  });

  it('lets window staff submit only as window, where the review is done', async () => {
    expect((await call('POST', '/v1/applications', window, body('web'))).status).toBe(400);
    expect((await call('POST', '/v1/applications', window, body('window'))).body.status).toBe('accepted');
  });
});

describe('row 8: tickets', () => {
  it('are routed only to a department the catalogue has', async () => {
    const res = await call('POST', '/v1/tickets', hotline, { type: 'complaint', subject: '办理慢', department: 'nosuchdept' });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'body.department', message: 'unknown department' }]);
    expect((await call('POST', '/v1/tickets', hotline, { type: 'complaint', subject: '办理慢', department: 'gaj' })).status).toBe(201);
  });

  it('never keep an ID or phone number typed into the subject', async () => {
    const res = await call('POST', '/v1/tickets', hotline, { type: 'help', subject: '来电人320681199001011234，电话13800000000，询问进度', department: 'gaj' });
    expect(res.status).toBe(201);
    expect(res.body.subject).toBe('来电人3206**********1234，电话138****0000，询问进度');
    expect(JSON.stringify((await call('GET', `/v1/tickets/${res.body.id}`, hotline)).body)).not.toMatch(/320681199001011234|13800000000/);
  });
});

describe('row 13: the guide’s address', () => {
  it('never comes from a client’s Host header', async () => {
    const res = await call('GET', '/v1/bundles/newborn/guide', { host: 'evil.example' });
    expect(res.body.url).toBe('http://127.0.0.1:3000/v1/bundles/newborn/guide');
    const page = await call('GET', '/v1/bundles/newborn/guide', { host: 'evil.example', accept: 'text/html' });
    expect(page.body).not.toContain('evil.example');
  });

  it('is the configured public address, or the trusted proxy’s forwarded one', async () => {
    const build = (env: Record<string, string>) =>
      buildApp({ temporal: sys.temporal, taskQueue: sys.taskQueue, db: sys.db, codec: sys.codec, config: loadApiConfig(env) });
    const pub = await build({ PUBLIC_BASE_URL: 'https://zwfw.jiangsu.gov.cn/yjs/' });
    const proxied = await build({ TRUST_PROXY: '127.0.0.1' });
    try {
      const forwarded = { host: 'evil.example', 'x-forwarded-host': 'yjs.example.gov.cn', 'x-forwarded-proto': 'https' };
      expect((await call('GET', '/v1/bundles/newborn/guide?insured=true', forwarded, undefined, pub)).body.url).toBe(
        'https://zwfw.jiangsu.gov.cn/yjs/v1/bundles/newborn/guide?insured=true',
      );
      expect((await call('GET', '/v1/bundles/newborn/guide', forwarded, undefined, proxied)).body.url).toBe(
        'https://yjs.example.gov.cn/v1/bundles/newborn/guide',
      );
      // Without a trusted proxy, forwarded headers count for nothing.
      expect((await call('GET', '/v1/bundles/newborn/guide', forwarded)).body.url).toBe('http://127.0.0.1:3000/v1/bundles/newborn/guide');
    } finally {
      await pub.close();
      await proxied.close();
    }
  });
});

describe('row 14: a retired bundle’s guide', () => {
  it('says the bundle takes no applications, and since when, in JSON and on the page', async () => {
    const bundle = (await call('GET', '/v1/bundles/newborn', coordinator)).body;
    const { version: _version, retired: _retired, ...definition } = bundle;
    const copy = { ...definition, code: 'retired-guide', name: '停用测试' };
    expect((await call('POST', '/v1/bundles', coordinator, copy)).status).toBe(201);
    expect((await call('GET', '/v1/bundles/retired-guide/guide')).body.retired).toBeUndefined();
    expect((await call('POST', '/v1/bundles/retired-guide/retire', coordinator)).status).toBe(200);
    const guide = await call('GET', '/v1/bundles/retired-guide/guide');
    expect(guide.status).toBe(200);
    expect(guide.body.retired).toEqual({ since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), notice: expect.stringContaining('停止受理') });
    const page = await call('GET', '/v1/bundles/retired-guide/guide', { accept: 'text/html' });
    expect(page.body).toContain('停止受理');
  });
});

describe('row 5: joint sign-offs agree or dissent; the lead resolves a dissent', () => {
  const submit = async () => {
    const id = await submitUtilities();
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, coordinator)).body,
      (a) => a.items?.every((i: Json) => i.status === 'in_review'),
    );
    return id;
  };
  const signOff = (id: string, department: string, body: object) => call('POST', `/v1/applications/${id}/joint/joint-survey/sign-offs`, dept(department), body);
  const resolve = (id: string, department: string, body: object) =>
    call('POST', `/v1/applications/${id}/joint/joint-survey/resolution`, dept(department), body);
  const procedures = async (department: string, id: string) =>
    ((await call('GET', `/v1/departments/${department}/tasks`, dept(department))).body.procedures as Json[]).filter((p) => p.applicationId === id);
  const approve = (id: string, item: string, department: string) =>
    call('POST', `/v1/applications/${id}/items/${item}/decisions`, dept(department), { decision: 'approve' });

  it('a dissent blocks approval and reaches the lead’s inbox; the lead sends it back, the department agrees, approval follows', async () => {
    const id = await submit();
    // Before anyone signs: each department’s inbox holds the procedure to sign, due in 7 working days.
    expect(await procedures('water', id)).toEqual([
      expect.objectContaining({ code: 'joint-survey', kind: '联合勘验', role: 'sign', status: 'open', lead: 'power', overdue: false, due: expect.any(String) }),
    ]);
    const noOpinion = await signOff(id, 'water', { verdict: 'dissent' });
    expect([noOpinion.status, noOpinion.body.details]).toEqual([400, [{ field: 'body.opinion', message: expect.stringContaining('不同意') }]]);
    // The lead’s inbox, held until it changes, wakes with the dissent.
    const first = await call('GET', '/v1/departments/power/tasks', dept('power'));
    const held = call('GET', '/v1/departments/power/tasks?wait=20', { ...dept('power'), 'if-none-match': String(first.headers.etag) });
    expect((await signOff(id, 'water', { verdict: 'dissent', opinion: '市政管网压力不足' })).status).toBe(200);
    const woke = await held;
    expect(woke.status).toBe(200);
    expect(woke.body.procedures.filter((p: Json) => p.applicationId === id)).toEqual([
      expect.objectContaining({ role: 'lead', status: 'disputed', dissenters: ['water'] }),
    ]);
    expect((await signOff(id, 'power', { verdict: 'agree', opinion: '同意' })).status).toBe(200);
    const blocked = await approve(id, 'power-connect', 'power');
    expect(blocked.status).toBe(409);
    // Only the lead resolves it.
    expect((await resolve(id, 'water', { action: 'reconsider' })).status).toBe(403);
    const sentBack = await resolve(id, 'power', { action: 'reconsider', reason: '请结合加压方案复议' });
    expect(sentBack.status, JSON.stringify(sentBack.body)).toBe(200);
    expect(sentBack.body.joint[0].signedOff).toEqual([
      expect.objectContaining({ department: 'water', verdict: 'dissent', reconsideredAt: expect.any(String) }),
      expect.objectContaining({ department: 'power', verdict: 'agree' }),
    ]);
    // The inbox is the read model: it follows the workflow within a sync.
    await waitFor(
      () => procedures('water', id),
      (p) => p.length === 1 && p[0]!.role === 'sign' && p[0]!.status === 'open',
    );
    expect((await signOff(id, 'water', { opinion: '加压后具备接入条件' })).status).toBe(200);
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, coordinator)).body,
      (a) => a.joint[0].outcome === 'agreed' && a.items.every((i: Json) => !i.blockedBy?.length),
    );
    expect((await approve(id, 'power-connect', 'power')).status).toBe(200);
    await waitFor(
      () => procedures('power', id),
      (p) => p.length === 0,
    );
    const timeline = (await call('GET', `/v1/applications/${id}/history`, coordinator)).body;
    const labels = JSON.stringify(timeline);
    expect(labels).toContain('联合勘验会签（不同意）');
    expect(labels).toContain('联合勘验分歧：牵头部门要求复议');
  });

  it('the lead rejects the items with the dissent as the reason', async () => {
    const id = await submit();
    expect((await signOff(id, 'water', { verdict: 'dissent', opinion: '市政管网压力不足' })).status).toBe(200);
    const nothingToResolve = await resolve(id, 'power', { action: 'reconsider', department: 'gas' });
    expect(nothingToResolve.status).toBe(400);
    const rejected = await resolve(id, 'power', { action: 'reject', reason: '待管网改造后重新申请' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body.items.map((i: Json) => [i.code, i.status])).toEqual([
      ['water-connect', 'rejected'],
      ['power-connect', 'rejected'],
    ]);
    for (const item of rejected.body.items) expect(item.reason).toContain('市政管网压力不足');
    expect((await resolve(id, 'power', { action: 'reject' })).status).toBe(409);
  });
});

describe('row 12: the contract’s codes, and details on every 400', () => {
  it('answers a sign-off by a department outside the procedure 403, an unknown procedure 404', async () => {
    const id = await submitUtilities();
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, coordinator)).body,
      (a) => a.joint?.length === 1,
    );
    const signOff = (code: string, department: string) => call('POST', `/v1/applications/${id}/joint/${code}/sign-offs`, dept(department), { opinion: '同意' });
    const outsider = await signOff('joint-survey', 'gas');
    expect([outsider.status, outsider.body.error]).toEqual([403, 'forbidden']);
    const unknown = await signOff('no-such-joint', 'water');
    expect([unknown.status, unknown.body.error]).toEqual([404, 'not_found']);
    expect((await signOff('joint-survey', 'water')).status).toBe(200);
  });

  it('names the field of a state machine’s refusal', async () => {
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
    const id: string = created.body.id;
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
      (a) => a.items?.some((i: Json) => i.code === 'birth-cert' && i.status === 'in_review'),
    );
    const res = await call('POST', `/v1/applications/${id}/items/birth-cert/decisions`, dept('wsjk'), { decision: 'extend', days: 2 });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { field: 'body.approver', message: expect.stringContaining('负责人批准') },
      { field: 'body.reason', message: expect.stringContaining('负责人批准') },
    ]);
  });

  it('gives one detail per bad field, listing what is allowed', async () => {
    const res = await call('GET', '/v1/applications?status=bogus', coordinator);
    expect(res.status).toBe(400);
    expect(res.body.details).toHaveLength(1);
    expect(res.body.details[0]).toEqual({ field: expect.stringContaining('status'), message: expect.stringMatching(/^must be one of: .*in_review/) });
  });
});

describe('row 4: form values are checked against their fields', () => {
  it('refuses 四百二十平 for an area, naming the field (dates, ranges, options: test/unit/intake.test.ts)', async () => {
    const answers = { largeVenue: false };
    const input = completeInput('R4', restaurant, answers);
    const res = await call('POST', '/v1/applications', applicant, {
      bundleCode: restaurant.code,
      channel: 'web',
      region: '320681',
      applicant: { kind: 'organisation', idNumber: '91320100MA1XXXXX0X', name: '南京某餐饮有限公司' },
      answers: input.answers,
      form: { ...input.form, businessArea: '四百二十平' },
      materials: input.materials,
      delivery: { method: 'electronic' },
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(expect.arrayContaining([{ field: 'form.businessArea', message: expect.stringContaining('must be a number') }]));
  });
});

describe('row 6: an unanswered situation question is not a no', () => {
  it('refuses a submission that leaves a deciding question open, naming it and the items it decides', async () => {
    const { reimburse: _open, ...answers } = newbornNoOptions;
    const res = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'answers.reimburse', message: expect.stringContaining('生育医疗费用报销') }]);
    expect((await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions })).status).toBe(201);
  });

  it('lists in the guide the items that depend on an answer not given, in JSON and on the page', async () => {
    const plain = (await call('GET', '/v1/bundles/newborn/guide')).body;
    expect(plain.undecided.map((u: Json) => [u.code, u.dependsOn.map((q: Json) => q.key)])).toEqual([
      ['hukou', ['localHukou']],
      ['medical-insurance', ['insured']],
      ['social-card', ['socialCard']],
      ['maternity-reimburse', ['reimburse']],
    ]);
    // Answered, nothing is left open; an item another answer rules out is not listed.
    expect((await call('GET', '/v1/bundles/newborn/guide?localHukou=false&insured=true&socialCard=false&reimburse=false')).body.undecided).toEqual([]);
    const page = await call('GET', '/v1/bundles/newborn/guide', { accept: 'text/html' });
    expect(page.body).toContain('视您的回答而定的事项');
  });
});

describe('row 9: delivery', () => {
  /** A newborn application (the two items for everyone) approved, with this delivery. */
  async function completed(delivery: object): Promise<string> {
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions, delivery });
    const id: string = created.body.id;
    for (const [item, code] of [
      ['birth-cert', 'wsjk'],
      ['vaccination', 'jkzx'],
    ] as const) {
      await waitFor(
        async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
        (a) => a.items?.some((i: Json) => i.code === item && i.status === 'in_review'),
      );
      expect((await call('POST', `/v1/applications/${id}/items/${item}/decisions`, dept(code), { decision: 'approve' })).status).toBe(200);
    }
    return id;
  }

  it('needs an address for express delivery', async () => {
    const res = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions, delivery: { method: 'express' } });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'body.delivery.address', message: 'is required for express delivery' }]);
  });

  it('draws pickup codes at random, not from the application number', async () => {
    // The code before the fix, derived from the number as the workflow did (anyone could compute it).
    const derived = (id: string) => String([...id].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 1_000_000, 7)).padStart(6, '0');
    for (let i = 0; i < 2; i += 1) {
      const id = await completed({ method: 'window' });
      const code: string = (
        await waitFor(
          async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
          (a) => a.delivery?.status === 'ready',
        )
      ).delivery.pickupCode;
      expect(code).toMatch(/^\d{6}$/);
      expect(code).not.toBe(derived(id));
    }
  });

  it('says what is wrong with a second shipment', async () => {
    const id = await completed({ method: 'express', address: '南京市玄武区中山路1号' });
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
      (a) => a.delivery?.status === 'pending',
    );
    expect((await call('POST', `/v1/applications/${id}/delivery`, window, { event: 'delivered' })).body.message).toContain('尚未登记寄出');
    expect((await call('POST', `/v1/applications/${id}/delivery`, window, { event: 'shipped', trackingNumber: 'SF100' })).status).toBe(200);
    const again = await call('POST', `/v1/applications/${id}/delivery`, window, { event: 'shipped', trackingNumber: 'SF100' });
    expect([again.status, again.body.message]).toEqual([409, expect.stringContaining('已寄出（快递单号 SF100），不能重复登记寄出')]);
    expect((await call('POST', `/v1/applications/${id}/delivery`, window, { event: 'picked-up', pickupCode: '123456' })).body.message).toContain('快递寄送');
  });
});

describe('row 15: printed pages show names', () => {
  it('prints the receipt with department and material names and the channel’s label, never their codes', async () => {
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
    const page = await call('GET', `/v1/applications/${created.body.id}/receipt`, { ...applicant, accept: 'text/html' });
    expect(page.status).toBe(200);
    const html = String(page.body);
    expect(html).toContain('卫生健康委员会');
    expect(html).toContain('父母双方居民身份证');
    expect(html).toContain('网上办');
    for (const code of ['>wsjk<', '>jkzx<', 'parent-id', 'delivery-record', '渠道：web']) expect(html, code).not.toContain(code);
  });
});

describe('row 2: a correction names the item’s own materials', () => {
  it('refuses a material the item does not have (it left the item stuck until its due date), and takes a reason per material', async () => {
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
    const id: string = created.body.id;
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
      (a) => a.items?.some((i: Json) => i.code === 'birth-cert' && i.status === 'in_review'),
    );
    const decide = (body: object) => call('POST', `/v1/applications/${id}/items/birth-cert/decisions`, dept('wsjk'), body);
    const ghost = await decide({ decision: 'correction', missing: ['ghost'], reason: '不清晰' });
    expect(ghost.status).toBe(400);
    expect(ghost.body.details).toEqual([{ field: 'body.missing', message: expect.stringContaining('ghost') }]);
    const each = await decide({
      decision: 'correction',
      missing: [
        { material: 'parent-id', reason: '身份证已过有效期' },
        { material: 'delivery-record', reason: '缺少医师签名' },
      ],
    });
    expect(each.status, JSON.stringify(each.body)).toBe(200);
    const item = (await call('GET', `/v1/applications/${id}`, applicant)).body.items.find((i: Json) => i.code === 'birth-cert');
    expect(item.correction).toMatchObject({
      missing: ['parent-id', 'delivery-record'],
      reasons: { 'parent-id': '身份证已过有效期', 'delivery-record': '缺少医师签名' },
    });
  });
});

describe('row 10: an action answers with its effect', () => {
  it('a withdrawal answers withdrawn, its items cancelled', async () => {
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
    const id: string = created.body.id;
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
      (a) => a.items?.every((i: Json) => i.status === 'in_review'),
    );
    const res = await call('POST', `/v1/applications/${id}/withdraw`, applicant, { reason: '不再需要' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('withdrawn');
    expect(res.body.items.map((i: Json) => i.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('a supplement answers with the correction it answers taken', async () => {
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
    const id: string = created.body.id;
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
      (a) => a.items?.some((i: Json) => i.code === 'birth-cert' && i.status === 'in_review'),
    );
    expect(
      (
        await call('POST', `/v1/applications/${id}/items/birth-cert/decisions`, dept('wsjk'), {
          decision: 'correction',
          missing: ['delivery-record'],
          reason: '缺少医师签名',
        })
      ).status,
    ).toBe(200);
    const res = await call('POST', `/v1/applications/${id}/supplements`, applicant, { materials: [{ code: 'delivery-record' }] });
    expect(res.status).toBe(200);
    expect(res.body.items.find((i: Json) => i.code === 'birth-cert')).toMatchObject({ status: 'in_review' });
  });
});

describe('row 7: the department rated may appeal a bad review (DB32/T 4660 申诉)', () => {
  async function badReview(): Promise<string> {
    const created = await call('POST', '/v1/applications', window, {
      ...newbornBody,
      channel: 'window',
      answers: newbornNoOptions,
      applicantAccount: 'wangwu',
    });
    expect(created.status).toBe(201);
    const rated = await call('POST', `/v1/applications/${created.body.id}/evaluation`, window, { rating: 1, item: 'birth-cert', comment: '态度差' });
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
    return rated.body.rectification.id;
  }
  const step = (rid: string, name: string, who: Record<string, string>, body: object) => call('POST', `/v1/rectifications/${rid}/${name}`, who, body);

  it('upheld by a coordinator, the review is dismissed and the case closes', async () => {
    const rid = await badReview();
    expect((await step(rid, 'dispute', dept('jkzx'), { text: '不是本部门事项' })).status).toBe(403);
    const disputed = await step(rid, 'dispute', dept('wsjk'), { text: '监控显示当日无此情况' });
    expect([disputed.status, disputed.body.status]).toEqual([200, 'disputed']);
    expect((await step(rid, 'dispute-decision', coordinator, { text: '裁定' })).status).toBe(400); // upheld is required
    const stats = async () => (await call('GET', '/v1/stats?bundle=newborn', coordinator)).body;
    expect(await stats()).toMatchObject({ evaluations: 1, badReviews: 1 });
    const ruled = await step(rid, 'dispute-decision', coordinator, { text: '经调阅监控，申诉成立', upheld: true });
    expect(ruled.body).toMatchObject({ status: 'closed', outcome: 'dismissed' });
    // A dismissed review no longer counts in the statistics.
    await waitFor(stats, (s) => s.evaluations === 0 && s.badReviews === 0);
  });

  it('not upheld, the rectification goes on where it stood', async () => {
    const rid = await badReview();
    expect((await step(rid, 'check', dept('wsjk'), { text: '核实' })).status).toBe(200);
    expect((await step(rid, 'dispute', dept('wsjk'), { text: '评价不实' })).status).toBe(200);
    const ruled = await step(rid, 'dispute-decision', coordinator, { text: '申诉不成立', upheld: false });
    expect(ruled.body.status).toBe('checked');
    expect((await step(rid, 'rectify', dept('wsjk'), { text: '加强培训', outcome: 'immediate' })).status).toBe(200);
  });
});
