// The rectification (整改) opened by a bad review (好差评, DB32/T 4660): its contract.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor.js';
import type { CaseClock } from '../shared/case-clock.js';
import type { WorkingCalendar } from '../shared/working-days.js';

/** `disputed`: the department appeals the review itself (部门申诉, DB32/T 4660) and a coordinator decides. */
export type RectificationStatus = 'assigned' | 'checked' | 'rectified' | 'replied' | 'closed' | 'appealed' | 'disputed';
export type RectificationOutcome = 'immediate' | 'deadline' | 'explanation' | 'dismissed'; // 立行立改, 限期整改, 解释说明; 申诉成立

export const OUTCOME_LABELS: Record<RectificationOutcome, string> = {
  immediate: '立行立改',
  deadline: '限期整改',
  explanation: '解释说明',
  dismissed: '申诉成立，差评不予采信',
};

export interface RectificationInput {
  id: string;
  applicationId: string;
  evaluationId: string;
  rating: number;
  comment?: string;
  /** 谁办理、谁负责: the failing item's department, or the lead department for the bundle as a whole. */
  department: string;
  item?: string;
  /** The evaluator's account, who gets the reply and the return visit. */
  evaluator: string;
  days: number;
  calendar: WorkingCalendar;
}

export interface RectificationStep {
  step: 'check' | 'rectify' | 'reply' | 'return-visit' | 'appeal' | 'appeal-decision' | 'dispute' | 'dispute-decision';
  at: string;
  actor: Actor;
  detail: Record<string, unknown>;
}

export interface RectificationState {
  id: string;
  applicationId: string;
  department: string;
  item?: string;
  rating: number;
  status: RectificationStatus;
  outcome?: RectificationOutcome;
  clock: CaseClock;
  overdue: boolean;
  steps: RectificationStep[];
  satisfied?: boolean;
  closedAt?: string;
}

export interface StepInput {
  actor: Actor;
  /** check: the finding; rectify: the measures; reply: the message; return-visit / appeal: a note. */
  text: string;
  outcome?: RectificationOutcome;
  satisfied?: boolean;
  reopen?: boolean;
  /** dispute-decision: the department's appeal holds (the review is dismissed) or not (the rectification goes on). */
  upheld?: boolean;
}

export const checkRectification = defineUpdate<RectificationState, [StepInput]>('checkRectification');
export const rectify = defineUpdate<RectificationState, [StepInput]>('rectify');
export const replyToEvaluator = defineUpdate<RectificationState, [StepInput]>('replyToEvaluator');
export const returnVisit = defineUpdate<RectificationState, [StepInput]>('returnVisit');
export const appealRectification = defineUpdate<RectificationState, [StepInput]>('appealRectification');
export const decideAppeal = defineUpdate<RectificationState, [StepInput]>('decideAppeal');
export const disputeReview = defineUpdate<RectificationState, [StepInput]>('disputeReview');
export const decideDispute = defineUpdate<RectificationState, [StepInput]>('decideDispute');

/** Each step's update, by the step's name (also its API path: POST /v1/rectifications/:id/<step>). */
export const STEP_UPDATES = {
  check: checkRectification,
  rectify,
  reply: replyToEvaluator,
  'return-visit': returnVisit,
  appeal: appealRectification,
  'appeal-decision': decideAppeal,
  dispute: disputeReview,
  'dispute-decision': decideDispute,
} as const;
export type Step = keyof typeof STEP_UPDATES;
export const rectificationState = defineQuery<RectificationState>('rectificationState');
