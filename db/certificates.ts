// 电子证照库: the certificates the platform issued, kept for their holder and shared with later
// applications (免提交). Written when an item's result is archived, revoked with it (告知承诺 found
// untrue); read by the holder, by the departments that handle an item it serves, and at submission.
import { and, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { SharedMaterial } from '../workflows/application/messages.js';
import type { BundleDefinition } from '../workflows/shared/bundle.js';
import { maskIdNumber } from '../workflows/shared/mask.js';
import type { Sealer } from '../worker/payload-codec.js';
import type { PersonalValues, Submission } from './case-file.js';
import { isoSql } from './listing.js';
import { rows, type Db } from './client.js';
import { caseFiles, certificates } from './schema.js';

/** The certificate's number: the one the department gave in the result's data, else the issuing item's. */
const numberOf = (data: Record<string, unknown>, fallback: string): string => {
  const given = data.certNo ?? data.number ?? data.certificateNo;
  return typeof given === 'string' || typeof given === 'number' ? String(given) : fallback;
};

/**
 * Keeps an archived result as a certificate of the application's applicant: the applicant (sealed)
 * and the owner come from the case file; an application begun before the case file keeps none.
 */
export async function keepCertificate(
  db: Db,
  sealer: Sealer,
  result: {
    applicationId: string;
    itemCode: string;
    resultName: string;
    data: Record<string, unknown>;
    issuedAt: string;
    certificate: { type: string; department: string; validYears?: number };
  },
): Promise<void> {
  const [file] = await db
    .select({ sealed: caseFiles.sealed, submission: caseFiles.submission })
    .from(caseFiles)
    .where(eq(caseFiles.applicationId, result.applicationId));
  if (!file) return;
  const { applicant } = sealer.open<Pick<PersonalValues, 'applicant'>>(file.sealed);
  const id = `${result.applicationId}:${result.itemCode}`;
  const { type, department, validYears } = result.certificate;
  await db
    .insert(certificates)
    .values({
      id,
      type,
      name: result.resultName,
      number: numberOf(result.data, id),
      holderHash: sealer.fingerprints(applicant.idNumber)[0]!,
      holderMasked: maskIdNumber(applicant.idNumber),
      owner: (file.submission as unknown as Submission).owner,
      department,
      issuedAt: result.issuedAt,
      expiresAt: validYears ? yearsAfter(result.issuedAt, validYears) : null,
      data: result.data,
      applicationId: result.applicationId,
      itemCode: result.itemCode,
    })
    .onConflictDoNothing();
}

/** An instant `years` calendar years later (29 February falls to 1 March). */
function yearsAfter(iso: string, years: number): string {
  const at = new Date(iso);
  at.setUTCFullYear(at.getUTCFullYear() + years);
  return at.toISOString();
}

/** 告知承诺 found untrue: the certificate goes with its result (the first revocation stands). */
export async function revokeCertificate(db: Db, applicationId: string, itemCode: string, at: string, reason: string): Promise<void> {
  await db
    .update(certificates)
    .set({ revokedAt: at, revokeReason: reason })
    .where(and(eq(certificates.id, `${applicationId}:${itemCode}`), isNull(certificates.revokedAt)));
}

const view = {
  id: certificates.id,
  type: certificates.type,
  name: certificates.name,
  number: certificates.number,
  holder: certificates.holderMasked,
  department: certificates.department,
  issuedAt: isoSql(certificates.issuedAt),
  expiresAt: isoSql(certificates.expiresAt),
  data: certificates.data,
  applicationId: certificates.applicationId,
  item: certificates.itemCode,
  revokedAt: isoSql(certificates.revokedAt),
  revokeReason: certificates.revokeReason,
};
export type CertificateView = Awaited<ReturnType<typeof certificatesOf>>[number];

/** The holder's own, newest first (revoked and expired ones too, marked). */
export function certificatesOf(db: Db, owner: string) {
  return db.select(view).from(certificates).where(eq(certificates.owner, owner)).orderBy(desc(certificates.issuedAt)).limit(200);
}

/** One certificate, with its holder's account (which the caller checks and leaves out of answers). */
export async function certificateById(db: Db, id: string): Promise<(CertificateView & { owner: string }) | undefined> {
  const [row] = await db
    .select({ ...view, owner: certificates.owner })
    .from(certificates)
    .where(eq(certificates.id, id));
  return row;
}

/** Did the certificate serve (免提交) an application in which the department has an item? */
export async function servedDepartment(db: Db, id: string, department: string): Promise<boolean> {
  const found = await rows(
    db,
    sql`select 1 from case_files f join application_items i on i.application_id = f.application_id and i.department = ${department}
        where ${SHARED_MATERIALS} and f.submission -> 'materials' @> ${JSON.stringify([{ certificate: id }])}::jsonb limit 1`,
  );
  return found.length > 0;
}

/**
 * The case files that took a material from the store: the predicate of the partial index
 * case_files_shared_idx (migration 0016), so that only those are read, however many there are.
 */
export const SHARED_MATERIALS = sql.raw(`f.submission -> 'materials' @> '[{"via":"certificate"}]'::jsonb`);

/**
 * Whose certificates: the holder's by the fingerprints of its ID number, an account's own, or both at
 * once (an applicant submitting online: only its own account's certificates of that ID number).
 */
export type Holder = { fingerprints: string[]; owner?: string } | { owner: string };

/**
 * The certificates in force that the store holds for a holder, of the given types (all types when
 * none given): not revoked, not expired at `at`; the newest of each type.
 */
export async function heldCertificates(db: Db, holder: Holder, types: string[] | undefined, at: string): Promise<Map<string, CertificateView>> {
  if (types?.length === 0) return new Map();
  const rows = await db
    .select(view)
    .from(certificates)
    .where(
      and(
        'fingerprints' in holder ? inArray(certificates.holderHash, holder.fingerprints) : undefined,
        holder.owner !== undefined ? eq(certificates.owner, holder.owner) : undefined,
        types ? inArray(certificates.type, types) : undefined,
        isNull(certificates.revokedAt),
        or(isNull(certificates.expiresAt), gt(certificates.expiresAt, at)),
      ),
    )
    .orderBy(desc(certificates.issuedAt));
  const held = new Map<string, CertificateView>();
  for (const row of rows) if (!held.has(row.type)) held.set(row.type, row);
  return held;
}

/**
 * 免提交: of the materials `wanted` that were not handed in, those the bundle lets a certificate
 * satisfy and the store holds in force for the holder.
 */
export async function sharedMaterials(
  db: Db,
  holder: Holder,
  bundle: BundleDefinition,
  wanted: ReadonlySet<string>,
  handedIn: ReadonlySet<string>,
  at: string,
): Promise<SharedMaterial[]> {
  const open = bundle.materials.filter((m) => m.certificate && wanted.has(m.code) && !handedIn.has(m.code));
  const held = await heldCertificates(db, holder, [...new Set(open.map((m) => m.certificate!))], at);
  return open.flatMap((m) => {
    const cert = held.get(m.certificate!);
    return cert ? [{ material: m.code, certificate: cert.id, name: cert.name, number: cert.number }] : [];
  });
}
