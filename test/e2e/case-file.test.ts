// The case file (办件档案) over HTTP: once every Temporal execution of a closed application is
// deleted (what retention does), its detail, timeline, audit, receipt, hotline lookup, rating and
// rectification still work from PostgreSQL, and a 告知承诺 grant is revoked through its post-check; what was submitted is kept there, personal values sealed; and
// each department's review sheet shows what it reviews and nothing of other items' fields.
import { WorkflowNotFoundError } from '@temporalio/client';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEvents, caseFiles } from '../../db/schema.js';
import { restaurant } from '../../db/catalogue/restaurant.js';
import { applicableItems } from '../../workflows/shared/rules.js';
import { newbornBody, pledgedRestaurantBody } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

const applicant = bearer({ sub: 'chenqi', role: 'applicant' });
const window = bearer({ sub: 'window-7', role: 'window' });
const coordinator = bearer({ sub: 'ops-7', role: 'coordinator' });
const hotline = bearer({ sub: 'hl-7', role: 'hotline' });
const call = async (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) => {
  const res = await sys.app.inject({ method, url, headers, payload });
  return { status: res.statusCode, body: String(res.headers['content-type']).includes('json') ? res.json() : res.body };
};
const statusOf = (a: { items: { code: string; status: string }[] }, code: string) => a.items.find((i) => i.code === code)?.status;
const sha = (c: string) => c.repeat(64).slice(0, 64);
const materials = newbornBody.materials.map((m, i) => ({ ...m, uri: `https://files.example.gov.cn/m/${m.code}.pdf`, sha256: sha('abcdef0123456789'[i]!) }));

/**
 * Deletes the executions of the applications (parent, items, post-checks; with `closedOnly`, those
 * that have ended, as retention does), and waits until the parent is gone (the dev server deletes
 * in the background: about 30 s).
 */
async function deleteExecutions(apps: string[], closedOnly = false) {
  await Promise.all(apps.map((id) => deleteAll(id, closedOnly)));
  for (const id of apps) {
    await waitFor(
      async () => {
        try {
          await sys.temporal.workflow.getHandle(`application:${id}`).describe();
          return false;
        } catch (err) {
          return err instanceof WorkflowNotFoundError;
        }
      },
      (gone) => gone,
      120_000,
    );
  }
}

async function deleteAll(id: string, closedOnly: boolean) {
  const query = `WorkflowId STARTS_WITH "application:${id}"${closedOnly ? ' AND ExecutionStatus != "Running"' : ''}`;
  const { executions } = await sys.temporal.workflowService.listWorkflowExecutions({ namespace: 'default', query });
  const ids = [`application:${id}`, ...executions.map((e) => e.execution!.workflowId!)];
  for (const workflowId of new Set(ids)) {
    try {
      await sys.temporal.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
    } catch (err) {
      if (!/not found/i.test(String(err))) throw err;
    }
  }
}

