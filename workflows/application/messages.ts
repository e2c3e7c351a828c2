// The application workflow's contract: importable by the API without loading the workflow.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Actor, Channel } from '../shared/actor.js';
import type { Answers, BundleVersion } from '../shared/bundle.js';
import type { ItemState } from '../item/messages.js';

export type ApplicationStatus =
  | 'incomplete'
  | 'accepted'
  | 'in_review'
  | 'completed'
  | 'partially_completed'
  | 'terminated'
  | 'withdrawn'
  | 'expired';

export const FINAL_STATUSES: readonly ApplicationStatus[] = [
  'completed',
  'partially_completed',
  'terminated',
  'withdrawn',
  'expired',
];

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
  form: Record<string, unknown>;
  materials: SubmittedMaterial[];
  delivery: Delivery;
  submittedAt: string;
}

export interface ItemView extends ItemState {
  name: string;
  after: string[];
  reason?: string;
}

/** 收件凭证: what was received, for which items, and what was promised instead (容缺). */
export interface Receipt {
  number: string;
  time: string;
  items: { code: string; name: string; department: string }[];
  materials: string[];
  promised: string[];
}

export interface ApplicationState {
  id: string;
  number: string;
  bundle: { code: string; version: number; name: string; region: string };
  status: ApplicationStatus;
  channel: Channel;
  applicant: Applicant;
  owner: string;
  submittedBy: Actor;
  items: ItemView[];
  receipt: Receipt;
  createdAt: string;
  acceptedAt?: string;
  endedAt?: string;
  outcome?: string;
  /** Increases with every change: the read model ignores older snapshots. */
  revision: number;
}

export const applicationState = defineQuery<ApplicationState>('applicationState');
/** Sent by an item workflow whenever its status changes, so the application shows it at once. */
export const itemChanged = defineSignal<[ItemState]>('itemChanged');
