// Issue #18, the e-certificate store (电子证照库) over HTTP on the dev server and PostgreSQL: a
// certificate an item issues is kept for its holder, read by the holder and the departments it
// serves, and satisfies a later application's material (免提交) instead of being asked for again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleDefinition } from '../../workflows/shared/bundle.js';
import { newbornBody } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

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
const zhangsan = bearer({ sub: 'zhangsan', role: 'applicant', name: '张三' });
const stranger = bearer({ sub: 'lisi', role: 'applicant', name: '李四' });
const province = bearer({ sub: 'coord', role: 'coordinator' });

/** A later bundle whose 入学登记 needs the child's 出生医学证明: the store's certificate satisfies it. */
const enrolment: BundleDefinition = {
  code: 'cert-enrol',
  name: '入学登记（测试）',
  lifecycle: 'individual',
  stage: '入学',
  region: '320000',
  committedDays: 5,
  departments: [
    { code: 'jyj', name: '教育局' },
    { code: 'gaj', name: '公安局' },
  ],
  questions: [],
  materials: [
    { code: 'birth-proof', name: '出生医学证明', certificate: 'birth-medical-certificate' },
    { code: 'parent-id', name: '父母身份证' },
  ],
  fields: [
    { key: 'childName', label: '儿童姓名', type: 'string', required: true, source: { certificate: 'birth-medical-certificate', path: 'childName' } },
    { key: 'guardian', label: '监护人', type: 'string', required: false, source: { claim: 'name' } },
  ],
  items: [
    {
      code: 'enrol',
      name: '入学登记',
      department: 'jyj',
      kind: '公共服务',
      legalDays: 5,
      committedDays: 3,
      result: { type: 'notice', name: '入学通知' },
      materials: [
        { code: 'birth-proof', required: true, deferrable: false },
        { code: 'parent-id', required: true, deferrable: false },
      ],
      fields: ['childName'],
      after: [],
      onReject: 'terminate',
    },
    {
      code: 'residence',
      name: '居住证明',
      department: 'gaj',
      kind: '公共服务',
      legalDays: 5,
      committedDays: 3,
      result: { type: 'notice', name: '居住证明' },
      materials: [{ code: 'parent-id', required: true, deferrable: false }],
      fields: ['childName'],
      after: [],
      onReject: 'terminate',
    },
  ],
};
const enrolBody = (idNumber: string) => ({
  bundleCode: 'cert-enrol',
  channel: 'web',
  applicant: { ...newbornBody.applicant, idNumber },
  form: { childName: '张小三' },
  materials: [{ code: 'parent-id' }],
});

