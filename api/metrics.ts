// GET /metrics in the Prometheus text format (issue #19): the API's HTTP requests, the process,
// business figures read from PostgreSQL at each scrape, and — where the worker's Temporal SDK
// exports its own (WORKER_METRICS_URL, set by `npm start`) — the worker's series in the same answer.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DbHandle } from '../db/client.js';
import { readBusinessFigures } from '../db/metrics.js';

/** The route whose successes count as decisions, by kind. */
const DECISIONS_ROUTE = '/v1/applications/:id/items/:item/decisions';

export interface MetricsOptions {
  db: DbHandle;
  /** The worker's Prometheus exporter (Temporal SDK Runtime), appended to every scrape. */
  workerMetricsUrl?: string;
}

export function installMetrics(app: FastifyInstance, options: MetricsOptions): Registry {
  // One registry per app: tests build several apps in one process.
  const register = new Registry();
  collectDefaultMetrics({ register, prefix: 'yjs_api_' });

  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route template, method and status',
    labelNames,
    registers: [register],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration from arrival to the last byte, by route template, method and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [register],
  });
  const decisions = new Counter({
    name: 'yjs_decisions_total',
    help: 'department decisions taken through this API, by kind',
    labelNames: ['decision'],
    registers: [register],
  });

  app.addHook('onResponse', async (request, reply) => {
    // The template, never the concrete URL: ids would make a series per application.
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status_code: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
    const kind = (request.body as { decision?: unknown } | undefined)?.decision;
    if (route === DECISIONS_ROUTE && reply.statusCode === 200 && typeof kind === 'string') decisions.inc({ decision: kind });
  });

  const refreshFigures = businessGauges(register, options.db);

  app.get(
    '/metrics',
    { schema: { security: [], response: { 200: { content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    async (_request, reply) => {
      await refreshFigures();
      const own = await register.metrics();
      const worker = options.workerMetricsUrl ? await fetchText(options.workerMetricsUrl) : '';
      return reply.type(register.contentType).send(worker ? `${own}\n# The worker's Temporal SDK metrics (${options.workerMetricsUrl})\n${worker}` : own);
    },
  );
  return register;
}

/**
 * Figures read from the read model and the case file, refreshed before each scrape (the returned
 * function); the scrape answers even when PostgreSQL does not.
 */
function businessGauges(register: Registry, db: DbHandle): () => Promise<void> {
  const gauge = <L extends string>(name: string, help: string, labelNames: L[] = []) => new Gauge<L>({ name, help, labelNames, registers: [register] });
  const up = gauge('yjs_db_up', '1 when the last scrape could read PostgreSQL');
  const applications = gauge('yjs_applications', 'applications in the read model, by status', ['status']);
  const overdue = gauge('yjs_items_overdue', 'items still open past their legal deadline');
  const inbox = gauge('yjs_inbox_tasks', 'items on a department’s desk (in review, correction requested, awaiting material), by department', ['department']);
  const lag = gauge(
    'yjs_case_event_write_lag_seconds',
    'the case file’s write lag over the last 5 minutes: from an event to its row in case_events (max and avg)',
    ['stat'],
  );
  return async function refresh() {
    try {
      const figures = await readBusinessFigures(db.db);
      applications.reset();
      for (const { status, n } of figures.applicationsByStatus) applications.set({ status }, n);
      overdue.set(figures.overdueItems);
      inbox.reset();
      for (const { department, n } of figures.inboxByDepartment) inbox.set({ department }, n);
      lag.set({ stat: 'max' }, figures.eventWriteLag.max);
      lag.set({ stat: 'avg' }, figures.eventWriteLag.avg);
      up.set(1);
    } catch {
      up.set(0);
    }
  };
}

/** The worker exporter's text, or nothing when it does not answer within a second. */
async function fetchText(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}
