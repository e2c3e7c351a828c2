// GET /v1/applications/:id/history over HTTP (R-8.1): the timeline operators read, built from the
// real workflow histories of the application and its items, with nothing personal in it (R-9.2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { loadApiConfig } from '../../api/config.js';
import { newbornBody, newbornNoOptions } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

// The applicant's token carries their real name: it must not reach the timeline either.
const applicant = bearer({ sub: 'zhaoliu', role: 'applicant', name: '张三' });
const coordinator = bearer({ sub: 'ops-1', role: 'coordinator' });
const call = async (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) => {
  const res = await sys.app.inject({ method, url, headers, payload });
  return { status: res.statusCode, body: res.json() };
};
const get = async (id: string) => (await call('GET', `/v1/applications/${id}`, applicant)).body;
const statusOf = (a: { items: { code: string; status: string }[] }, code: string) => a.items.find((i) => i.code === code)?.status;
const decide = async (id: string, item: string, code: string, payload: object) => {
  await waitFor(
    () => get(id),
    (a) => statusOf(a, item) === 'in_review',
  );
  const res = await call('POST', `/v1/applications/${id}/items/${item}/decisions`, dept(code), payload);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

interface Entry {
  at: string;
  kind: string;
  item?: string;
  actor?: { sub: string; role: string; dept?: string; post?: string };
  label: string;
  detail: Record<string, unknown>;
}

describe('GET /v1/applications/:id/history', () => {
  let id: string;
  let timeline: Entry[];
  let body: { timeline: Entry[]; workflows: { workflowId: string; type: string; status: string; link?: string }[] };

  beforeAll(async () => {
    const created = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
    expect(created.status).toBe(201);
    id = created.body.id;
    // The officer's free text names the child: the timeline masks it.
    await decide(id, 'birth-cert', 'wsjk', { decision: 'correction', missing: ['delivery-record'], reason: '新生儿张小三的分娩记录缺少医师签名' });
    expect((await call('POST', `/v1/applications/${id}/supplements`, applicant, { materials: [{ code: 'delivery-record' }] })).status).toBe(200);
    await decide(id, 'birth-cert', 'wsjk', { decision: 'approve', result: { certNo: 'O320000009' } });
    await decide(id, 'vaccination', 'jkzx', { decision: 'reject', reason: '已在外地建卡' });
    // The view shows the outcome as soon as it is decided; the workflow ends a moment later.
    const res = await waitFor(
      () => call('GET', `/v1/applications/${id}/history`, coordinator),
      (r) => r.status !== 200 || r.body.timeline.at(-1)?.kind === 'ended',
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    body = res.body;
    timeline = body.timeline;
  });

  it('tells the story in order, in Chinese', () => {
    const times = timeline.map((e) => Date.parse(e.at));
    expect(times.every((t) => !Number.isNaN(t))).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const labels = timeline.map((e) => e.label);
    const story = ['提交申请', '受理', '分办至 卫生健康委员会 (出生医学证明)', '要求补正', '补充材料', '准予', '不予批准', '部分办结'];
    const positions = story.map((label) => labels.indexOf(label));
    expect(positions, labels.join(' / ')).not.toContain(-1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(labels).toContain('分办至 疾病预防控制中心 (预防接种证)');
    expect(labels).toContain('通知申请人');
    expect(timeline.at(-1)).toMatchObject({ kind: 'ended', label: '部分办结', detail: { status: 'partially_completed' } });
    for (const e of timeline) expect(e.label).toMatch(/[\u4e00-\u9fff]/);
  });

  it('attributes every decision: who, department, post', () => {
    const byLabel = (label: string) => timeline.find((e) => e.label === label)!;
    expect(byLabel('要求补正')).toMatchObject({
      item: 'birth-cert',
      actor: { sub: 'officer-wsjk-A', role: 'department', dept: 'wsjk', post: 'A' },
      detail: { missing: ['delivery-record'], status: 'correction_requested' },
    });
    expect(byLabel('准予')).toMatchObject({ item: 'birth-cert', actor: { dept: 'wsjk', post: 'A' }, detail: { status: 'approved', resultFields: ['certNo'] } });
    expect(byLabel('不予批准')).toMatchObject({ item: 'vaccination', actor: { dept: 'jkzx', post: 'A' }, detail: { reason: '已在外地建卡' } });
    expect(byLabel('补充材料')).toMatchObject({ actor: { sub: 'zhaoliu', role: 'applicant' }, detail: { materials: ['delivery-record'] } });
    expect(byLabel('提交申请')).toMatchObject({ actor: { sub: 'zhaoliu', role: 'applicant' }, detail: { channel: 'web', bundle: { code: 'newborn' } } });
  });

  it('carries no personal data', () => {
    const json = JSON.stringify(body);
    for (const value of ['320681199001011234', '13800000000', '张三', '张小三', '李四', 'O320000009']) expect(json).not.toContain(value);
    expect(timeline.find((e) => e.label === '要求补正')!.detail.reason).toBe('新生儿张**的分娩记录缺少医师签名');
    expect(timeline.every((e) => !e.actor || !('name' in e.actor))).toBe(true);
  });

  it('lists the workflows it was read from', () => {
    expect(body.workflows).toEqual([
      { workflowId: `application:${id}`, type: 'applicationWorkflow', status: 'completed' },
      { workflowId: `application:${id}:item:birth-cert`, type: 'itemWorkflow', status: 'completed' },
      { workflowId: `application:${id}:item:vaccination`, type: 'itemWorkflow', status: 'completed' },
    ]);
  });

  it('links each workflow to the Temporal Web UI when one is configured', async () => {
    const withUi = await buildApp({
      temporal: sys.temporal,
      taskQueue: sys.taskQueue,
      db: sys.db,
      codec: sys.codec,
      config: { ...loadApiConfig({}), temporalUiUrl: 'http://ui.example:8233/' },
    });
    try {
      const res = await withUi.inject({ method: 'GET', url: `/v1/applications/${id}/history`, headers: coordinator });
      expect(res.json().workflows.map((w: { link: string }) => w.link)).toEqual([
        `http://ui.example:8233/namespaces/default/workflows/${encodeURIComponent(`application:${id}`)}`,
        `http://ui.example:8233/namespaces/default/workflows/${encodeURIComponent(`application:${id}:item:birth-cert`)}`,
        `http://ui.example:8233/namespaces/default/workflows/${encodeURIComponent(`application:${id}:item:vaccination`)}`,
      ]);
    } finally {
      await withUi.close();
    }
  });

  it('follows the access rules of GET /v1/applications/:id', async () => {
    expect((await call('GET', `/v1/applications/${id}/history`, applicant)).status).toBe(200);
    expect((await call('GET', `/v1/applications/${id}/history`, dept('wsjk'))).status).toBe(200);
    expect((await call('GET', `/v1/applications/${id}/history`, bearer({ sub: 'someone-else', role: 'applicant' }))).status).toBe(404);
    expect((await call('GET', `/v1/applications/${id}/history`, dept('gaj'))).status).toBe(403);
    expect((await sys.app.inject({ method: 'GET', url: `/v1/applications/${id}/history` })).statusCode).toBe(401);
    expect((await call('GET', '/v1/applications/NOSUCHAPP1/history', coordinator)).status).toBe(404);
  });
});
