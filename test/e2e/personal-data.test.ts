// personal data is encrypted in Temporal histories, masked in responses, absent from logs;
// the codec endpoint shows it to operators only.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../api/app.js';
import { loadApiConfig } from '../../api/config.js';
import { applicationWorkflowId } from '../../workflows/shared/ids.js';
import { newbornBody, newbornNoOptions } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

const ID_NUMBER = newbornBody.applicant.idNumber;
const PHONE = newbornBody.applicant.phone;
let sys: TestSystem;
let logged: App;
const logLines: string[] = [];

beforeAll(async () => {
  sys = await startSystem();
  // A second API over the same system, logging everything it can, to read what a log would hold.
  logged = await buildApp({
    temporal: sys.temporal,
    taskQueue: sys.taskQueue,
    db: sys.db,
    codec: sys.codec,
    config: loadApiConfig({}),
    logger: { level: 'trace', stream: { write: (line) => void logLines.push(line) } },
  });
});
afterAll(async () => {
  await logged?.close();
  await sys?.stop();
});

const applicant = bearer({ sub: 'zhaoliu', role: 'applicant' });

describe('personal data', () => {
  it('stores no plaintext ID number, phone or name in the raw workflow histories', async () => {
    const created = await logged.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: applicant,
      payload: { ...newbornBody, answers: newbornNoOptions },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    await waitFor(
      async () => (await sys.app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: applicant })).json().status,
      (s) => s === 'in_review',
    );
    await sys.app.inject({ method: 'POST', url: `/v1/applications/${id}/items/birth-cert/decisions`, headers: dept('wsjk'), payload: { decision: 'approve' } });

    // A client without the codec sees what the server stores.
    const connection = await Connection.connect({ address: sys.address });
    try {
      const raw = new Client({ connection });
      const histories = await Promise.all(
        [applicationWorkflowId(id), `${applicationWorkflowId(id)}:item:birth-cert`].map((wid) => raw.workflow.getHandle(wid).fetchHistory()),
      );
      const text = JSON.stringify(histories) + histories.map((h) => Buffer.from(JSON.stringify(h)).toString('base64')).join('');
      const decoded = histories
        .flatMap((h) => h.events ?? [])
        .flatMap((e) => e.workflowExecutionStartedEventAttributes?.input?.payloads ?? [])
        .map((p) => Buffer.from(p.data ?? []).toString('utf8'))
        .join('');
      for (const secret of [ID_NUMBER, PHONE, '张三']) {
        expect(text).not.toContain(secret);
        expect(decoded).not.toContain(secret);
      }
      expect(decoded.length).toBeGreaterThan(0);
    } finally {
      await connection.close();
    }
    expect(logLines.length).toBeGreaterThan(0);
    const logs = logLines.join('\n');
    expect(logs).not.toContain(ID_NUMBER);
    expect(logs).not.toContain(PHONE);
    expect(logs).not.toContain(applicant.authorization.slice(7));
  });

  it('logs every line about an application with its number, its workflow and the request id (issue #19)', async () => {
    logLines.length = 0;
    const created = await logged.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { ...applicant, 'x-request-id': 'portal-42' },
      payload: { ...newbornBody, answers: newbornNoOptions },
    });
    expect(created.headers['x-request-id']).toBe('portal-42');
    const id: string = created.json().id;
    await logged.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: applicant });
    await logged.inject({ method: 'POST', url: `/v1/applications/${id}/items/vaccination/decisions`, headers: dept('jkzx'), payload: { decision: 'bogus' } });
    // Free text is not taken as a request id: a fresh one is made and sent back.
    const odd = await logged.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: { ...applicant, 'x-request-id': 'two words\nforged' } });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const lines = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const about = lines.filter((l) => JSON.stringify(l).includes(id));
    expect(about.length).toBeGreaterThanOrEqual(4);
    // Every line of these requests (incoming, completed, the refusal) names the application and the workflow.
    const ofRequests = lines.filter((l) => about.some((a) => a.reqId === l.reqId));
    for (const line of ofRequests) {
      expect(line, JSON.stringify(line)).toMatchObject({
        reqId: expect.any(String),
        applicationNumber: id,
        workflowId: expect.stringMatching(new RegExp(`^application:${id}`)),
      });
    }
    expect(ofRequests.some((l) => l.reqId === 'portal-42')).toBe(true);
    expect(ofRequests.some((l) => l.workflowId === `application:${id}:item:vaccination`)).toBe(true);
    const text = logLines.join('\n');
    for (const secret of [ID_NUMBER, PHONE, '张三']) expect(text).not.toContain(secret);
  });

  it('decrypts through the codec endpoint for operators only', async () => {
    const [encoded] = (
      await sys.app.inject({
        method: 'POST',
        url: '/codec/encode',
        headers: bearer({ sub: 'op', role: 'coordinator' }),
        payload: {
          payloads: [
            {
              metadata: { encoding: Buffer.from('json/plain').toString('base64') },
              data: Buffer.from(JSON.stringify({ idNumber: ID_NUMBER })).toString('base64'),
            },
          ],
        },
      })
    ).json().payloads;
    expect(Buffer.from(encoded.data, 'base64').toString('latin1')).not.toContain(ID_NUMBER);
    const body = { payloads: [encoded] };
    expect((await sys.app.inject({ method: 'POST', url: '/codec/decode', payload: body })).statusCode).toBe(401);
    expect((await sys.app.inject({ method: 'POST', url: '/codec/decode', headers: applicant, payload: body })).statusCode).toBe(403);
    const decoded = await sys.app.inject({ method: 'POST', url: '/codec/decode', headers: bearer({ sub: 'op', role: 'coordinator' }), payload: body });
    expect(decoded.statusCode).toBe(200);
    expect(Buffer.from(decoded.json().payloads[0].data, 'base64').toString()).toContain(ID_NUMBER);
  });
});
