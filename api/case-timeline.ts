// The readable timeline and the audit from the case file's event log in PostgreSQL:
// the same entries the history decoder (api/history.ts) reads from Temporal, without depending on a
// history that retention deletes. The decoder remains for executions begun before the case file.
import { asc, eq } from 'drizzle-orm';
import type { PersonalValues } from '../db/case-file.js';
import type { Db } from '../db/client.js';
import { caseEvents } from '../db/schema.js';
import { compact, type TimelineKind } from '../workflows/shared/case-events.js';
import { applicationWorkflowId } from '../workflows/shared/ids.js';
import { Scrubber, type Timeline, type TimelineEntry, type WorkflowSummary } from './history.js';

export type CaseEventRow = typeof caseEvents.$inferSelect;

export async function caseEventsOf(db: Db, id: string): Promise<CaseEventRow[]> {
  return db.select().from(caseEvents).where(eq(caseEvents.applicationId, id)).orderBy(asc(caseEvents.at), asc(caseEvents.id));
}

/** Whether the log holds the application's whole story (it was submitted, or proposed by an event, after the case file began). */
export const isComplete = (rows: readonly CaseEventRow[]): boolean => rows.some((r) => r.kind === 'submitted' || r.kind === 'proposed');

/**
 * Ties at the same instant (one workflow activation records several events): the submission, then
 * acceptance, then acts, then the notices, archiving and post-checks they caused, the end last. Within a
 * rank, the order of writing.
 */
const LOG_ORDER: Partial<Record<TimelineKind, number>> = {
  proposed: 0,
  confirmed: 0,
  submitted: 0,
  accepted: 1,
  notice: 6,
  incomplete: 6,
  warning: 6,
  escalation: 6,
  returned: 6,
  archived: 7,
  'post-check': 7,
  ended: 9,
};

/** The timeline from the log, free text scrubbed of the applicant's values. */
export function timelineFromLog(id: string, rows: readonly CaseEventRow[], personal: PersonalValues | undefined): Timeline {
  const scrub = new Scrubber().learn(personal?.applicant, personal?.form, personal?.deliveryAddress);
  const order = (kind: string) => LOG_ORDER[kind as TimelineKind] ?? 5;
  const timeline = [...rows]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || order(a.kind) - order(b.kind) || a.id - b.id)
    .map((r): TimelineEntry =>
      compact({
        at: new Date(r.at).toISOString(),
        kind: r.kind as TimelineKind,
        item: r.item ?? undefined,
        actor: r.actor ?? undefined,
        label: scrub.text(r.label),
        detail: scrub.deep(r.detail) as Record<string, unknown>,
      }),
    );
  return { timeline, workflows: workflowsOf(id, rows) };
}

/** The workflows the log names (for the Temporal UI links), with what the log knows of their end. */
function workflowsOf(id: string, rows: readonly CaseEventRow[]): WorkflowSummary[] {
  const ended = rows.some((r) => r.kind === 'ended');
  const workflows: WorkflowSummary[] = [{ workflowId: applicationWorkflowId(id), type: 'applicationWorkflow', status: ended ? 'completed' : 'running' }];
  for (const r of rows) {
    const workflowId = typeof r.detail.workflowId === 'string' ? r.detail.workflowId : undefined;
    if (!workflowId || !r.item) continue;
    if (r.kind === 'dispatched') {
      const end = rows.find((e) => e.kind === 'item-ended' && e.item === r.item);
      const status = !end ? 'running' : end.detail.status === 'cancelled' ? 'canceled' : end.detail.status === 'failed' ? 'failed' : 'completed';
      workflows.push({ workflowId, type: 'itemWorkflow', status });
    } else if (r.kind === 'post-check' && r.detail.postCheckDays !== undefined) {
      const done = rows.some((e) => e.kind === 'post-check' && e.item === r.item && e.detail.outcome);
      workflows.push({ workflowId, type: 'postCheckWorkflow', status: done ? 'completed' : 'running' });
    }
  }
  return workflows;
}
