// Bounded history: no sequence of requests the API accepts may push a workflow past Temporal's
// limits (2 MiB a payload, 50 MiB a history). Oversized results are refused with details (4xx,
// never a 5xx or a wedged workflow), and an item driven to every cap the limits allow keeps its own
// and its application's history within the figures the README states.
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto'; // CommonJS: no named exports under Node's ESM loader
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newborn } from '../../db/catalogue/newborn.js';
import { MAX_BUNDLE_ITEMS, MAX_INTERIM_DECISIONS, MAX_RESULT_BYTES, MAX_SUPPLEMENTS } from '../../workflows/shared/limits.js';
import { newbornBody } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

const applicant = bearer({ sub: 'liuyi', role: 'applicant' });
const coordinator = bearer({ sub: 'ops-9', role: 'coordinator' });
const call = async (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object | string) => {
  const res = await sys.app.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload });
  return { status: res.statusCode, body: String(res.headers['content-type']).includes('json') ? res.json() : res.body };
};
const statusOf = (a: { items: { code: string; status: string }[] }, code: string) => a.items.find((i) => i.code === code)?.status;
/** A reason at the schema's bound, in Chinese (3 bytes a character): the largest text a decision carries. */
const longReason = '检'.repeat(2000);

async function inReview(item: string) {
  const created = await call('POST', '/v1/applications', applicant, newbornBody);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id: string = created.body.id;
  await waitFor(
    async () => (await call('GET', `/v1/applications/${id}`, applicant)).body,
    (a) => statusOf(a, item) === 'in_review',
  );
  return id;
}

/** Bytes of a workflow's history as Temporal stores it, and of its largest event. */
async function historySize(workflowId: string) {
  // Without the API's call deadlines: a history of megabytes takes a while to page through.
  const connection = await Connection.connect({ address: sys.address });
  const { events } = await new Client({ connection }).workflow
    .getHandle(workflowId)
    .fetchHistory()
    .finally(() => connection.close());
  const sizes = (events ?? []).map((e) => proto.temporal.api.history.v1.HistoryEvent.encode(e).finish().length);
  return { bytes: sizes.reduce((a, b) => a + b, 0), largest: Math.max(...sizes), events: sizes.length };
}

describe('bounded history', () => {
  it('refuses oversized results with details and leaves the application working', async () => {
    const id = await inReview('birth-cert');
    const url = `/v1/applications/${id}/items/birth-cert/decisions`;
    const wsjk = dept('wsjk');

    // Two 600 KB results (each alone fits the body limit) and one of 1 MB, as the issue tried them.
    for (const size of [600_000, 600_000, 1_000_000]) {
      const res = await call('POST', url, wsjk, { decision: 'approve', result: { blob: 'x'.repeat(size) } });
      expect(res.status, `result of ${size} bytes`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.error).toBeTypeOf('string');
      if (res.status === 400) expect(JSON.stringify(res.body.details)).toContain('result');
    }
    // A body beyond the body limit: 413 with the error body.
    const huge = await call('POST', url, wsjk, JSON.stringify({ decision: 'approve', result: { blob: 'x'.repeat(1_100_000) } }));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('payload_too_large');

    // Many small keys add up too: refused by the byte bound, not only by the key count.
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, '证'.repeat(100)]));
    const refused = await call('POST', url, wsjk, { decision: 'approve', result: wide });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain(String(MAX_RESULT_BYTES));

    // Nothing reached the workflow: it answers, and takes a result at the bound.
    expect((await call('GET', `/v1/applications/${id}`, applicant)).status).toBe(200);
    expect((await call('GET', `/v1/applications/${id}/history`, coordinator)).status).toBe(200);
    const atBound = { licence: '苏'.repeat(Math.floor((MAX_RESULT_BYTES - 20) / 3)) };
    const ok = await call('POST', url, wsjk, { decision: 'approve', result: atBound });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.items.find((i: { code: string }) => i.code === 'birth-cert').result).toEqual(atBound);
  });

  it('caps interim decisions on an item, keeps resume and the final decision open, and the history within the stated bound', async () => {
    const id = await inReview('birth-cert');
    const url = `/v1/applications/${id}/items/birth-cert/decisions`;
    const wsjk = dept('wsjk');
    const decide = (body: object) => call('POST', url, wsjk, body);
    const parentBefore = await historySize(`application:${id}`);

    for (let i = 0; i < MAX_INTERIM_DECISIONS; i++) {
      const s = await decide({ decision: 'suspend', suspension: 'expert-review', expectedDays: 5, reason: longReason });
      expect(s.status, `suspension ${i + 1}: ${JSON.stringify(s.body)}`).toBe(200);
      expect((await decide({ decision: 'resume', reason: longReason })).status).toBe(200);
    }
    const capped = await decide({ decision: 'suspend', suspension: 'testing', expectedDays: 5, reason: longReason });
    expect(capped.status).toBe(409);
    expect(capped.body.message).toContain(String(MAX_INTERIM_DECISIONS));
    expect((await decide({ decision: 'extend', days: 5, approver: '局长', reason: longReason })).status).toBe(409);

    const approved = await decide({ decision: 'approve', reason: longReason, result: { licence: '苏'.repeat(Math.floor((MAX_RESULT_BYTES - 20) / 3)) } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(statusOf(approved.body, 'birth-cert')).toBe('approved');

    // The figures the README states for one item at every cap: its own history and what it adds to the application's.
    const item = await historySize(`application:${id}:item:birth-cert`);
    const parent = await historySize(`application:${id}`);
    const added = parent.bytes - parentBefore.bytes;
    console.log(
      `item at every cap (${MAX_INTERIM_DECISIONS} interim decisions, 2000-character reasons, a result at the bound): ` +
        `item history ${(item.bytes / 1024).toFixed(0)} KiB in ${item.events} events (largest ${(item.largest / 1024).toFixed(0)} KiB); ` +
        `added to the application's ${(added / 1024).toFixed(0)} KiB in ${parent.events - parentBefore.events} events (largest ${(parent.largest / 1024).toFixed(0)} KiB)`,
    );
    expect(item.largest).toBeLessThan(256 * 1024); // Temporal warns above 256 KiB a payload
    expect(parent.largest).toBeLessThan(256 * 1024);
    // README: an item at every cap keeps its own history under 1 MiB and adds under 1 MiB to its application's.
    expect(item.bytes).toBeLessThan(1024 * 1024);
    expect(added).toBeLessThan(1024 * 1024);
  });

  it('refuses the 21st supplement to an application and a bundle of more than 40 items, with the error body', async () => {
    const id = await inReview('birth-cert');
    for (let i = 0; i < MAX_SUPPLEMENTS; i++) {
      const res = await call('POST', `/v1/applications/${id}/supplements`, applicant, { materials: [{ code: 'child-photo' }] });
      expect(res.status, `supplement ${i + 1}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    const refused = await call('POST', `/v1/applications/${id}/supplements`, applicant, { materials: [{ code: 'child-photo' }] });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(String(MAX_SUPPLEMENTS));

    const big = {
      ...newborn,
      code: 'big-bundle',
      items: Array.from({ length: MAX_BUNDLE_ITEMS + 1 }, (_, i) => ({ ...newborn.items[0]!, code: `item-${i}`, after: [] })),
    };
    const res = await call('POST', '/v1/bundles', coordinator, big);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain('items');
  });
});
