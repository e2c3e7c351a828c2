// The bundle definition (一件事) as API.md publishes it. Pure types: imported by the API, the DB,
// the activities and the workflows alike. A running application carries its own copy.
import type { Level } from './jurisdiction.js';

export type OnReject = 'terminate' | 'continue';
export type Answers = Record<string, string | number | boolean>;

export interface Department {
  code: string;
  name: string;
}

export interface Question {
  key: string;
  label: string;
  type: 'boolean' | 'string' | 'number';
  options?: string[];
}

export interface Material {
  code: string;
  name: string;
  sample?: string;
  /** Working days within which a promised (容缺) material must arrive. */
  deferDays?: number;
  /** 免提交: the certificate type that satisfies it — held in the store for the applicant, it is not asked for again. */
  certificate?: string;
}

export interface Field {
  key: string;
  label: string;
  type: 'string' | 'number' | 'boolean' | 'date';
  required?: boolean;
  /** string: the longest value (default FIELD_MAX_LENGTH). */
  maxLength?: number;
  /** number: the range of a value, inclusive. */
  min?: number;
  max?: number;
  /** string: the values it may take (a choice). */
  options?: string[];
  /** 一表申请 on shared data (数据共享): where the platform already holds the value — pre-filled, marked as shared. */
  source?: FieldSource;
}

/**
 * An identity claim of the applicant's login, a certificate type of the store and the path of the
 * value in its data, or (政策服务免申办) the path of the value in the data of the event that proposed the application.
 */
export type FieldSource = { claim: 'name' } | { certificate: string; path: string } | { event: string };

/** The life-event types an event's `type` is written in (`death-registered`, `retirement-age-reached`). */
export const EVENT_TYPE_PATTERN = '^[a-z][a-z0-9-]{1,63}$';

/**
 * 政策服务免申办: an event of this type (POST /v1/events) proposes the bundle to its subject, with
 * these answers to the bundle's questions already given (the subject may change them on confirming).
 */
export interface Trigger {
  event: string;
  answers?: Answers;
}

/** The longest string value a field takes unless its definition says otherwise. */
export const FIELD_MAX_LENGTH = 500;

/**
 * What an approved item issues. A result of type `certificate`, or one marked `shareable`, is kept in
 * the e-certificate store (电子证照库) as a certificate of the applicant, of type `certificate`
 * (default: the item's code), valid `validYears` (absent: without expiry).
 */
export interface ResultDefinition {
  type: string;
  name: string;
  certificate?: string;
  shareable?: boolean;
  validYears?: number;
}

export interface ItemMaterial {
  code: string;
  required: boolean;
  deferrable: boolean;
}

export interface ItemDefinition {
  code: string;
  name: string;
  department: string;
  kind: string;
  legalBasis?: string;
  conditions?: string;
  fee?: string;
  legalDays: number;
  committedDays: number;
  result: ResultDefinition;
  materials: ItemMaterial[];
  fields: string[];
  /** Selects the item from the applicant's answers; absent: always applies. */
  when?: Answers;
  /** Items whose approval this item waits for; their result data is handed to it. */
  after: string[];
  onReject: OnReject;
  /** 告知承诺: may be granted at once on the applicant's written commitment, checked within postCheckDays. */
  commitment?: { postCheckDays: number };
  /** The administrative level of the office that decides it (absent: the level of the bundle's region). */
  level?: Level;
  /** The bundle's key item (5.2, leadPrinciple key-item: its department leads); one per bundle. */
  key?: boolean;
}

export interface JointProcedure {
  code: string;
  kind: string;
  items: string[];
}

export interface BundleDefinition {
  code: string;
  name: string;
  lifecycle: 'individual' | 'enterprise';
  stage: string;
  region: string;
  leadDepartment?: string;
  leadPrinciple?: 'first-item' | 'key-item' | 'designated';
  committedDays: number;
  /**
   * 受理审查 (§32): materials that do not arrive at a window (web, app, agents) are judged for legal
   * form by window staff before acceptance; at a window the staff member submitting has judged them.
   */
  intakeReview?: boolean;
  departments: Department[];
  questions: Question[];
  materials: Material[];
  fields: Field[];
  items: ItemDefinition[];
  joint?: JointProcedure[];
  /** The life events that propose this bundle to their subject (政策服务免申办). */
  triggers?: Trigger[];
}

/** A published version: what an application starts with and keeps. */
export interface BundleVersion extends BundleDefinition {
  version: number;
}
