// The readable timeline of an application and its audit, read from the case file's
// event log in PostgreSQL; for executions begun before the case file, from the workflow histories
// of the application and of every item it dispatched. Visible to whoever may read the application.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { routes } from '../route-plugin.js';
import { applicationHandle, caseFileOf, loadVisible } from '../application-access.js';
import { caseEventsOf, isComplete, timelineFromLog } from '../case-timeline.js';
import { requireRole } from '../auth.js';
import { buildTimeline, type HistoryEvent, type WorkflowHistory } from '../history.js';
import { ApplicationParams } from '../schemas/applications.js';
import { errorResponses } from '../schemas/common.js';
import { HistoryView, AuditView } from '../schemas/history.js';

/** The item workflows the application started (with the run each one got), from its own history. */
function childrenOf(events: readonly HistoryEvent[]): { workflowId: string; runId?: string }[] {
  const children = new Map<string, string | undefined>();
  for (const e of events) {
    const initiated = e.startChildWorkflowExecutionInitiatedEventAttributes;
    if (initiated?.workflowId) children.set(initiated.workflowId, children.get(initiated.workflowId));
    const started = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    if (started?.workflowId) children.set(started.workflowId, started.runId ?? undefined);
  }
  return [...children].map(([workflowId, runId]) => ({ workflowId, runId }));
}

const isPayload = (p: unknown): p is Payload => typeof p === 'object' && p !== null && ('data' in p || 'metadata' in p);

/**
 * Undoes the client's payload codecs (encryption, R-9.2) on every `{ payloads }` in the events, in
 * place, so the pure timeline builder reads plain JSON payloads. Never leaves this process.
 */
async function decodePayloads(node: unknown, codecs: readonly PayloadCodec[]): Promise<void> {
  if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node)) return;
  if (Array.isArray(node)) {
    for (const child of node) await decodePayloads(child, codecs);
    return;
  }
  const record = node as Record<string, unknown>;
  const payloads = record.payloads;
  if (Array.isArray(payloads) && payloads.every(isPayload)) {
    try {
      let decoded: Payload[] = payloads;
      for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
      record.payloads = decoded;
    } catch {
      // A key no longer configured: the builder leaves what it cannot read out of the timeline.
    }
    return;
  }
  for (const value of Object.values(record)) await decodePayloads(value, codecs);
}

async function historyOf(temporal: Client, workflowId: string, runId?: string): Promise<WorkflowHistory | undefined> {
  try {
    const history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    const codecs = temporal.options.loadedDataConverter.payloadCodecs;
    if (codecs.length) await decodePayloads(events, codecs);
    return { workflowId, events };
  } catch (err) {
    // A child that never started, or whose history is past retention: the parent still tells its story.
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export const historyRoutes = routes(async (app, deps) => {
  const { temporal } = deps;
  const ui = deps.config.temporalUiUrl?.replace(/\/+$/, '');
  const namespace = temporal.options.namespace;

  app.get(
    '/applications/:id/history',
    {
      preParsing: requireRole(),
      schema: {
        description: "The readable timeline (R-8.1) from the case file's event log (for applications submitted before it, from the workflow histories).",
        params: ApplicationParams,
        response: { 200: HistoryView, ...errorResponses },
      },
    },
    async (request) => {
      await loadVisible(deps, request, request.params.id);
      const { timeline, workflows } = await timelineOf(request.params.id);
      return {
        timeline,
        workflows: workflows.map((w) => (ui ? { ...w, link: `${ui}/namespaces/${namespace}/workflows/${encodeURIComponent(w.workflowId)}` } : w)),
      };
    },
  );

  // audit: every act by a person — who, role, post, acting for whom, channel, when.
  app.get(
    '/applications/:id/audit',
    {
      preParsing: requireRole('coordinator', 'window', 'department', 'hotline'),
      schema: {
        params: ApplicationParams,
        response: { 200: AuditView, ...errorResponses },
      },
    },
    async (request) => {
      await loadVisible(deps, request, request.params.id);
      const { timeline } = await timelineOf(request.params.id);
      return {
        audit: timeline.flatMap(({ at, kind, label, item, actor }) => (actor && actor.sub !== 'system' ? [{ at, kind, action: label, item, actor }] : [])),
      };
    },
  );

  /** From the case file's log; an execution begun before it, from Temporal's histories while they last. */
  async function timelineOf(id: string) {
    const rows = await caseEventsOf(deps.db.db, id);
    if (isComplete(rows)) return timelineFromLog(id, rows, (await caseFileOf(deps, id))?.personal);
    return timelineFromHistories(id);
  }

  /** The application, the items it dispatched, and what those started (告知承诺 post-checks). */
  async function timelineFromHistories(id: string) {
    const histories: WorkflowHistory[] = [];
    let level: { workflowId: string; runId?: string }[] = [{ workflowId: applicationHandle(temporal, id).workflowId }];
    for (let depth = 0; depth < 3 && level.length; depth++) {
      const fetched = (await Promise.all(level.map((c) => historyOf(temporal, c.workflowId, c.runId)))).filter((h): h is WorkflowHistory => !!h);
      histories.push(...fetched);
      level = fetched.flatMap((h) => childrenOf(h.events)).filter((c) => !histories.some((h) => h.workflowId === c.workflowId));
    }
    return buildTimeline(histories);
  }
});