describe('the e-certificate store', () => {
  let certificate: Json;
  beforeAll(async () => {
    const created = await call('POST', '/v1/applications', zhangsan, newbornBody);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    await waitFor(
      () => call('GET', `/v1/applications/${id}`, zhangsan),
      (r) => r.body.items.find((i: Json) => i.code === 'birth-cert')?.status === 'in_review',
    );
    const decided = await call('POST', `/v1/applications/${id}/items/birth-cert/decisions`, dept('wsjk'), {
      decision: 'approve',
      result: { certNo: 'O320681001', childName: '张小三' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const listed = await waitFor(
      () => call('GET', '/v1/certificates', zhangsan),
      (r) => r.body.certificates?.length > 0,
    );
    certificate = listed.body.certificates[0];
    expect((await call('POST', '/v1/bundles', province, enrolment)).status).toBe(201);
  });

  it('keeps the approved 出生医学证明 as a certificate of its holder', () => {
    expect(certificate).toMatchObject({
      type: 'birth-medical-certificate',
      name: '出生医学证明（电子证照）',
      number: 'O320681001',
      holder: '3206**********1234',
      department: 'wsjk',
      item: 'birth-cert',
      data: { certNo: 'O320681001', childName: '张小三' },
      revokedAt: null,
      expiresAt: null,
    });
  });

  it('shows the holder its own and nobody else’s', async () => {
    expect((await call('GET', '/v1/certificates', stranger)).body.certificates).toEqual([]);
    expect((await call('GET', `/v1/certificates/${certificate.id}`, stranger)).status).toBe(404);
    expect((await call('GET', `/v1/certificates/${certificate.id}`, zhangsan)).status).toBe(200);
    expect((await call('GET', `/v1/certificates/${certificate.id}`, dept('wsjk'))).status).toBe(200); // it issued it
    expect((await call('GET', `/v1/certificates/${certificate.id}`, dept('jyj'))).status).toBe(403); // nothing of it yet
    expect((await call('GET', '/v1/certificates', dept('wsjk'))).status).toBe(403);
  });

  it('satisfies a later application’s material instead of asking for it (免提交)', async () => {
    const created = await call('POST', '/v1/applications', zhangsan, enrolBody('320681199001011234'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.status).toBe('accepted');
    expect(created.body.receipt.materials).toContain('birth-proof');
    expect(created.body.receipt.shared).toEqual([
      { material: 'birth-proof', certificate: certificate.id, name: '出生医学证明（电子证照）', number: 'O320681001' },
    ]);
    const id = created.body.id;
    await waitFor(
      () => call('GET', `/v1/applications/${id}`, zhangsan),
      (r) => r.body.items.find((i: Json) => i.code === 'enrol')?.status === 'in_review',
    );
    // The department reviewing it sees where the material came from, and may read the certificate.
    const sheet = await call('GET', `/v1/applications/${id}/items/enrol`, dept('jyj'));
    expect(sheet.status).toBe(200);
    expect(sheet.body.materials.find((m: Json) => m.code === 'birth-proof')).toMatchObject({
      received: true,
      refs: [{ uri: `certificate:${certificate.id}`, via: 'certificate' }],
    });
    expect((await call('GET', `/v1/certificates/${certificate.id}`, dept('jyj'))).status).toBe(200);
    // The statistics count it: one material not handed in, one trip to 卫健 not made.
    const stats = (await call('GET', '/v1/stats?bundle=cert-enrol', province)).body;
    expect(stats.savings[0]).toMatchObject({ bundle: 'cert-enrol', materialsShared: 1, tripsShared: 1 });
  });

  it('tells the holder in the guide that it need not bring it', async () => {
    const mine = await call('GET', '/v1/bundles/cert-enrol/guide', zhangsan);
    expect(mine.body.materials.find((m: Json) => m.code === 'birth-proof').held).toEqual({
      certificate: certificate.id,
      name: '出生医学证明（电子证照）',
      number: 'O320681001',
    });
    expect(mine.body.materials.find((m: Json) => m.code === 'parent-id').held).toBeUndefined();
    const page = await sys.app.inject({ method: 'GET', url: '/v1/bundles/cert-enrol/guide', headers: { ...zhangsan, accept: 'text/html' } });
    expect(page.body).toContain('免提交');
    for (const who of [stranger, {}]) {
      const theirs = await call('GET', '/v1/bundles/cert-enrol/guide', who);
      expect(theirs.body.materials.find((m: Json) => m.code === 'birth-proof').held).toBeUndefined();
    }
  });

  it('pre-fills the form from the login and the certificate, marked as shared data, and records where a value came from', async () => {
    const guide = await call('GET', '/v1/bundles/cert-enrol/guide', zhangsan);
    const field = (key: string) => guide.body.form.fields.find((f: Json) => f.key === key);
    expect(field('childName')).toMatchObject({
      prefilled: true,
      value: '张小三',
      sharedFrom: { kind: 'certificate', certificate: certificate.id, name: '出生医学证明（电子证照）', number: 'O320681001' },
    });
    // (guardian is asked by no item, so the merged form leaves it out)
    expect(field('guardian')).toBeUndefined();
    const anonymous = (await call('GET', '/v1/bundles/cert-enrol/guide')).body.form.fields.find((f: Json) => f.key === 'childName');
    expect(anonymous).toMatchObject({ prefilled: false });
    expect(anonymous.sharedFrom).toBeUndefined();

    const created = await call('POST', '/v1/applications', zhangsan, enrolBody('320681199001011234'));
    expect(created.status).toBe(201);
    const id = created.body.id;
    await waitFor(
      () => call('GET', `/v1/applications/${id}`, zhangsan),
      (r) => r.body.items.find((i: Json) => i.code === 'enrol')?.status === 'in_review',
    );
    const sheet = await call('GET', `/v1/applications/${id}/items/enrol`, dept('jyj'));
    expect(sheet.body.fields.find((f: Json) => f.key === 'childName')).toMatchObject({
      value: '张小三',
      sharedFrom: { kind: 'certificate', certificate: certificate.id },
    });
  });

  it('online, takes only what the applicant’s own login holds: an ID number typed in is not proof', async () => {
    const created = await call('POST', '/v1/applications', stranger, enrolBody('320681199001011234'));
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('incomplete');
    expect(created.body.missing.map((m: Json) => m.material)).toEqual(['birth-proof']);
    // Window staff, who check the person in front of them, take it from the store.
    const window = bearer({ sub: 'w-1', role: 'window' });
    const atWindow = await call('POST', '/v1/applications', window, { ...enrolBody('320681199001011234'), channel: 'window', applicantAccount: 'zhangsan' });
    expect(atWindow.status, JSON.stringify(atWindow.body)).toBe(201);
    expect(atWindow.body.receipt.shared).toEqual([expect.objectContaining({ material: 'birth-proof', certificate: certificate.id })]);
  });

  it('asks another applicant for it: the store holds none of theirs', async () => {
    const created = await call('POST', '/v1/applications', stranger, enrolBody('320102199505050011'));
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('incomplete');
    expect(created.body.missing.map((m: Json) => m.material)).toEqual(['birth-proof']);
    expect(created.body.receipt?.shared).toBeUndefined();
  });
});
