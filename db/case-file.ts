// The case file (办件档案) of an application in PostgreSQL: the submission, written by the API before
// the workflow starts; the last state, kept by every sync; the event log (case_events). Personal
// values are sealed with the payload key ring and never stored in the clear.
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Applicant, ApplicationInput, ApplicationState, SharedMaterial, SubmittedMaterial } from '../workflows/application/messages.js';
import type { BundleVersion } from '../workflows/shared/bundle.js';
import type { SharedFrom } from '../workflows/shared/guide.js';
import { safeActor, type CaseEvent, type TimelineActor } from '../workflows/shared/case-events.js';
import { restoreKept } from '../workflows/shared/kept-state.js';
import { maskIdNumber, maskName, maskPhone } from '../workflows/shared/mask.js';
import type { Sealer } from '../worker/payload-codec.js';
import type { Db } from './client.js';
import { caseEvents, caseFiles } from './schema.js';

export interface MaterialRef {
  code: string;
  name: string;
  uri?: string;
  sha256?: string;
  /** When it arrived: the submission's time, or the supplement's. */
  at: string;
  /** 'submission' or 'supplement'; 'certificate': taken from the certificate store (免提交), `certificate` its id. */
  via: 'submission' | 'supplement' | 'certificate';
  certificate?: string;
}

/** What was submitted, without personal values (those are sealed). */
export interface Submission {
  channel: string;
  owner: string;
  submittedBy?: TimelineActor;
  answers: Record<string, unknown>;
  /** Every material reference handed in, the submission's and each supplement's, oldest first. */
  materials: MaterialRef[];
  commitments: string[];
  pledges: string[];
  delivery: { method: string };
  /** 数据共享: the form values that came from shared data (the applicant's login, a certificate, the event), by field. */
  sharedData?: Record<string, SharedFrom>;
  /** 政策服务免申办: the event that proposed the application. */
  proposal?: { id: string; type: string; occurredAt: string };
  /** The proposal as the event made it, not yet confirmed: the confirmation replaces this submission. */
  proposed?: true;
}

/** The sealed part: the applicant, the form's values, the delivery address. */
export interface PersonalValues {
  applicant: Applicant;
  form: Record<string, unknown>;
  deliveryAddress?: string;
}

export interface CaseFile {
  applicationId: string;
  bundleCode: string;
  bundleVersion: number;
  submittedAt: string;
  submission: Submission;
  personal: PersonalValues;
  /** The state the workflow kept once the application ended, as stored (see readKeptState). */
  kept?: ApplicationState;
}

const refsOf = (bundle: BundleVersion, materials: SubmittedMaterial[], at: string, via: MaterialRef['via']): MaterialRef[] =>
  materials.map((m) => ({ code: m.code, name: bundle.materials.find((d) => d.code === m.code)?.name ?? m.code, uri: m.uri, sha256: m.sha256, at, via }));

/**
 * Written once per application before its workflow starts (a repeated submission changes nothing).
 * 政策服务免申办: `event` the event that proposed it; `proposed` the proposal as the event made it;
 * `confirming` the subject's confirmation, which replaces the proposal's submission once.
 */
export async function writeSubmission(
  db: Db,
  sealer: Sealer,
  input: ApplicationInput,
  materials: SubmittedMaterial[],
  from: { shared?: SharedMaterial[]; sharedData?: Record<string, SharedFrom>; event?: Submission['proposal']; proposed?: boolean; confirming?: boolean } = {},
): Promise<void> {
  const shared = from.shared ?? [];
  const submission: Submission = {
    channel: input.channel,
    owner: input.owner,
    submittedBy: safeActor(input.submittedBy),
    answers: input.answers,
    materials: [
      ...refsOf(input.bundle, materials, input.submittedAt, 'submission'),
      ...shared.map((m) => ({
        code: m.material,
        name: input.bundle.materials.find((d) => d.code === m.material)?.name ?? m.material,
        uri: `certificate:${m.certificate}`,
        at: input.submittedAt,
        via: 'certificate' as const,
        certificate: m.certificate,
      })),
    ],
    commitments: input.commitments,
    pledges: input.pledges ?? [],
    delivery: { method: input.delivery.method },
    ...(from.sharedData && Object.keys(from.sharedData).length ? { sharedData: from.sharedData } : {}),
    ...(from.event ? { proposal: from.event } : {}),
    ...(from.proposed ? { proposed: true as const } : {}),
  };
  const personal: PersonalValues = { applicant: input.applicant, form: input.form, deliveryAddress: input.delivery.address };
  const row = {
    applicationId: input.id,
    bundleCode: input.bundle.code,
    bundleVersion: input.bundle.version,
    submission: submission as unknown as Record<string, unknown>,
    sealed: sealer.seal(personal),
    submittedAt: input.submittedAt,
  };
  const insert = db.insert(caseFiles).values(row);
  if (!from.confirming) return void (await insert.onConflictDoNothing());
  const { applicationId: _id, ...confirmed } = row;
  await insert.onConflictDoUpdate({ target: caseFiles.applicationId, set: confirmed, where: sql`${caseFiles.submission} ->> 'proposed' = 'true'` });
}

