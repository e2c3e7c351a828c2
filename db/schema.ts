// PostgreSQL tables: the catalogue, the case file (submission, event log, last state: the system of
// record of every application), the read models kept current by activities, results and notices.
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  serial,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { BundleDefinition } from '../workflows/shared/bundle.js';
import type { Decision } from '../workflows/item/messages.js';
import type { TimelineActor } from '../workflows/shared/case-events.js';
import type { JointRow } from '../workflows/shared/read-model.js';
import type { CalendarSource } from '../workflows/shared/working-days.js';

/**
 * timestamptz read as ISO 8601 with its offset (`2026-12-04T21:02:37.373456+00:00`), microseconds
 * kept (keyset cursors compare them): PostgreSQL's own text (`2026-12-04 21:02:37.373456+00`) never
 * reaches an answer.
 */
const ts = customType<{ data: string; driverData: string }>({
  dataType: () => 'timestamp with time zone',
  fromDriver: (value) => isoTimestamp(value),
});

export function isoTimestamp(value: string | Date): string {
  if (value instanceof Date) return value.toISOString();
  return value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
}

/**
 * Administrative divisions (GB/T 2260, 行政区划代码): seed data in migration 0014 (Jiangsu: the
 * province, its 13 cities, their districts and county-level cities and counties). Every region code
 * the API takes is checked against it (api/regions.ts); an item's competent region is one of them.
 */
export const regions = pgTable('regions', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  /** province | city | county: the level whose office serves the division. */
  level: text('level').notNull(),
  parent: text('parent').references((): AnyPgColumn => regions.code),
});

export const bundleVersions = pgTable(
  'bundle_versions',
  {
    code: text('code').notNull(),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    region: text('region').notNull(),
    definition: jsonb('definition').$type<BundleDefinition>().notNull(),
    publishedAt: ts('published_at')
      .notNull()
      .default(sql`now()`),
    retiredAt: ts('retired_at'),
  },
  (t) => [primaryKey({ columns: [t.code, t.version] })],
);

/**
 * Handling times in hours, as db/stats.ts computes them: the index expressions must be the same
 * expressions for the planner to read the indexes in their order.
 */
const applicationHours = (t: { acceptedAt: AnyPgColumn; endedAt: AnyPgColumn }) => sql`(date_part('epoch', ${t.endedAt} - ${t.acceptedAt}) / 3600)`;
const itemHours = (t: { startedAt: AnyPgColumn; decidedAt: AnyPgColumn }) => sql`(date_part('epoch', ${t.decidedAt} - ${t.startedAt}) / 3600)`;

/** Read model of applications for listing and statistics; never the source of truth. */
export const applications = pgTable(
  'applications',
  {
    id: text('id').primaryKey(),
    number: text('number').notNull(),
    bundleCode: text('bundle_code').notNull(),
    bundleVersion: integer('bundle_version').notNull(),
    region: text('region').notNull(),
    status: text('status').notNull(),
    channel: text('channel').notNull(),
    owner: text('owner').notNull(),
    submittedBy: text('submitted_by').notNull(),
    /** Masked: the read model never holds a full ID number or phone number. */
    applicantName: text('applicant_name').notNull(),
    applicantId: text('applicant_id').notNull(),
    createdAt: ts('created_at').notNull(),
    acceptedAt: ts('accepted_at'),
    endedAt: ts('ended_at'),
    outcome: text('outcome'),
    /** The joint procedures (8.3.2) as the inboxes find them: who leads, who is awaited, who dissents; null without any. */
    joint: jsonb('joint').$type<JointRow[]>(),
    revision: integer('revision').notNull(),
  },
  (t) => [
    uniqueIndex('applications_number_idx').on(t.number),
    // Inboxes: the procedures a department leads or must sign (jsonb containment, db/joint-inbox.ts).
    index('applications_joint_idx').using('gin', t.joint.op('jsonb_path_ops')),
    index('applications_status_idx').on(t.status, t.createdAt),
    index('applications_bundle_idx').on(t.bundleCode, t.createdAt),
    index('applications_owner_idx').on(t.owner, t.createdAt),
    // Listing (db/listing.ts): keyset paging on (created_at, id), agents' own, coordinators' region
    // prefix (text_pattern_ops: LIKE '3201%' is an index range whatever the collation).
    index('applications_created_idx').on(t.createdAt, t.id),
    index('applications_submitted_by_idx').on(t.submittedBy, t.createdAt),
    index('applications_region_idx').on(t.region.op('text_pattern_ops'), t.createdAt),
    // Statistics (db/stats.ts): handling times of ended applications in order, per bundle and over all,
    // so that the 90th percentile is read walking down from the top (index-only: the filters'
    // columns follow).
    index('applications_handling_idx')
      .on(t.bundleCode, applicationHours(t), t.acceptedAt, t.endedAt, t.region, t.createdAt)
      .where(sql`${t.endedAt} is not null`),
    index('applications_handling_all_idx')
      .on(applicationHours(t), t.acceptedAt, t.endedAt, t.bundleCode, t.region, t.createdAt)
      .where(sql`${t.endedAt} is not null`),
  ],
);

