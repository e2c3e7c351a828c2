// What a unit of work costs Temporal, read from real histories: events per workflow by kind, and
// where a child's activities and signals fall relative to its update (to mirror them in the ceiling).
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto'; // CommonJS: no named exports under Node's ESM loader
import type { BareSpec } from './bare-workflows.js';
import { summarize, type Summary } from './stats.js';

const EventType = proto.temporal.api.enums.v1.EventType;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

export interface WorkflowCounts {
  events: number;
  /** Encoded size of the history (payloads as stored: encrypted for ours). */
  kib: number;
  workflowTasks: number;
  activities: number;
  childrenStarted: number;
  signalsSent: number;
  signalsReceived: number;
  updates: number;
  timers: number;
  searchAttributeUpserts: number;
}

export interface ChildPlacement {
  activities: { before: number; inUpdate: number; after: number };
  signals: { before: number; inUpdate: number; after: number };
}

export interface HistorySample {
  sampled: number;
  parent: WorkflowCounts;
  child: WorkflowCounts;
  /** Per child, averaged over the sample. */
  childPlacement: ChildPlacement;
  /** Per application: one parent and its children. */
  perUnit: { workflows: number; workflowTasks: number; activities: number; updates: number; signals: number; events: number; kib: number };
  /** Where a unit's time goes, from the event times of every sampled workflow (ms). */
  timings: {
    /** Workflow task scheduled → picked up by the worker (server matching + worker poll slots). */
    workflowTaskQueue: Summary;
    /** Workflow task picked up → completed (the worker's activation, including replay after a cache miss). */
    workflowTaskRun: Summary;
    /** Activity scheduled → started. */
    activityQueue: Summary;
    /** Activity started → completed (the activity's own work: the database for ours). */
    activityRun: Summary;
    /** Update accepted → completed, on the item workflows. */
    update: Summary;
    /** Workflow started → closed, parents. */
    parentLifetime: Summary;
  };
  /** Mean KiB per parent history by event kind, largest first (where the bytes are). */
  parentKibByKind: Record<string, number>;
  /** Event kinds of one parent and one child of the sample, in order (for the report's appendix). */
  example: { parent: string[]; child: string[] };
}

const millis = (ts: HistoryEvent['eventTime']): number => {
  if (!ts) return 0;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds?.toString() ?? 0);
  return seconds * 1000 + (ts.nanos ?? 0) / 1e6;
};

interface Timings {
  workflowTaskQueue: number[];
  workflowTaskRun: number[];
  activityQueue: number[];
  activityRun: number[];
  update: number[];
  parentLifetime: number[];
}

/** Each span: the event that ends it, the event it starts from (by id), and where it is counted. */
const SPANS: Record<string, { from: (e: HistoryEvent) => unknown; into: Exclude<keyof Timings, 'parentLifetime'> }> = {
  WORKFLOW_TASK_STARTED: { from: (e) => e.workflowTaskStartedEventAttributes?.scheduledEventId, into: 'workflowTaskQueue' },
  WORKFLOW_TASK_COMPLETED: { from: (e) => e.workflowTaskCompletedEventAttributes?.startedEventId, into: 'workflowTaskRun' },
  ACTIVITY_TASK_STARTED: { from: (e) => e.activityTaskStartedEventAttributes?.scheduledEventId, into: 'activityQueue' },
  ACTIVITY_TASK_COMPLETED: { from: (e) => e.activityTaskCompletedEventAttributes?.startedEventId, into: 'activityRun' },
  WORKFLOW_EXECUTION_UPDATE_COMPLETED: { from: (e) => e.workflowExecutionUpdateCompletedEventAttributes?.acceptedEventId, into: 'update' },
};

function collectTimings(events: HistoryEvent[], into: Timings, isParent: boolean): void {
  const at = new Map<number, number>();
  for (const e of events) {
    const id = Number(e.eventId?.toString() ?? 0);
    const t = millis(e.eventTime);
    at.set(id, t);
    const kind = name(e);
    const ref = (x: unknown) => at.get(Number((x as { toString(): string } | null | undefined)?.toString() ?? -1));
    const span = SPANS[kind];
    const s = span && ref(span.from(e));
    if (span && s !== undefined) into[span.into].push(t - s);
  }
  if (isParent && events.length > 1) into.parentLifetime.push(millis(events[events.length - 1]!.eventTime) - millis(events[0]!.eventTime));
}

const name = (e: HistoryEvent) => (EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '');

function count(events: HistoryEvent[]): WorkflowCounts {
  const kinds = events.map(name);
  const n = (kind: string) => kinds.filter((k) => k === kind).length;
  const bytes = events.reduce((sum, e) => sum + proto.temporal.api.history.v1.HistoryEvent.encode(e).finish().length, 0);
  return {
    events: events.length,
    kib: Math.round(bytes / 102.4) / 10,
    workflowTasks: n('WORKFLOW_TASK_COMPLETED'),
    activities: n('ACTIVITY_TASK_SCHEDULED'),
    childrenStarted: n('START_CHILD_WORKFLOW_EXECUTION_INITIATED'),
    signalsSent: n('SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED'),
    signalsReceived: n('WORKFLOW_EXECUTION_SIGNALED'),
    updates: n('WORKFLOW_EXECUTION_UPDATE_ACCEPTED'),
    timers: n('TIMER_STARTED'),
    searchAttributeUpserts: n('UPSERT_WORKFLOW_SEARCH_ATTRIBUTES'),
  };
}

