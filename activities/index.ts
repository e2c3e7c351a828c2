// Activities: the workflows' only way to touch the database. Each write is an idempotent upsert,
// so a retried or replayed activity never duplicates a row.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { writeApplicationSnapshot } from '../db/read-model.js';
import { cases, results } from '../db/schema.js';
import type { Actor } from '../workflows/shared/actor.js';
import { keptState, writeCaseEvents } from '../db/case-file.js';
import { keepCertificate, revokeCertificate } from '../db/certificates.js';
import type { Sealer } from '../worker/payload-codec.js';
import { archivedRows, revokedRow } from './case-events.js';
import type { ApplicationState } from '../workflows/application/messages.js';
import type { CaseEvent } from '../workflows/shared/case-events.js';
import type { Notice } from '../workflows/shared/notices.js';
import { readModelSnapshot, type CaseFileSync } from '../workflows/shared/read-model.js';
import { deliverNotices, logSender, type NoticeSender } from './notices.js';

export interface ArchiveResultInput {
  applicationId: string;
  itemCode: string;
  /** The item's name, for the case file's event (absent in executions begun before the case file). */
  itemName?: string;
  /** 告知承诺: the post-check the item starts next. */
  postCheck?: { days: number; workflowId: string };
  resultType: string;
  resultName: string;
  data: Record<string, unknown>;
  issuedAt: string;
  /** 电子证照: the result is kept in the certificate store as this type (absent: it is not kept, or the item began before the store). */
  certificate?: { type: string; department: string; validYears?: number };
}

/** `sealer`: the payload key ring, to open the case file's applicant when a result is kept as a certificate (none: no certificates kept). */
export const createActivities = (deps: { db: Db; sender?: NoticeSender; sealer?: Sealer }) => ({
  /** Read model of an application begun before the case file: the whole state at every change. */
  async syncApplication(state: ApplicationState): Promise<void> {
    await writeApplicationSnapshot(deps.db, readModelSnapshot(state));
  },

  /**
   * Read model and case file in one statement: the application row, the items that changed, the
   * pending events, and once the application has ended its state, kept for good. Older snapshots
   * (by revision) never overwrite newer ones; events are keyed, so a retry writes nothing twice.
   */
  async syncCaseFile(input: CaseFileSync): Promise<void> {
    await writeApplicationSnapshot(deps.db, input.readModel, { events: input.events, ...(input.state ? { state: keptState(input.state) } : {}) });
  },

  /** 归集入库: the first archived result stands; a retry changes nothing. A certificate (电子证照) joins the store. */
  async archiveResult(input: ArchiveResultInput): Promise<void> {
    const { itemName: _itemName, postCheck: _postCheck, certificate, ...row } = input;
    await deps.db.insert(results).values(row).onConflictDoNothing();
    if (certificate && deps.sealer) await keepCertificate(deps.db, deps.sealer, { ...input, certificate });
    await writeCaseEvents(deps.db, input.applicationId, archivedRows(input));
  },

  /** Read model of a rectification or a 12345 ticket (the latest state wins; states only move forward). */
  async syncCase(row: typeof cases.$inferInsert): Promise<void> {
    await deps.db.insert(cases).values(row).onConflictDoUpdate({ target: cases.id, set: row });
  },

  /** 告知承诺 revoked: the archive records it once; the first revocation stands. */
  async revokeResult(input: { applicationId: string; itemCode: string; itemName?: string; reason: string; at: string; actor?: Actor }): Promise<void> {
    await deps.db
      .update(results)
      .set({ revokedAt: input.at, revokeReason: input.reason })
      .where(and(eq(results.applicationId, input.applicationId), eq(results.itemCode, input.itemCode), isNull(results.revokedAt)));
    await revokeCertificate(deps.db, input.applicationId, input.itemCode, input.at, input.reason);
    await writeCaseEvents(deps.db, input.applicationId, [revokedRow(input)]);
  },

  /** Case-file events of a workflow that has no read model to sync (告知承诺 post-checks). */
  async recordCaseEvents(input: { applicationId: string; events: CaseEvent[] }): Promise<void> {
    await writeCaseEvents(deps.db, input.applicationId, input.events);
  },

  /** Outbox: written once by key, then sent; never lost, never sent twice. */
  async sendNotices(input: { applicationId: string; notices: Notice[]; at?: string }): Promise<void> {
    await deliverNotices(deps.db, deps.sender ?? logSender(), input.applicationId, input.notices, input.at);
  },
});

export type Activities = ReturnType<typeof createActivities>;
