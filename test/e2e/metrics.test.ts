// Issue #19 as an operator meets it: `npm start` (here against the test run's Temporal and a fresh
// PostgreSQL database) answers GET /metrics with the API's HTTP series, the business figures and
// the worker's Temporal SDK series in one scrape.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newbornBody, newbornNoOptions } from '../fixtures/applications.js';
import { freePort, npmStart, type StartedProcess } from '../helpers/npm-start.js';
import { bearer, dept } from '../helpers/tokens.js';

let started: StartedProcess;
beforeAll(async () => {
  // A sticky cache of two workflows: an application with its two items outgrows it — evictions are
  // counted, and the decision below reaches workflows that answer from a replay of their history.
  started = await npmStart({ WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`, WORKER_CACHED_WORKFLOWS: '2' });
}, 150_000);
afterAll(async () => started?.stop());
const http: StartedProcess['http'] = (...args) => started.http(...args);

/** The value of one series, or undefined. */
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics from npm start', () => {
  it('carries the HTTP series, the business figures and the worker’s Temporal series', async () => {
    const applicant = bearer({ sub: 'metrics-applicant', role: 'applicant', name: '张三' });
    const submitted = await http('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions });
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
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="0\.5",method="POST",route="\/v1\/applications\/:id\/items\/:item\/decisions",status_code="200"\} \d+/m,
    );
    expect(value(text, 'yjs_decisions_total{decision="approve"}')).toBe(1);
    expect(value(text, 'yjs_db_up')).toBe(1);
    expect(value(text, 'yjs_applications{status="in_review"}')).toBe(1);
    expect(value(text, 'yjs_inbox_tasks{department="jkzx"}')).toBe(1); // vaccination still open
    expect(text).toMatch(/^yjs_case_event_write_lag_seconds\{stat="max"\} [\d.e+-]+$/m);
    expect(text).toMatch(/^yjs_api_process_cpu_seconds_total /m);
    // The worker's own, from the SDK's exporter.
    expect(text).toMatch(/^temporal_workflow_task_execution_latency\w*_bucket\{/m);
    // The cache holds no more than its bound, and says how often the bound forced an eviction.
    const series = (name: string) => [...text.matchAll(new RegExp(`^${name}(?:_total)?\\{[^}]*\\} (\\d+)$`, 'gm'))].map((m) => Number(m[1]));
    expect(series('temporal_sticky_cache_size').length).toBeGreaterThan(0);
    expect(Math.max(...series('temporal_sticky_cache_size'))).toBeLessThanOrEqual(2);
    expect(series('temporal_sticky_cache_total_forced_eviction').reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    // Every series the Grafana dashboard draws is one this scrape carries.
    const dashboard = JSON.parse(readFileSync(new URL('../../grafana/dashboard.json', import.meta.url), 'utf8')) as {
      panels: { targets: { expr: string }[] }[];
    };
    const drawn = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\b(?:http|yjs|temporal)_[a-z_]+/g) ?? [])));
    expect([...drawn].filter((name) => !new RegExp(`^${name}[{ ]`, 'm').test(text))).toEqual([]);
    // No personal data in any series.
    expect(text).not.toMatch(/张三|320681199001011234|13800000000/);
  });
});