/** Submits the newborn bundle with material references and takes it to completion through the API. */
async function completed() {
  const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, materials });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id: string = created.body.id;
  // The applicant also comes to the window once (a photo handed in there): a visit the window may rate.
  await waitFor(
    async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
    (a) => statusOf(a, 'birth-cert') === 'in_review',
  );
  expect((await call('POST', `/v1/applications/${id}/supplements`, window, { materials: [{ code: 'child-photo' }] })).status).toBe(200);
  for (const [item, code] of [
    ['birth-cert', 'wsjk'],
    ['vaccination', 'jkzx'],
    ['hukou', 'gaj'],
    ['medical-insurance', 'ybj'],
    ['social-card', 'rsj'],
  ] as const) {
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
      (a) => statusOf(a, item) === 'in_review',
    );
    if (item === 'hukou') expect((await call('POST', `/v1/applications/${id}/items/${item}/take`, dept(code), {})).status).toBe(200);
    const res = await call('POST', `/v1/applications/${id}/items/${item}/decisions`, dept(code), { decision: 'approve', result: { certNo: `${item}-001` } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  await waitFor(
    async () => (await call('GET', `/v1/applications/${id}/history`, coordinator)).body,
    (h) => h.timeline?.at(-1)?.kind === 'ended',
  );
  return id;
}

describe('closed applications read from the case file after Temporal deleted them', () => {
  let id: string;
  let withdrawn: string;
  const before: Record<string, { status: number; body: unknown }> = {};
  const reads = (id: string) => ({
    detail: () => call('GET', `/v1/applications/${id}`, applicant),
    history: () => call('GET', `/v1/applications/${id}/history`, coordinator),
    audit: () => call('GET', `/v1/applications/${id}/audit`, coordinator),
    receipt: () => call('GET', `/v1/applications/${id}/receipt`, applicant),
    receiptPage: () => call('GET', `/v1/applications/${id}/receipt`, { ...applicant, accept: 'text/html' }),
    hotline: () => call('GET', `/v1/hotline/applications/${id}`, hotline),
    sheet: () => call('GET', `/v1/applications/${id}/items/hukou`, dept('gaj')),
  });

  beforeAll(async () => {
    id = await completed();
    for (const [name, read] of Object.entries(reads(id))) before[name] = await read();
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, materials });
    withdrawn = created.body.id;
    await waitFor(
      async () => (await call('GET', `/v1/applications/${withdrawn}`, applicant)).body,
      (a) => statusOf(a, 'birth-cert') === 'in_review',
    );
    expect((await call('POST', `/v1/applications/${withdrawn}/withdraw`, applicant, { reason: '信息填错' })).status).toBe(200);
    await waitFor(
      async () => (await call('GET', `/v1/applications/${withdrawn}/history`, coordinator)).body,
      (h) => h.timeline?.at(-1)?.kind === 'ended',
    );
    await deleteExecutions([id, withdrawn]);
  }, 240_000);

  it('answered every read before the deletion', () => {
    for (const [name, res] of Object.entries(before)) expect(res.status, name).toBe(200);
  });

  it('reads detail, timeline, audit, receipt, hotline lookup and review sheet back, unchanged', async () => {
    for (const [name, read] of Object.entries(reads(id))) {
      const after = await read();
      expect(after.status, `${name}: ${JSON.stringify(after.body).slice(0, 200)}`).toBe(200);
      expect(after.body, name).toEqual(before[name]!.body);
    }
    const detail = (await reads(id).detail()).body;
    expect(detail).toMatchObject({ status: 'completed', applicant: { idNumber: '3206**********1234' } });
    expect(detail.items.map((i: { status: string }) => i.status)).toEqual(['approved', 'approved', 'approved', 'approved', 'approved']);
    const audit = (await reads(id).audit()).body.audit as { action: string; actor: { sub: string } }[];
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['提交申请', '领取任务', '准予']));
    expect(audit.filter((a) => a.action === '准予')).toHaveLength(5);
  });

  it('takes a rating (好差评) and records it in the timeline', async () => {
    const rated = await call('POST', `/v1/applications/${id}/evaluation`, applicant, { rating: 5 });
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
    const history = (await reads(id).history()).body;
    expect(history.timeline.at(-1)).toMatchObject({ kind: 'evaluation', label: '好差评：非常满意', actor: { sub: 'chenqi', role: 'applicant' } });
  });

  it('opens a rectification on a bad rating at the window, and the department works it', async () => {
    const rated = await call('POST', `/v1/applications/${id}/evaluation`, window, { rating: 1, item: 'birth-cert', comment: '排队太久' });
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
    const rectification: string = rated.body.rectification.id;
    expect((await call('GET', `/v1/rectifications/${rectification}`, dept('wsjk'))).status).toBe(200);
    const checked = await call('POST', `/v1/rectifications/${rectification}/check`, dept('wsjk'), { text: '情况属实，已核实' });
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
  });

  it('refuses acts on it as a state conflict, not a 500', async () => {
    const res = await call('POST', `/v1/applications/${id}/withdraw`, applicant, { reason: '不再需要' });
    expect(res.status).toBe(409);
    expect((await call('GET', `/v1/applications/${id}`, bearer({ sub: 'someone-else', role: 'applicant' }))).status).toBe(404);
    expect((await call('GET', `/v1/applications/${id}`, dept('mzj'))).status).toBe(403);
  });

  it('a withdrawn application, deleted, reads back too', async () => {
    const wid = withdrawn;
    const detail = await call('GET', `/v1/applications/${wid}`, applicant);
    expect(detail.status).toBe(200);
    expect(detail.body.status).toBe('withdrawn');
    const history = (await call('GET', `/v1/applications/${wid}/history`, coordinator)).body;
    expect(history.timeline.map((e: { label: string }) => e.label)).toEqual(expect.arrayContaining(['提交申请', '撤回', '事项取消', '办理结束（已撤回）']));
    expect((await call('GET', `/v1/hotline/applications/${wid}`, hotline)).body).toMatchObject({ status: 'withdrawn' });
  });
});