export const applicationItems = pgTable(
  'application_items',
  {
    applicationId: text('application_id').notNull(),
    itemCode: text('item_code').notNull(),
    itemName: text('item_name').notNull(),
    department: text('department').notNull(),
    status: text('status').notNull(),
    startedAt: ts('started_at'),
    deadline: ts('deadline'),
    overdue: boolean('overdue').notNull().default(false),
    decidedAt: ts('decided_at'),
    decision: jsonb('decision'),
    // The application's, written with every sync (statistics filter and count items without a join):
    // bundle, region and creation never change; status, acceptance and end follow the application.
    bundleCode: text('bundle_code').notNull(),
    region: text('region').notNull(),
    createdAt: ts('created_at').notNull(),
    applicationStatus: text('application_status').notNull(),
    applicationAcceptedAt: ts('application_accepted_at'),
    applicationEndedAt: ts('application_ended_at'),
    /** The application's first item (by code) of this department: the row that counts the application in the department's figures. */
    departmentFirst: boolean('department_first').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.applicationId, t.itemCode] }),
    index('application_items_dept_idx').on(t.department, t.status),
    // overdue=true filter and overdue counts: the few overdue items, by application.
    index('application_items_overdue_idx')
      .on(t.applicationId)
      .where(sql`${t.overdue}`),
    // Statistics (db/stats.ts), index-only, the filters' columns in each:
    // - the longest-waiting open item, oldest first;
    index('application_items_open_idx')
      .on(t.startedAt, t.applicationId, t.itemCode, t.department, t.bundleCode, t.region, t.createdAt)
      .where(sql`${t.status} in ('in_review', 'correction_requested', 'awaiting_material')`),
    // - the oldest open item of each item;
    index('application_items_open_items_idx')
      .on(t.itemCode, t.department, t.startedAt, t.bundleCode, t.region, t.createdAt)
      .where(sql`${t.status} in ('in_review', 'correction_requested', 'awaiting_material')`),
    // - handling times of decided items in order, per item (the 90th percentile read from the top);
    index('application_items_handling_idx')
      .on(t.itemCode, t.department, itemHours(t), t.startedAt, t.decidedAt, t.bundleCode, t.region, t.createdAt)
      .where(sql`${t.status} in ('approved', 'rejected')`),
    // - handling times of the ended applications having an item of a department, in order;
    index('application_items_department_handling_idx')
      .on(
        t.department,
        applicationHours({ acceptedAt: t.applicationAcceptedAt, endedAt: t.applicationEndedAt }),
        t.applicationAcceptedAt,
        t.applicationEndedAt,
        t.bundleCode,
        t.region,
        t.createdAt,
      )
      .where(sql`${t.departmentFirst} and ${t.applicationEndedAt} is not null`),
    // - rows of a period's first and last partial day (the rollups below hold whole days).
    index('application_items_created_idx').on(t.createdAt),
  ],
);

// Statistics rollups (db/stats.ts), per day of creation of the application in China time: counters
// that the triggers of migration 0006 keep current with every write to applications and
// application_items (see stats_item_facts and stats_application_facts there), so that figures over
// a million applications add up a few thousand rows. Never written by the application.

/** Applications by status, and their handling times; department '' for all, else those having an item of it. */
export const statsApplicationDays = pgTable(
  'stats_application_days',
  {
    department: text('department').notNull(),
    bundleCode: text('bundle_code').notNull(),
    region: text('region').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    status: text('status').notNull(),
    applications: integer('applications').notNull(),
    /** Ended applications that had been accepted, and the sum of their handling times (exact seconds). */
    timed: integer('timed').notNull(),
    seconds: numeric('seconds').notNull(),
  },
  (t) => [primaryKey({ columns: [t.department, t.bundleCode, t.region, t.day, t.status] })],
);

/** Items by item and department: volumes, decisions, handling times, overdue and open ones. */
export const statsItemDays = pgTable(
  'stats_item_days',
  {
    department: text('department').notNull(),
    itemCode: text('item_code').notNull(),
    bundleCode: text('bundle_code').notNull(),
    region: text('region').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    items: integer('items').notNull(),
    started: integer('started').notNull(),
    overdue: integer('overdue').notNull(),
    approved: integer('approved').notNull(),
    rejected: integer('rejected').notNull(),
    decidedLate: integer('decided_late').notNull(),
    /** Decided items with both times, and the sum of their handling times (exact seconds). */
    timed: integer('timed').notNull(),
    seconds: numeric('seconds').notNull(),
    inReview: integer('in_review').notNull(),
    correctionRequested: integer('correction_requested').notNull(),
    awaitingMaterial: integer('awaiting_material').notNull(),
  },
  (t) => [primaryKey({ columns: [t.department, t.itemCode, t.bundleCode, t.region, t.day] })],
);