/** A supplement the workflow took: its references join the case file's materials (in one statement, whoever else writes). */
export async function addSupplementRefs(db: Db, id: string, bundle: BundleVersion, materials: SubmittedMaterial[], at: string): Promise<void> {
  const refs = refsOf(bundle, materials, at, 'supplement');
  await db
    .update(caseFiles)
    .set({
      submission: sql`jsonb_set(${caseFiles.submission}, '{materials}', coalesce(${caseFiles.submission}->'materials', '[]'::jsonb) || ${JSON.stringify(refs)}::jsonb)`,
    })
    .where(eq(caseFiles.applicationId, id));
}

/** The state as the case file keeps it: the applicant masked, no delivery address (both are sealed). */
export function keptState(state: ApplicationState): Record<string, unknown> {
  const { address: _address, ...delivery } = state.delivery;
  const a = state.applicant;
  return {
    ...state,
    applicant: { kind: a.kind, name: maskName(a.name), idNumber: maskIdNumber(a.idNumber), phone: a.phone && maskPhone(a.phone) },
    delivery,
  };
}

/** Whether the application has ended and its case file keeps its last state (no personal values opened). */
export async function hasEnded(db: Db, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: caseFiles.applicationId })
    .from(caseFiles)
    .where(and(eq(caseFiles.applicationId, id), isNotNull(caseFiles.state)));
  return !!row;
}

export async function readCaseFile(db: Db, sealer: Sealer, id: string): Promise<CaseFile | undefined> {
  const [row] = await db.select().from(caseFiles).where(eq(caseFiles.applicationId, id));
  if (!row) return undefined;
  return {
    applicationId: row.applicationId,
    bundleCode: row.bundleCode,
    bundleVersion: row.bundleVersion,
    submittedAt: row.submittedAt,
    submission: row.submission as unknown as Submission,
    personal: sealer.open<PersonalValues>(row.sealed),
    kept: (row.state as unknown as ApplicationState | null) ?? undefined,
  };
}

/**
 * An ended application's state as the workflow last had it: the kept state with what it leaves out
 * put back from the log (kept-state.ts) and the personal values unsealed. Undefined while it runs.
 */
export async function readKeptState(db: Db, sealer: Sealer, id: string): Promise<ApplicationState | undefined> {
  const file = await readCaseFile(db, sealer, id);
  if (!file?.kept) return undefined;
  const log = await db
    .select({ kind: caseEvents.kind, item: caseEvents.item, detail: caseEvents.detail, decision: caseEvents.decision })
    .from(caseEvents)
    .where(and(eq(caseEvents.applicationId, id), inArray(caseEvents.kind, ['decision', 'joint-signoff'])))
    .orderBy(asc(caseEvents.at), asc(caseEvents.id));
  const state = restoreKept(file.kept, log);
  const { applicant, deliveryAddress } = file.personal;
  return { ...state, applicant, delivery: { ...state.delivery, ...(deliveryAddress ? { address: deliveryAddress } : {}) } };
}

/** Appends events to the log; one already written (same key) is left as it is. */
export async function writeCaseEvents(db: Db, applicationId: string, events: readonly CaseEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insert(caseEvents)
    .values(
      events.map((e) => ({
        applicationId,
        key: e.key,
        at: e.at,
        kind: e.kind,
        item: e.item ?? null,
        actor: e.actor ?? null,
        label: e.label,
        detail: e.detail,
        decision: e.decision ?? null,
      })),
    )
    .onConflictDoNothing();
}
