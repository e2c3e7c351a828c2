// personal data is encrypted in Temporal histories, masked in responses, absent from logs;
// the codec endpoint shows it to operators only.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../api/app.js';
import { loadApiConfig } from '../../api/config.js';
import { applicationWorkflowId } from '../../workflows/shared/ids.js';
import { newbornBody } from '../fixtures/applications.js';
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
    const created = await logged.inject({ method: 'POST', url: '/v1/applications', headers: applicant, payload: { ...newbornBody, answers: {} } });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    await waitFor(async () => (await sys.app.inject({ method: 'GET', url: `/v1/applications/${id}`, headers: applicant })).json().status, (s) => s === 'in_review');
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

  it('decrypts through the codec endpoint for operators only', async () => {
    const [encoded] = (
      await sys.app.inject({
        method: 'POST',
        url: '/codec/encode',
        headers: bearer({ sub: 'op', role: 'coordinator' }),
        payload: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify({ idNumber: ID_NUMBER })).toString('base64') }] },
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
