// The item workflow's contract: importable by the API without loading the workflow.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor.js';
import type { ItemDefinition } from '../shared/bundle.js';
import type { Policy } from '../shared/policy.js';
import type { WorkingCalendar } from '../shared/working-days.js';

/** Every status an item can have: `waiting` on an `after` item or a joint procedure. */
export const ITEM_STATUSES = ['waiting', 'in_review', 'correction_requested', 'awaiting_material', 'approved', 'rejected', 'cancelled'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
/** An item in one of these has ended. */
export const FINAL_ITEM_STATUSES: readonly ItemStatus[] = ['approved', 'rejected', 'cancelled'];
/** What people read for each status (the console, printed pages). */
export const ITEM_STATUS_LABELS: Record<ItemStatus, string> = {
  waiting: '等待前置事项',
  in_review: '审查中',
  correction_requested: '待补正',
  awaiting_material: '待补交容缺材料',
  approved: '已办结（准予）',
  rejected: '不予批准',
  cancelled: '已取消',
};

export type ResultData = Record<string, unknown>;

/** §45 行政许可法: time for these is excluded from the limit, and the applicant is told how long. */
export const SUSPENSION_REASONS = {
  hearing: '听证',
  tender: '招标',
  auction: '拍卖',
  inspection: '检验',
  testing: '检测',
  quarantine: '检疫',
  appraisal: '鉴定',
  'expert-review': '专家评审',
} as const;
export type SuspensionReason = keyof typeof SUSPENSION_REASONS;

/**
 * The decision kinds a department takes on an item, with the one label people read everywhere —
 * the API's schema, the timeline, the console (served as /console/labels.js) all take them from here.
 */
export const DECISION_KINDS = {
  approve: '准予',
  reject: '不予批准',
  correction: '要求补正',
  suspend: '中止计时',
  resume: '恢复计时',
  extend: '延长时限',
} as const;

export type DecisionKind = keyof typeof DECISION_KINDS;

/** correction: a material to correct, with why (the 一次告知 lists each). */
export interface MissingMaterial {
  material: string;
  reason: string;
}

export interface DecideItemInput {
  decision: DecisionKind;
  reason?: string;
  result?: ResultData;
  /** correction: the materials to supplement. */
  missing?: (string | MissingMaterial)[];
  /** suspend: the §45 reason and the expected working days. */
  suspension?: SuspensionReason;
  expectedDays?: number;
  /** extend: working days and who approved the extension (§42). */
  days?: number;
  approver?: string;
  /** 线下流转: decided outside the system and recorded here. */
  offline?: boolean;
  actor: Actor;
}

export interface Decision extends DecideItemInput {
  at: string;
  /** AB岗: post B acted for post A. */
  actingFor?: 'A';
}

export interface SuspensionEntry {
  from: string;
  to?: string;
  /** 'correction' (补正), 'material' (容缺 material overdue) or a §45 reason. */
  reason: 'correction' | 'material' | SuspensionReason;
  expectedDays?: number;
}

export interface PromisedMaterial {
  material: string;
  name: string;
  /** Instant by which the material must arrive (its deferDays, never beyond the item's committed limit). */
  due: string;
  /** The clock behind `due` (acceptance, working days), so a newly published calendar can move it. */
  from?: string;
  days?: number;
  receivedAt?: string;
  overdueAt?: string;
}

export interface ItemState {
  code: string;
  name: string;
  department: string;
  status: ItemStatus;
  startedAt?: string;
  /** The legal deadline: budget of working days plus the suspension ledger, on the calendar. */
  deadline?: string;
  committedDeadline?: string;
  /** The deadline reaches into a year whose calendar is not yet published (weekdays only). */
  provisional?: boolean;
  warnAt?: string;
  warned?: boolean;
  overdue?: boolean;
  clock?: 'running' | 'suspended';
  suspensions?: SuspensionEntry[];
  extensionDays?: number;
  correction?: {
    missing: string[];
    reason: string;
    /** Why each material must be corrected, where the department said so material by material. */
    reasons?: Record<string, string>;
    requestedAt: string;
    dueAt: string;
    received?: string[];
  };
  promised?: PromisedMaterial[];
  /** Joint procedures that must be signed off before this item can be approved. */
  blockedBy?: string[];
  assignee?: { sub: string; post: 'A' | 'B'; at: string };
  /** AB岗: post A did not take the task in time; post B may act for A. */
  postBFrom?: string;
  postBActive?: boolean;
  decision?: Decision;
  decisions?: Decision[];
  /** In a report to the application: `decisions` holds only those from this index on. */
  decisionsFrom?: number;
  /** Deadlines moved by a newly published calendar, and why. */
  reprojections?: { at: string; from?: string; to?: string; reason: string }[];
  result?: ResultData;
  reason?: string;
}

export interface ItemInput {
  applicationId: string;
  item: ItemDefinition;
  /** Results of the `after` items, handed forward. */
  inputs: Record<string, ResultData>;
  calendar: WorkingCalendar;
  policy: Policy;
  promised: PromisedMaterial[];
  blockedBy: string[];
  /** 告知承诺: the applicant's written commitment; granted at once, checked afterwards. */
  pledged?: boolean;
  /** When the clock started before dispatch: an application deemed accepted from receipt (§32). */
  clockFrom?: string;
  /** When the application dispatched the item (default: the item workflow's start). */
  dispatchedAt?: string;
  /** The application shows the item's initial state itself: the item need not report its start. */
  announced?: boolean;
}

export type ItemOutcome = ItemState & { status: 'approved' | 'rejected' };

/** Update, not signal, because the department must see a refusal (409) at once. */
export const decideItem = defineUpdate<ItemState, [DecideItemInput]>('decideItem');
/** AB岗: an officer takes the task; post B only once post A's time has passed. */
export const takeItem = defineUpdate<ItemState, [{ actor: Actor }]>('takeItem');
export const itemState = defineQuery<ItemState>('itemState');
/** From the application: the applicant handed in these materials (supplement, promised material). */
export const materialsSupplied = defineSignal<[{ codes: string[] }]>('materialsSupplied');
/** From the application: a joint procedure covering this item was signed off by everyone. */
export const jointCompleted = defineSignal<[{ code: string }]>('jointCompleted');
/** From the application: the lead department rejected a joint procedure's items over a dissent. */
export const jointRejected = defineSignal<[{ code: string; reason: string; actor: Actor }]>('jointRejected');
/** From the application: a newly published calendar; deadlines and timers are re-projected. */
export { calendarPublished } from '../shared/calendar-published.js';