/** Rejected items by reason (keyed by its md5: a reason may be longer than a btree key may be). */
export const statsRejectionDays = pgTable(
  'stats_rejection_days',
  {
    department: text('department').notNull(),
    bundleCode: text('bundle_code').notNull(),
    region: text('region').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    rejected: integer('rejected').notNull(),
  },
  (t) => [uniqueIndex('stats_rejection_days_key').on(t.department, t.bundleCode, t.region, t.day, sql`md5(${t.reason})`)],
);

/** 归集入库: every approved item's result, written once. */
export const results = pgTable(
  'results',
  {
    applicationId: text('application_id').notNull(),
    itemCode: text('item_code').notNull(),
    resultType: text('result_type').notNull(),
    resultName: text('result_name').notNull(),
    data: jsonb('data').notNull(),
    issuedAt: ts('issued_at').notNull(),
    /** 告知承诺 found untrue: the result is revoked, even after delivery. */
    revokedAt: ts('revoked_at'),
    revokeReason: text('revoke_reason'),
  },
  (t) => [primaryKey({ columns: [t.applicationId, t.itemCode] })],
);

/**
 * 电子证照库: certificates the platform issued, of their holder (the applicant), shared with later
 * applications so what the administration holds is not asked for again (国务院令第716号). The holder
 * is found by keyed hashes of the ID number (Sealer.fingerprints), never the number itself.
 */
export const certificates = pgTable(
  'certificates',
  {
    /** `<application>:<item>`: one per issuing item, so a retried archive writes it once. */
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    name: text('name').notNull(),
    number: text('number').notNull(),
    holderHash: text('holder_hash').notNull(),
    holderMasked: text('holder_masked').notNull(),
    /** The holder's account (the application's owner): what `GET /v1/certificates` lists. */
    owner: text('owner').notNull(),
    department: text('department').notNull(),
    issuedAt: ts('issued_at').notNull(),
    expiresAt: ts('expires_at'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    applicationId: text('application_id').notNull(),
    itemCode: text('item_code').notNull(),
    revokedAt: ts('revoked_at'),
    revokeReason: text('revoke_reason'),
  },
  (t) => [index('certificates_holder_idx').on(t.holderHash, t.type), index('certificates_owner_idx').on(t.owner, t.issuedAt)],
);

/** The notice outbox: one row per (application, key) however often an activity retries; `sentAt` once sent. */
export const notices = pgTable(
  'notices',
  {
    id: serial('id').primaryKey(),
    applicationId: text('application_id').notNull(),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    recipient: text('recipient').notNull().default('applicant'),
    department: text('department'),
    title: text('title').notNull().default(''),
    body: jsonb('body').notNull(),
    createdAt: ts('created_at')
      .notNull()
      .default(sql`now()`),
    sentAt: ts('sent_at'),
  },
  (t) => [uniqueIndex('notices_app_key_idx').on(t.applicationId, t.key), index('notices_unsent_idx').on(t.sentAt)],
);

/** The working-day calendar, one row per published year. */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  holidays: jsonb('holidays').$type<string[]>().notNull(),
  workdays: jsonb('workdays').$type<string[]>().notNull(),
  /** The State Council notice the year was entered from (absent for years published without one). */
  source: jsonb('source').$type<CalendarSource>(),
  publishedAt: ts('published_at')
    .notNull()
    .default(sql`now()`),
  publishedBy: text('published_by').notNull(),
});

/** 失信 records: applicants who may not use 容缺. Keyed by a hash of the ID number, never the number. */
export const creditFlags = pgTable('credit_flags', {
  idHash: text('id_hash').primaryKey(),
  reason: text('reason').notNull(),
  flaggedAt: ts('flagged_at')
    .notNull()
    .default(sql`now()`),
});

