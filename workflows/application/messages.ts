// The application workflow's contract: importable by the API without loading the workflow.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Actor, Channel } from '../shared/actor.js';
import type { Answers, BundleVersion } from '../shared/bundle.js';
import type { Policy } from '../shared/policy.js';
import type { WorkingCalendar } from '../shared/working-days.js';
import type { ItemState, PromisedMaterial } from '../item/messages.js';

/** Every status an application can have, in the order of the process; `proposed`: started by an event (政策服务免申办), awaiting the subject's confirmation; `received`: 已收件，待受理审查 — complete, but window staff have yet to judge the materials' legal form (§32). */
export const APPLICATION_STATUSES = [
  'proposed',
  'incomplete',
  'received',
  'accepted',
  'in_review',
  'completed',
  'partially_completed',
  'terminated',
  'withdrawn',
  'expired',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
/** What people read for each status (the console, printed pages). */
export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, string> = {
  proposed: '待确认（主动服务）',
  incomplete: '待补齐材料',
  received: '已收件，待受理审查',
  accepted: '已受理',
  in_review: '办理中',
  completed: '已办结',
  partially_completed: '部分办结',
  terminated: '已终止',
  withdrawn: '已撤回',
  expired: '已失效',
};

export const FINAL_STATUSES: readonly ApplicationStatus[] = ['completed', 'partially_completed', 'terminated', 'withdrawn', 'expired'];

export interface Applicant {
  kind: 'person' | 'organisation';
  idNumber: string;
  name: string;
  phone?: string;
}

export interface SubmittedMaterial {
  code: string;
  uri?: string;
  sha256?: string;
}

export interface Delivery {
  method: 'electronic' | 'window' | 'express';
  address?: string;
}

export interface ApplicationInput {
  id: string;
  number: string;
  /** The definition the application started with: catalogue changes never touch it. */
  bundle: BundleVersion;
  channel: Channel;
  applicant: Applicant;
  /** The account that owns the application (the applicant's own login). */
  owner: string;
  submittedBy: Actor;
  answers: Answers;
  /** The applicant's region (属地, a 6-digit code): where items below the bundle's level are decided. */
  region?: string;
  form: Record<string, unknown>;
  materials: SubmittedMaterial[];
  /** 容缺: deferrable materials the applicant promised instead of handing in (with a signed commitment). */
  commitments: string[];
  /** 免提交: materials taken from the certificate store (they are among `materials` too). */
  shared?: SharedMaterial[];
  /** 告知承诺: items the applicant takes on a written commitment (only items that allow it). */
  pledges?: string[];
  delivery: Delivery;
  /** The window pickup's code, drawn at random by the API (absent before: derived from the id). */
  pickupCode?: string;
  submittedAt: string;
  /** The working-day calendar and limits in force at submission: data, never fetched during replay. */
  calendar: WorkingCalendar;
  policy: Policy;
  /**
   * 政策服务免申办: the application was proposed by an event and waits for its subject to confirm
   * (workflows/application/proposal.ts); the confirmation replaces the submission's parts of this input.
   */
  proposal?: ProposalInput;
}

/** The event that proposed an application, and how long its subject has to confirm. */
export interface ProposalInput {
  event: { id: string; type: string; occurredAt: string };
  /** Working days from the proposal to confirm; unconfirmed by then, the proposal expires. */
  days: number;
}

/** What the application shows of the event that proposed it. */
export interface ProposalState {
  event: { id: string; type: string; occurredAt: string };
  proposedAt: string;
  /** The subject's region (属地) as the event gave it: the confirmation's default. */
  region?: string;
  /** Unconfirmed by then, the proposal expires. */
  expiresAt: string;
  confirmedAt?: string;
  declinedAt?: string;
}

/** The subject's confirmation: the submission's parts of the input (the API checks it as it checks a submission). */
export type ConfirmInput = Pick<
  ApplicationInput,
  | 'channel'
  | 'submittedBy'
  | 'answers'
  | 'region'
  | 'form'
  | 'materials'
  | 'commitments'
  | 'shared'
  | 'pledges'
  | 'delivery'
  | 'pickupCode'
  | 'submittedAt'
  | 'calendar'
  | 'policy'
>;

/** A material the platform already held for the applicant (电子证照), taken instead of asked for. */
export interface SharedMaterial {
  material: string;
  certificate: string;
  name: string;
  number: string;
}

/** 收件凭证: what was received, for which items, and what was promised instead (容缺). */
export interface Receipt {
  number: string;
  time: string;
  items: { code: string; name: string; department: string }[];
  materials: string[];
  promised: PromisedMaterial[];
  /** 免提交: which of `materials` came from the certificate store. */
  shared?: SharedMaterial[];
}

export interface ItemView extends ItemState {
  after: string[];
  /** The competent region (属地): whose office of the department decides (workflows/shared/jurisdiction.ts). */
  region?: string;
}

export interface MissingMaterial {
  material: string;
  name: string;
  items: string[];
  deferrable: boolean;
  /** Why window staff judged a submitted material not in legal form (受理审查). */
  reason?: string;
}

/** 受理审查 (行政许可法 §32): window staff judge the legal form of materials received online. */
export interface IntakeReview {
  receivedAt: string;
  /** Five working days from receipt: unanswered by then, the application counts as accepted from receipt. */
  due: string;
  outcome?: 'accepted' | 'correction' | 'deemed_accepted';
  reviewedAt?: string;
  by?: Actor;
}

export interface JointState {
  code: string;
  kind: string;
  items: string[];
  departments: string[];
  /** The department that organises it and resolves dissents (5.2); absent in executions begun before it. */
  lead?: string;
  /** Every sign-off in the order made; one sent back for reconsideration is marked and no longer stands. */
  signedOff: JointSignOff[];
  /** When the first of its items was dispatched: the sign-off clocks start then. */
  openedAt?: string;
  /** The sign-offs still awaited, each with its due date (jointDays working days). */
  clocks?: JointClock[];
  /** The lead department's resolutions of dissents. */
  resolutions?: { action: 'reconsider' | 'reject'; department?: string; reason?: string; actor: Actor; at: string }[];
  completedAt?: string;
  /** agreed: every department agreed; rejected: the lead rejected the items over a dissent. */
  outcome?: 'agreed' | 'rejected';
}

export interface JointSignOff {
  department: string;
  actor: Actor;
  at: string;
  opinion?: string;
  /** Absent: agree (sign-offs made before dissent existed). */
  verdict?: 'agree' | 'dissent';
  /** The lead sent this dissent back to its department. */
  reconsideredAt?: string;
}

export interface JointClock {
  department: string;
  /** The period's start: the procedure's opening, or the lead's request to reconsider. */
  from: string;
  due: string;
  warnAt: string;
  warned?: boolean;
  overdue?: boolean;
}

export interface DeliveryState extends Delivery {
  status: 'pending' | 'ready' | 'shipped' | 'delivered' | 'closed' | 'none';
  pickupCode?: string;
  trackingNumber?: string;
  /** Until when the pickup or shipment is awaited (8.4); re-projected with the calendar. */
  dueAt?: string;
  events: { event: string; at: string; actor?: Actor }[];
}

export interface ApplicationState {
  id: string;
  number: string;
  bundle: { code: string; version: number; name: string; region: string; leadDepartment?: string };
  status: ApplicationStatus;
  channel: Channel;
  applicant: Applicant;
  owner: string;
  submittedBy: Actor;
  items: ItemView[];
  receipt: Receipt;
  /** 一次告知: every missing material at once, while incomplete. */
  missing?: MissingMaterial[];
  /** The supplement deadline of an incomplete application. */
  supplementDue?: string;
  /** The latest intake review, for bundles whose online submissions window staff review (§32). */
  intakeReview?: IntakeReview;
  received: string[];
  joint: JointState[];
  delivery: DeliveryState;
  createdAt: string;
  acceptedAt?: string;
  /** The bundle's committed limit (承诺时限) from acceptance, its waits given back (ApplicationRecord.projectDeadline). */
  deadline?: string;
  /** The deadline counts over days a calendar not yet published may change. */
  deadlineProvisional?: boolean;
  endedAt?: string;
  outcome?: string;
  /** 政策服务免申办: the event that proposed it (absent: submitted by the applicant). */
  proposal?: ProposalState;
  /** Increases with every change: the read model ignores older snapshots. */
  revision: number;
}

export interface SupplementInput {
  materials: SubmittedMaterial[];
  actor: Actor;
}
export interface ReviewIntakeInput {
  decision: 'accept' | 'correction';
  /** With 'correction': every material not in legal form, each with the reason (一次告知). */
  missing?: { material: string; reason: string }[];
  actor: Actor;
}
export interface WithdrawInput {
  reason: string;
  actor: Actor;
}
export interface SignOffInput {
  code: string;
  opinion?: string;
  /** Absent: agree. A dissent needs an opinion and goes to the lead department. */
  verdict?: 'agree' | 'dissent';
  actor: Actor;
}
export interface ResolveJointInput {
  code: string;
  /** reconsider: the dissenting department signs off again; reject: the procedure's items are rejected. */
  action: 'reconsider' | 'reject';
  /** reconsider: the dissenting department (needed when several dissent). */
  department?: string;
  reason?: string;
  actor: Actor;
}
export interface DeliveryEventInput {
  event: 'shipped' | 'delivered' | 'picked-up';
  trackingNumber?: string;
  /** picked-up: the code the applicant shows (checked against the one it was sent). */
  pickupCode?: string;
  actor: Actor;
}

export const applicationState = defineQuery<ApplicationState>('applicationState');
/** Sent by an item workflow whenever its status changes, so the application shows it at once. */
export const itemChanged = defineSignal<[ItemState]>('itemChanged');
/**
 * What the application's updates answer: nothing, since the case file (the API reads the state by
 * query: an answer in the history would hold the whole state again at every update); the state, in
 * executions begun before it.
 */
export type UpdateAnswer = ApplicationState | undefined;
export const supplement = defineUpdate<UpdateAnswer, [SupplementInput]>('supplement');
export const reviewIntake = defineUpdate<UpdateAnswer, [ReviewIntakeInput]>('reviewIntake');
export const withdraw = defineUpdate<UpdateAnswer, [WithdrawInput]>('withdraw');
export const signOffJoint = defineUpdate<UpdateAnswer, [SignOffInput]>('signOffJoint');
/** The lead department's resolution of a dissent in a joint procedure. */
export const resolveJoint = defineUpdate<UpdateAnswer, [ResolveJointInput]>('resolveJoint');
export const recordDelivery = defineUpdate<UpdateAnswer, [DeliveryEventInput]>('recordDelivery');
/** The subject confirms a proposed application: it proceeds as a submission of these parts. */
export const confirmProposal = defineUpdate<UpdateAnswer, [ConfirmInput]>('confirmProposal');
/** The subject declines a proposed application. */
export const declineProposal = defineUpdate<UpdateAnswer, [WithdrawInput]>('declineProposal');
export const publishCalendar = defineSignal<[{ calendar: WorkingCalendar }]>('publishCalendar');
