// Issue #19: with OTEL_EXPORTER_OTLP_ENDPOINT set, `npm start` exports one trace per request, from
// the HTTP span through the Temporal client, the application workflow, its child items and their
// activities. The collector here is a plain HTTP server taking OTLP/HTTP JSON, as a real one would.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newbornBody, newbornNoOptions } from '../fixtures/applications.js';
import { freePort, npmStart, type StartedProcess } from '../helpers/npm-start.js';
import { waitFor } from '../helpers/system.js';
import { bearer } from '../helpers/tokens.js';

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}
const spans: Span[] = [];
let collector: http.Server;
let started: StartedProcess;

beforeAll(async () => {
  const port = await freePort();
  collector = http
    .createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const data = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] };
          for (const r of data.resourceSpans) for (const s of r.scopeSpans) spans.push(...s.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    })
    .listen(port, '127.0.0.1');
  started = await npmStart({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '200' });
}, 150_000);
afterAll(async () => {
  await started?.stop();
  collector?.close();
});

/** The API's span, the client's, the application workflow's (a child and an activity) and the worker's activity. */
const EXPECTED = [
  'POST /v1/applications',
  'StartWorkflow:applicationWorkflow',
  'StartChildWorkflow:itemWorkflow',
  'StartActivity:syncCaseFile',
  'RunActivity:syncCaseFile',
];

describe('traces', () => {
  it('follow a submission from the HTTP request into the workflows and activities, in one trace', async () => {
    expect(started.output()).toMatch(/Traces\s+to http:\/\/127\.0\.0\.1:\d+ \(OTLP\/HTTP\)/);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const submitted = await started.http(
      'POST',
      '/v1/applications',
      { ...bearer({ sub: 'trace-applicant', role: 'applicant', name: '张三' }), traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      { ...newbornBody, answers: newbornNoOptions },
    );
    expect(submitted.status, submitted.text).toBe(201);
    const names = () => spans.filter((s) => s.traceId === traceId).map((s) => s.name);
    const seen = await waitFor(
      async () => names(),
      (n) => EXPECTED.every((x) => n.includes(x)),
      30_000,
    ).catch(() => names());
    // The workflows' own spans (RunWorkflow:…) end with them; what they start shows they carry the trace.
    expect(seen).toEqual(expect.arrayContaining(EXPECTED));
    // The HTTP span continues the channel's trace, and the client's span is its child.
    const server = spans.find((s) => s.traceId === traceId && s.name === 'POST /v1/applications')!;
    expect(server).toMatchObject({ parentSpanId: '00f067aa0ba902b7', kind: 2 });
    expect(spans.find((s) => s.traceId === traceId && s.name === 'StartWorkflow:applicationWorkflow')!.parentSpanId).toBe(server.spanId);
  });
});