describe('a 告知承诺 grant revoked after its application’s executions are gone', () => {
  it('lets the department revoke it through the running post-check, and shows the revocation from the case file', async () => {
    // Taken at the window (no intake review), for the applicant's account.
    const body = pledgedRestaurantBody('chenqi');
    const items = applicableItems(restaurant, body.answers);
    const created = await call('POST', '/v1/applications', window, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id: string = created.body.id;
    // Every item but the pledged one is approved by its department, in the order they open.
    let open = items.filter((i) => i.code !== 'fire-check');
    while (open.length) {
      const detail = await waitFor(
        async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
        (a) => open.some((i) => statusOf(a, i.code) === 'in_review'),
      );
      const ready = open.filter((i) => statusOf(detail, i.code) === 'in_review');
      for (const item of ready) {
        const res = await call('POST', `/v1/applications/${id}/items/${item.code}/decisions`, dept(item.department), {
          decision: 'approve',
          result: { no: `${item.code}-1` },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
      open = open.filter((i) => !ready.includes(i));
    }
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}/history`, coordinator)).body,
      (h) => h.timeline?.some((e: { kind: string }) => e.kind === 'ended'),
    );
    expect(statusOf((await call('GET', `/v1/applications/${id}`, applicant)).body, 'fire-check')).toBe('approved');

    // Retention deletes closed executions: the application's and its items', not the running post-check.
    const postCheck = `application:${id}:item:fire-check:post-check`;
    await deleteExecutions([id], true);
    expect((await sys.temporal.workflow.getHandle(postCheck).describe()).status.name).toBe('RUNNING');

    const revoked = await call('POST', `/v1/applications/${id}/items/fire-check/post-check`, dept('xfjy'), {
      outcome: 'revoked',
      reason: '现场核查：消防设施与承诺不符',
    });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    // The answer already shows it: the post-check answers once the case file has the revocation.
    expect(revoked.body.revocations).toEqual([expect.objectContaining({ item: 'fire-check', reason: '现场核查：消防设施与承诺不符' })]);
    const history = await waitFor(
      async () => (await call('GET', `/v1/applications/${id}/history`, coordinator)).body,
      (h) => h.timeline?.some((e: { label: string }) => e.label.includes('撤销')),
    );
    expect(history.timeline.find((e: { label: string }) => e.label.includes('撤销'))).toMatchObject({
      item: 'fire-check',
      actor: { role: 'department', dept: 'xfjy' },
    });
    // The certificate it issued (电子证照) is revoked with it: no later application takes it any more.
    const certificate = await call('GET', `/v1/certificates/${id}:fire-check`, dept('xfjy'));
    expect(certificate.status).toBe(200);
    expect(certificate.body).toMatchObject({ type: 'fire-check', department: 'xfjy', revokeReason: '现场核查：消防设施与承诺不符' });
    expect(certificate.body.revokedAt).toEqual(expect.any(String));
  }, 240_000);
});

describe('the submission in PostgreSQL', () => {
  it('keeps answers and material references in the clear, personal values only sealed', async () => {
    const created = await call('POST', '/v1/applications', applicant, {
      ...newbornBody,
      materials,
      delivery: { method: 'express', address: '南京市玄武区中山路1号' },
    });
    const id: string = created.body.id;
    const [row] = await sys.db.db.select().from(caseFiles).where(eq(caseFiles.applicationId, id));
    expect(row!.submission).toMatchObject({ answers: newbornBody.answers, delivery: { method: 'express' }, channel: 'web', owner: 'chenqi' });
    expect((row!.submission as { materials: unknown[] }).materials).toContainEqual(
      expect.objectContaining({ code: 'parent-id', name: '父母双方居民身份证', uri: materials[0]!.uri, sha256: materials[0]!.sha256 }),
    );
    const raw = JSON.stringify(await sys.db.db.execute(sql`select row_to_json(c)::text as text from case_files c where application_id = ${id}`));
    for (const secret of ['320681199001011234', '13800000000', '张三', '张小三', '李四', '中山路']) expect(raw).not.toContain(secret);
    expect(row!.sealed).toMatch(/^test-1:/);
    await call('POST', `/v1/applications/${id}/withdraw`, applicant, { reason: '测试结束' });
  });

  it('never lets the history reach the uris: the workflow gets the material codes only', async () => {
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, materials });
    const id: string = created.body.id;
    const history = JSON.stringify(await sys.temporal.workflow.getHandle(`application:${id}`).fetchHistory());
    expect(history).not.toContain('files.example.gov.cn'); // encrypted anyway; this is the size guard
    await call('POST', `/v1/applications/${id}/withdraw`, applicant, { reason: '测试结束' });
  });

  it('keeps the event log append-only', async () => {
    const [any] = await sys.db.db.select().from(caseEvents).limit(1);
    const refused = (err: { message: string; cause?: { message?: string } }) => /append-only/.test(`${err.message} ${err.cause?.message}`);
    await expect(sys.db.db.delete(caseEvents).where(eq(caseEvents.id, any!.id))).rejects.toSatisfy(refused);
    await expect(sys.db.db.update(caseEvents).set({ label: 'x' }).where(eq(caseEvents.id, any!.id))).rejects.toSatisfy(refused);
  });
});

describe('the review sheet: need to know', () => {
  let id: string;
  const sheet = (item: string, who: Record<string, string>) => call('GET', `/v1/applications/${id}/items/${item}`, who);

  beforeAll(async () => {
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, materials });
    id = created.body.id;
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
      (a) => statusOf(a, 'birth-cert') === 'in_review',
    );
    const approved = await call('POST', `/v1/applications/${id}/items/birth-cert/decisions`, dept('wsjk'), {
      decision: 'approve',
      result: { certNo: 'O3200001' },
    });
    expect(approved.status).toBe(200);
    await waitFor(
      async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
      (a) => statusOf(a, 'hukou') === 'in_review',
    );
  });
  afterAll(async () => {
    await call('POST', `/v1/applications/${id}/withdraw`, applicant, { reason: '测试结束' });
  });

  it('shows a department its own item: its fields with values, its materials with uri and sha256, prerequisite results', async () => {
    const res = await sheet('hukou', dept('gaj'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body;
    expect(body.reach).toBe('item');
    expect(body.item).toMatchObject({ code: 'hukou', department: 'gaj', status: 'in_review', deadline: expect.any(String), clock: 'running' });
    // Exactly the item's fields (户口登记: child, parents, household address) — no bank account, no phone.
    expect(body.fields.map((f: { key: string }) => f.key)).toEqual(['childName', 'childGender', 'birthDate', 'motherName', 'fatherName', 'householdAddress']);
    expect(body.fields[0]).toEqual({ key: 'childName', label: expect.any(String), type: 'string', value: '张小三' });
    expect(JSON.stringify(body)).not.toContain('13800000000');
    const household = body.materials.find((m: { code: string }) => m.code === 'household-book');
    expect(household).toMatchObject({ received: true, refs: [{ uri: materials[2]!.uri, sha256: materials[2]!.sha256, via: 'submission' }] });
    expect(body.materials.map((m: { code: string }) => m.code)).not.toContain('child-photo');
    expect(body.prerequisites).toEqual([{ item: 'birth-cert', name: '出生医学证明', status: 'approved', result: { certNo: 'O3200001' } }]);
    expect(body.events.map((e: { kind: string }) => e.kind)).toContain('dispatched');
    expect(body.answers).toBeUndefined();
  });

  it('refuses a department another department’s item', async () => {
    expect((await sheet('birth-cert', dept('gaj'))).status).toBe(403);
    expect((await sheet('hukou', dept('ybj'))).status).toBe(403);
    expect((await sheet('hukou', dept('mzj'))).status).toBe(403);
  });

  it('shows window staff and the applicant the whole submission', async () => {
    for (const who of [window, applicant]) {
      const body = (await sheet('hukou', who)).body;
      expect(body.reach).toBe('whole');
      expect(body.fields.find((f: { key: string }) => f.key === 'contactPhone')).toMatchObject({ value: '13800000000' });
      expect(body.materials.map((m: { code: string }) => m.code)).toContain('child-photo');
      expect(body.answers).toEqual(newbornBody.answers);
    }
    expect((await sheet('hukou', bearer({ sub: 'stranger', role: 'applicant' }))).status).toBe(404);
  });

  it('shows coordinators and the hotline the item without the values', async () => {
    for (const who of [coordinator, hotline]) {
      const body = (await sheet('hukou', who)).body;
      expect(body.reach).toBe('none');
      expect(body.fields.every((f: object) => !('value' in f))).toBe(true);
      expect(JSON.stringify(body)).not.toContain('files.example.gov.cn');
      expect(JSON.stringify(body)).not.toContain('张小三');
    }
  });

  it('links every inbox entry to its sheet, and adds a supplement’s references to it', async () => {
    const inbox = (await call('GET', '/v1/departments/gaj/tasks', dept('gaj'))).body;
    expect(inbox.tasks.find((t: { applicationId: string }) => t.applicationId === id)).toMatchObject({ sheet: `/v1/applications/${id}/items/hukou` });
    const uri = 'https://files.example.gov.cn/m/household-book-v2.pdf';
    expect(
      (await call('POST', `/v1/applications/${id}/supplements`, applicant, { materials: [{ code: 'household-book', uri, sha256: sha('9') }] })).status,
    ).toBe(200);
    const household = (await sheet('hukou', dept('gaj'))).body.materials.find((m: { code: string }) => m.code === 'household-book');
    expect(household.refs.map((r: { uri: string; via: string }) => [r.uri, r.via])).toEqual([
      [materials[2]!.uri, 'submission'],
      [uri, 'supplement'],
    ]);
  });

  it('answers 404 for an unknown item', async () => {
    expect((await sheet('no-such-item', window)).status).toBe(404);
  });
});
