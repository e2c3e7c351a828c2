// The 告知承诺 post-check's contract: importable by the API without loading the workflow.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor.js';
import type { WorkingCalendar } from '../shared/working-days.js';

export interface PostCheckInput {
  applicationId: string;
  itemCode: string;
  itemName: string;
  department: string;
  /** Working days within which the department checks the commitment (e.g. fire safety: 20). */
  postCheckDays: number;
  calendar: WorkingCalendar;
}

export interface PostCheckState {
  status: 'pending' | 'confirmed' | 'revoked' | 'lapsed';
  /** When the check period began (the grant): a newly published calendar counts `dueAt` again from it. */
  startedAt?: string;
  dueAt: string;
  decidedAt?: string;
  reason?: string;
  actor?: Actor;
}

export interface VerifyCommitmentInput {
  outcome: 'confirmed' | 'revoked';
  reason?: string;
  actor: Actor;
}

export const verifyCommitment = defineUpdate<PostCheckState, [VerifyCommitmentInput]>('verifyCommitment');
export const postCheckState = defineQuery<PostCheckState>('postCheckState');