/** Idempotency-Key of submissions: the same key and body return the same application. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    owner: text('owner').notNull(),
    key: text('key').notNull(),
    bodyHash: text('body_hash').notNull(),
    applicationId: text('application_id').notNull(),
    createdAt: ts('created_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.owner, t.key] })],
);

/** 好差评 (DB32/T 4660): one online rating per application (一事一评), one per window visit (一次一评). */
export const evaluations = pgTable(
  'evaluations',
  {
    id: text('id').primaryKey(),
    applicationId: text('application_id').notNull(),
    channel: text('channel').notNull(),
    visitId: text('visit_id').notNull().default(''),
    rating: integer('rating').notNull(),
    indicators: jsonb('indicators').$type<Record<string, number>>(),
    comment: text('comment'),
    evaluator: text('evaluator').notNull(),
    bundleCode: text('bundle_code').notNull(),
    department: text('department').notNull(),
    item: text('item'),
    createdAt: ts('created_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [uniqueIndex('evaluations_once_idx').on(t.applicationId, t.channel, t.visitId), index('evaluations_bundle_idx').on(t.bundleCode, t.createdAt)],
);

/** Read model of supervised cases: rectifications of bad reviews and 12345 tickets. */
export const cases = pgTable(
  'cases',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    applicationId: text('application_id'),
    department: text('department').notNull(),
    type: text('type'),
    status: text('status').notNull(),
    dueAt: ts('due_at').notNull(),
    overdue: boolean('overdue').notNull().default(false),
    replied: boolean('replied').notNull().default(false),
    rectified: boolean('rectified').notNull().default(false),
    visited: boolean('visited').notNull().default(false),
    createdAt: ts('created_at')
      .notNull()
      .default(sql`now()`),
    closedAt: ts('closed_at'),
  },
  (t) => [index('cases_department_idx').on(t.department, t.status), index('cases_kind_idx').on(t.kind, t.createdAt)],
);

/**
 * The case file (办件档案) of an application, kept for good: what was submitted, and the last state
 * the workflow published. Temporal's history is deleted after the namespace's retention; everything
 * a person or an auditor reads of a closed application comes from here.
 */
export const caseFiles = pgTable(
  'case_files',
  {
    applicationId: text('application_id').primaryKey(),
    bundleCode: text('bundle_code').notNull(),
    bundleVersion: integer('bundle_version').notNull(),
    /** The submission without personal values: answers, material references (code, name, uri, sha256), commitments, pledges, delivery method. */
    submission: jsonb('submission').$type<Record<string, unknown>>().notNull(),
    /** Personal values sealed with the payload key ring (`keyId:base64`): applicant, form values, delivery address. */
    sealed: text('sealed').notNull(),
    submittedAt: ts('submitted_at').notNull(),
    /** The application's last published state, personal values left out (they are in `sealed`). */
    state: jsonb('state').$type<Record<string, unknown>>(),
    revision: integer('revision').notNull().default(-1),
  },
  // 免提交: the few case files that took a material from the certificate store (statistics, a
  // department's reading of a certificate): db/certificates.ts SHARED_MATERIALS is its predicate.
  (t) => [
    index('case_files_shared_idx')
      .on(t.applicationId)
      .where(sql`${t.submission} -> 'materials' @> '[{"via":"certificate"}]'::jsonb`),
  ],
);

/**
 * The event log of an application: one row per business event, append-only. `key` is unique per
 * application, so a retried activity never writes an event twice. The timeline and the
 * audit read this, never Temporal's history.
 */
export const caseEvents = pgTable(
  'case_events',
  {
    id: serial('id').primaryKey(),
    applicationId: text('application_id').notNull(),
    key: text('key').notNull(),
    at: ts('at').notNull(),
    kind: text('kind').notNull(),
    item: text('item'),
    /** Who: sub, role, dept, post, actingFor, mandate, channel (never a display name). */
    actor: jsonb('actor').$type<TimelineActor>(),
    label: text('label').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    /** A decision event: the decision as the department made it (a closed case's item lists are rebuilt from these). */
    decision: jsonb('decision').$type<Decision>(),
    recordedAt: ts('recorded_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    uniqueIndex('case_events_key_idx').on(t.applicationId, t.key),
    index('case_events_app_idx').on(t.applicationId, t.at),
    // /metrics reads the last minutes' write lag at each scrape.
    index('case_events_recorded_idx').on(t.recordedAt),
  ],
);

/**
 * 政策服务免申办: the life events an integration (role `system`) posted, one row per poster and event
 * id, written before any of its effects: the plan (which bundles it proposes, under which
 * application ids) is durable first, then each proposal is made idempotently — a repeat of the
 * event, or a retry after a crash, answers the same applications and creates none.
 */
export const lifeEvents = pgTable(
  'life_events',
  {
    postedBy: text('posted_by').notNull(),
    id: text('id').notNull(),
    type: text('type').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    /** The subject's ID number as keyed hashes (Sealer.fingerprints), never in the clear. */
    subjectHash: text('subject_hash').notNull(),
    /** The subject and the event's data, sealed with the payload key ring. */
    sealed: text('sealed').notNull(),
    /** The applications proposed: id and bundle code. */
    applications: jsonb('applications').$type<{ id: string; bundle: string }[]>().notNull(),
    receivedAt: ts('received_at')
      .notNull()
      .default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.postedBy, t.id] })],
);
