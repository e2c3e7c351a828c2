// 好差评 and 12345 over HTTP: a bad review ends in a closed rectification with a reply and a return
// visit; a hotline ticket is routed to the item's department; the hotline looks a case up masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newbornBody, newbornNoOptions } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

const applicant = bearer({ sub: 'sunqi', role: 'applicant' });
const hotline = bearer({ sub: 'agent-12345', role: 'hotline' });
const call = async (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) => {
  const res = await sys.app.inject({ method, url, headers, payload });
  return { status: res.statusCode, body: res.json() };
};

async function endedApplication() {
  const { body } = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
  const id = body.id;
  for (const [item, code] of [
    ['birth-cert', 'wsjk'],
    ['vaccination', 'jkzx'],
  ]) {
    await waitFor(
      () => call('GET', `/v1/applications/${id}`, applicant),
      (r) => r.body.items.find((i: { code: string }) => i.code === item)?.status === 'in_review',
    );
    await call('POST', `/v1/applications/${id}/items/${item}/decisions`, dept(code!), { decision: 'approve' });
  }
  await waitFor(
    () => call('GET', `/v1/applications/${id}`, applicant),
    (r) => r.body.status === 'completed',
  );
  return id;
}

describe('好差评 with rectification', () => {
  it('rates once after the end; a 非常不满意 opens a rectification that closes with reply and return visit', async () => {
    const { body } = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
    expect((await call('POST', `/v1/applications/${body.id}/evaluation`, applicant, { rating: 5 })).status).toBe(409); // not ended yet
    await call('POST', `/v1/applications/${body.id}/withdraw`, applicant, { reason: '测试' });

    const id = await endedApplication();
    expect((await call('POST', `/v1/applications/${id}/evaluation`, bearer({ sub: 'other', role: 'applicant' }), { rating: 1 })).status).toBe(404);
    expect((await call('POST', `/v1/applications/${id}/evaluation`, applicant, { rating: 6 })).status).toBe(400);
    const rated = await call('POST', `/v1/applications/${id}/evaluation`, applicant, {
      rating: 1,
      item: 'vaccination',
      indicators: { satisfaction: 1, efficiency: 2, guideAccuracy: 3, convenience: 1, usability: 4 },
      comment: '接种证办理窗口让我跑了两次',
    });
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({ level: '非常不满意', rectification: { department: 'jkzx' } });
    expect((await call('POST', `/v1/applications/${id}/evaluation`, applicant, { rating: 3 })).status).toBe(409); // 一事一评
    const rid = rated.body.rectification.id;

    const step = (name: string, headers: Record<string, string>, payload: object) => call('POST', `/v1/rectifications/${rid}/${name}`, headers, payload);
    expect((await step('check', dept('wsjk'), { text: '核实' })).status).toBe(403); // another department's case
    expect((await step('check', hotline, { text: '核实' })).status).toBe(403);
    expect((await step('check', dept('jkzx'), { text: '经核实情况属实' })).status).toBe(200);
    expect((await step('rectify', dept('jkzx'), { text: '优化一次性告知单', outcome: 'immediate' })).status).toBe(200);
    expect((await step('reply', dept('jkzx'), { text: '已整改，感谢监督' })).status).toBe(200);
    const visited = await step('return-visit', hotline, { text: '电话回访满意', satisfied: true });
    expect(visited.body).toMatchObject({ status: 'closed', satisfied: true, outcome: 'immediate' });
    const listed = await waitFor(
      () => call('GET', '/v1/cases?kind=rectification', bearer({ sub: 'c', role: 'coordinator' })),
      (r) => r.body.cases.some((c: { id: string; status: string }) => c.id === rid && c.status === 'closed'),
    );
    expect(listed.body.cases.find((c: { id: string }) => c.id === rid)).toMatchObject({ department: 'jkzx', replied: true, rectified: true, visited: true });
    expect((await call('GET', '/v1/cases', dept('wsjk'))).body.cases.some((c: { id: string }) => c.id === rid)).toBe(false);

    // Statistics count the review and the rectification's closing steps (10.4: all expected at 100%).
    const stats = (await call('GET', '/v1/stats?bundle=newborn', bearer({ sub: 'c', role: 'coordinator' }))).body;
    expect(stats).toMatchObject({
      evaluations: 1,
      badReviews: 1,
      badReviewRate: 1,
      rectifications: { total: 1, replyRate: 1, rectificationRate: 1, returnVisitRate: 1, overdue: 0 },
    });

    // Window ratings (issue #14 row 7): only by window staff, for an application they served, once each.
    const window = bearer({ sub: 'window-1', role: 'window' });
    expect((await call('POST', `/v1/applications/${id}/evaluation`, window, { rating: 1, visitId: 'v1' })).status).toBe(403); // never served it
    const served = await call('POST', '/v1/applications', window, { ...newbornBody, channel: 'window', answers: newbornNoOptions, applicantAccount: 'sunqi' });
    expect(served.status).toBe(201);
    const rate = (who: Record<string, string>, body: object) => call('POST', `/v1/applications/${served.body.id}/evaluation`, who, body);
    expect((await rate(window, { rating: 4, visitId: 'v1' })).status).toBe(201);
    expect((await rate(window, { rating: 1, visitId: 'v2' })).status).toBe(409); // another visitId is not another visit
    expect((await rate(applicant, { rating: 1, channel: 'window', visitId: 'v3' })).status).toBe(403); // an applicant cannot pose as the window
  });
});

describe('12345', () => {
  it('looks up an application masked, routes a complaint to the item’s department, and closes it', async () => {
    const id = await endedApplication();
    const status = await call('GET', `/v1/hotline/applications/${id}`, hotline);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ number: id, status: 'completed', applicant: { idNumber: '3206**********1234', name: '张*' } });
    expect(JSON.stringify(status.body)).not.toContain('13800000000');
    expect((await call('GET', `/v1/hotline/applications/${id}`, applicant)).status).toBe(403);

    const created = await call('POST', '/v1/tickets', hotline, { type: 'complaint', subject: '出生医学证明办理慢', applicationNumber: id, item: 'birth-cert' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ department: 'wsjk', status: 'dispatched', type: 'complaint' });
    const tid = created.body.id;
    expect((await call('POST', `/v1/tickets/${tid}/reply`, dept('gaj'), { text: 'x' })).status).toBe(403); // another department's ticket
    expect((await call('POST', `/v1/tickets/${tid}/reply`, dept('wsjk'), { text: '已加派人手' })).status).toBe(200);
    const closed = await call('POST', `/v1/tickets/${tid}/close`, hotline, { satisfied: true, note: '回访满意' });
    expect(closed.body).toMatchObject({ status: 'closed', visit: { satisfied: true } });
    expect((await call('POST', '/v1/tickets', hotline, { type: 'consultation', subject: '无部门' })).status).toBe(400);
  });
});