function placement(events: HistoryEvent[]): ChildPlacement {
  const p: ChildPlacement = { activities: { before: 0, inUpdate: 0, after: 0 }, signals: { before: 0, inUpdate: 0, after: 0 } };
  let phase: 'before' | 'inUpdate' | 'after' = 'before';
  for (const e of events) {
    const kind = name(e);
    if (kind === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED') phase = 'inUpdate';
    else if (kind === 'WORKFLOW_EXECUTION_UPDATE_COMPLETED') phase = 'after';
    else if (kind === 'ACTIVITY_TASK_SCHEDULED') p.activities[phase]++;
    else if (kind === 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED') p.signals[phase]++;
  }
  return p;
}

const mean = <T extends object>(rows: T[]): T => {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(rows[0]!)) {
    const values = rows.map((r) => (r as Record<string, unknown>)[key]);
    out[key] = typeof values[0] === 'object' ? mean(values as object[]) : Math.round(((values as number[]).reduce((a, b) => a + b, 0) / rows.length) * 10) / 10;
  }
  return out as T;
};

async function events(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

/** Reads the histories of `parents` and of every child they started. */
export async function sampleHistories(client: Client, parents: string[]): Promise<HistorySample> {
  const parentCounts: WorkflowCounts[] = [];
  const childCounts: WorkflowCounts[] = [];
  const placements: ChildPlacement[] = [];
  let example = { parent: [] as string[], child: [] as string[] };
  const timings: Timings = { workflowTaskQueue: [], workflowTaskRun: [], activityQueue: [], activityRun: [], update: [], parentLifetime: [] };
  if (parents.length === 0) throw new Error('no histories to sample');
  const byKind = new Map<string, number>();
  for (const parentId of parents) {
    const parentEvents = await events(client, parentId);
    parentCounts.push(count(parentEvents));
    collectTimings(parentEvents, timings, true);
    for (const e of parentEvents) byKind.set(name(e), (byKind.get(name(e)) ?? 0) + proto.temporal.api.history.v1.HistoryEvent.encode(e).finish().length);
    const childIds = parentEvents
      .filter((e) => name(e) === 'START_CHILD_WORKFLOW_EXECUTION_INITIATED')
      .map((e) => e.startChildWorkflowExecutionInitiatedEventAttributes!.workflowId!);
    for (const childId of childIds) {
      const childEvents = await events(client, childId);
      childCounts.push(count(childEvents));
      placements.push(placement(childEvents));
      collectTimings(childEvents, timings, false);
      if (example.child.length === 0) example = { parent: parentEvents.map(name), child: childEvents.map(name) };
    }
  }
  const parent = mean(parentCounts);
  const child = mean(childCounts);
  const childrenPerParent = parent.childrenStarted;
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    sampled: parents.length,
    parent,
    child,
    childPlacement: mean(placements),
    perUnit: {
      workflows: r(1 + childrenPerParent),
      workflowTasks: r(parent.workflowTasks + childrenPerParent * child.workflowTasks),
      activities: r(parent.activities + childrenPerParent * child.activities),
      updates: r(parent.updates + childrenPerParent * child.updates),
      signals: r(parent.signalsReceived + childrenPerParent * child.signalsReceived),
      events: r(parent.events + childrenPerParent * child.events),
      kib: r(parent.kib + childrenPerParent * child.kib),
    },
    timings: {
      workflowTaskQueue: summarize(timings.workflowTaskQueue),
      workflowTaskRun: summarize(timings.workflowTaskRun),
      activityQueue: summarize(timings.activityQueue),
      activityRun: summarize(timings.activityRun),
      update: summarize(timings.update),
      parentLifetime: summarize(timings.parentLifetime),
    },
    parentKibByKind: Object.fromEntries(
      [...byKind.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([kind, bytes]) => [kind, Math.round(bytes / parents.length / 102.4) / 10]),
    ),
    example,
  };
}

/** The ceiling's spec from our measured counts (rounded to whole activities and signals). */
export function bareSpecFrom(sample: HistorySample, children: { name: string; after: string[] }[]): BareSpec {
  const whole = (x: { before: number; inUpdate: number; after: number }) => ({
    before: Math.round(x.before),
    inUpdate: Math.round(x.inUpdate),
    after: Math.round(x.after),
  });
  return {
    children,
    parentActivities: Math.round(sample.parent.activities),
    child: { activities: whole(sample.childPlacement.activities), signals: whole(sample.childPlacement.signals) },
  };
}
