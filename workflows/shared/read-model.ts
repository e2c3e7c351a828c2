// What the read model (db/read-model.ts) holds of an application, with personal data masked.
// The workflow compares it to skip syncs that would write nothing. Pure.
import { awaited, dissents } from '../application/joint.js';
import type { ApplicationState, JointState } from '../application/messages.js';
import type { Decision, ItemStatus } from '../item/messages.js';
import type { CaseEvent } from './case-events.js';
import { maskIdNumber, maskName } from './mask.js';

export interface ReadModelSnapshot {
  app: {
    id: string;
    number: string;
    bundleCode: string;
    bundleVersion: number;
    region: string;
    status: string;
    channel: string;
    owner: string;
    submittedBy: string;
    applicantName: string;
    applicantId: string;
    createdAt: string;
    acceptedAt: string | null;
    endedAt: string | null;
    outcome: string | null;
    joint: JointRow[] | null;
    /** Increases with every change of the application: an older snapshot never overwrites a newer one. */
    revision: number;
  };
  items: {
    itemCode: string;
    itemName: string;
    department: string;
    /** The competent region (属地): whose office of the department has the item; the bundle's for applications begun before. */
    region: string;
    status: ItemStatus;
    startedAt: string | null;
    deadline: string | null;
    overdue: boolean;
    decidedAt: string | null;
    decision: Decision | null;
    /** The application's first item (by code) of this department: the row that counts the application in the department's figures. */
    departmentFirst: boolean;
  }[];
}

/** A joint procedure as the inboxes find it: the lead sees it, the departments awaited see it. */
export interface JointRow {
  code: string;
  kind: string;
  lead?: string;
  /** open: sign-offs awaited; disputed: a dissent stands (the lead's to resolve); agreed; rejected. */
  status: 'open' | 'disputed' | 'agreed' | 'rejected';
  awaiting: string[];
  dissenters: string[];
  /** The earliest due date of the sign-offs awaited. */
  due: string | null;
  overdue: boolean;
}

/** What an application begun with the case file syncs: the read model's changed items, the events, the state once ended. */
export interface CaseFileSync {
  readModel: ReadModelSnapshot;
  events: CaseEvent[];
  state?: ApplicationState;
}

export function readModelSnapshot(state: ApplicationState): ReadModelSnapshot {
  // Statistics count an application once per department, on its first item (by code) of it.
  const firstOfDepartment = new Map<string, string>();
  for (const { department, code } of state.items) {
    const first = firstOfDepartment.get(department);
    if (first === undefined || code < first) firstOfDepartment.set(department, code);
  }
  return {
    app: {
      id: state.id,
      number: state.number,
      bundleCode: state.bundle.code,
      bundleVersion: state.bundle.version,
      region: state.bundle.region,
      status: state.status,
      channel: state.channel,
      owner: state.owner,
      submittedBy: state.submittedBy.sub,
      applicantName: maskName(state.applicant.name),
      applicantId: maskIdNumber(state.applicant.idNumber),
      createdAt: state.createdAt,
      acceptedAt: state.acceptedAt ?? null,
      endedAt: state.endedAt ?? null,
      outcome: state.outcome ?? null,
      joint: state.joint?.length ? state.joint.map(jointRow) : null,
      revision: state.revision,
    },
    items: state.items.map((item) => ({
      itemCode: item.code,
      itemName: item.name,
      department: item.department,
      region: item.region ?? state.bundle.region,
      status: item.status,
      startedAt: item.startedAt ?? null,
      deadline: item.deadline ?? null,
      overdue: item.overdue ?? false,
      decidedAt: item.decision?.at ?? null,
      decision: item.decision ?? null,
      departmentFirst: firstOfDepartment.get(item.department) === item.code,
    })),
  };
}

function jointRow(j: JointState): JointRow {
  const open = !j.completedAt;
  const clocks = open ? (j.clocks ?? []) : [];
  const dissenters = dissents(j).map((s) => s.department);
  return {
    code: j.code,
    kind: j.kind,
    ...(j.lead ? { lead: j.lead } : {}),
    status: open ? (dissenters.length ? 'disputed' : 'open') : (j.outcome ?? 'agreed'),
    awaiting: open ? awaited(j) : [],
    dissenters: open ? dissenters : [],
    due: clocks.map((c) => c.due).sort()[0] ?? null,
    overdue: clocks.some((c) => c.overdue),
  };
}

/**
 * What a sync of this state would show that the previous one did not: the read model's content
 * (not its revision) and the delivery's events, which the history's timeline reads from the sync's
 * input. Equal keys: the sync is skipped.
 */
export function syncKey(state: ApplicationState, snapshot: ReadModelSnapshot = readModelSnapshot(state)): string {
  return JSON.stringify([{ ...snapshot, app: { ...snapshot.app, revision: 0 } }, state.delivery.events.length]);
}
