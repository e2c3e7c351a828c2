// The item workflow's contract: importable by the API without loading the workflow.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor.js';
import type { ItemDefinition } from '../shared/bundle.js';

export type ItemStatus =
  | 'waiting'
  | 'in_review'
  | 'correction_requested'
  | 'awaiting_material'
  | 'approved'
  | 'rejected'
  | 'cancelled';

export type ResultData = Record<string, unknown>;

export interface DecideItemInput {
  decision: 'approve' | 'reject' | 'correction';
  reason?: string;
  result?: ResultData;
  missing?: string[];
  /** 线下流转: decided outside the system and recorded here. */
  offline?: boolean;
  actor: Actor;
}

export interface Decision extends DecideItemInput {
  at: string;
}

export interface ItemState {
  code: string;
  department: string;
  status: ItemStatus;
  startedAt?: string;
  decision?: Decision;
  result?: ResultData;
}

export interface ItemInput {
  applicationId: string;
  item: ItemDefinition;
  /** Results of the `after` items, handed forward. */
  inputs: Record<string, ResultData>;
}

export type ItemOutcome = ItemState & { status: 'approved' | 'rejected' };

/** Update, not signal, because the department must see a refusal (409) at once. */
export const decideItem = defineUpdate<ItemState, [DecideItemInput]>('decideItem');
export const itemState = defineQuery<ItemState>('itemState');
