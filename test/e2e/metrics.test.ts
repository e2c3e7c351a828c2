// Issue #19 as an operator meets it: `npm start` (here against the test run's Temporal and a fresh
// PostgreSQL database) answers GET /metrics with the API's HTTP series, the business figures and
// the worker's Temporal SDK series in one scrape.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newbornBody } from '../fixtures/applications.js';
import { createTestDb, urlFor } from '../helpers/db.js';
import { TEST_PAYLOAD_KEYS } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

let child: ChildProcess;
let output = '';
let api = '';
let db: Awaited<ReturnType<typeof createTestDb>>;

beforeAll(async () => {
  db = await createTestDb();
  const [port, metricsPort] = [await freePort(), await freePort()];
  api = `http://127.0.0.1:${port}`;
  child = spawn('npx', ['tsx', 'scripts/start.ts'], {
    detached: true, // its own process group: the stop reaches tsx's node process
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `metrics-${randomBytes(4).toString('hex')}`,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      DATABASE_URL: urlFor(db.name),
      WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      LOG_LEVEL: 'warn',
    },
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!/is ready/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}, 150_000);

afterAll(async () => {
  if (child?.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
  await db?.drop();
});

const http = async (method: string, path: string, headers: Record<string, string> = {}, body?: object) => {
  const res = await fetch(`${api}${path}`, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body && JSON.stringify(body) });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
};
/** The value of one series, or undefined. */
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics from npm start', () => {
  it('carries the HTTP series, the business figures and the worker’s Temporal series', async () => {
    const applicant = bearer({ sub: 'metrics-applicant', role: 'applicant', name: '张三' });
    const submitted = await http('POST', '/v1/applications', applicant, { ...newbornBody, answers: {} });
    expect(submitted.status, submitted.text).toBe(201);
    const { id } = JSON.parse(submitted.text);
    // The department decides once the item is on its desk.
    let decided = 0;
    for (let i = 0; i < 80 && decided !== 200; i += 1) {
      decided = (await http('POST', `/v1/applications/${id}/items/birth-cert/decisions`, dept('wsjk'), { decision: 'approve' })).status;
      if (decided !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(decided).toBe(200);

    const scrape = await http('GET', '/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.type).toMatch(/^text\/plain/);
    const text = scrape.text;
    expect(value(text, 'http_requests_total{method="POST",route="/v1/applications",status_code="201"}')).toBe(1);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0\.5",method="POST",route="\/v1\/applications\/:id\/items\/:item\/decisions",status_code="200"\} \d+/m);
    expect(value(text, 'yjs_decisions_total{decision="approve"}')).toBe(1);
    expect(value(text, 'yjs_db_up')).toBe(1);
    expect(value(text, 'yjs_applications{status="in_review"}')).toBe(1);
    expect(value(text, 'yjs_inbox_tasks{department="jkzx"}')).toBe(1); // vaccination still open
    expect(text).toMatch(/^yjs_case_event_write_lag_seconds\{stat="max"\} [\d.e+-]+$/m);
    expect(text).toMatch(/^yjs_api_process_cpu_seconds_total /m);
    // The worker's own, from the SDK's exporter.
    expect(text).toMatch(/^temporal_workflow_task_execution_latency\w*_bucket\{/m);
    expect(text).toMatch(/^temporal_sticky_cache_size\{/m);
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    // No personal data in any series.
    expect(text).not.toMatch(/张三|320681199001011234|13800000000/);
  });
});
