// Activities: the workflows' only way to touch the database. Each write is an idempotent upsert,
// so a retried or replayed activity never duplicates a row.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { writeApplicationSnapshot } from '../db/read-model.js';
import { cases, results } from '../db/schema.js';
import type { ApplicationState } from '../workflows/application/messages.js';
import type { Notice } from '../workflows/shared/notices.js';
import { readModelSnapshot } from '../workflows/shared/read-model.js';
import { deliverNotices, logSender, type NoticeSender } from './notices.js';

export interface ArchiveResultInput {
  applicationId: string;
  itemCode: string;
  resultType: string;
  resultName: string;
  data: Record<string, unknown>;
  issuedAt: string;
}

export const createActivities = (deps: { db: Db; sender?: NoticeSender }) => ({
  /** Read model: the application and its items, ignoring snapshots older than the stored one. */
  async syncApplication(state: ApplicationState): Promise<void> {
    await writeApplicationSnapshot(deps.db, readModelSnapshot(state));
  },

  /** 归集入库: the first archived result stands; a retry changes nothing. */
  async archiveResult(input: ArchiveResultInput): Promise<void> {
    await deps.db.insert(results).values(input).onConflictDoNothing();
  },

  /** Read model of a rectification or a 12345 ticket (the latest state wins; states only move forward). */
  async syncCase(row: typeof cases.$inferInsert): Promise<void> {
    await deps.db.insert(cases).values(row).onConflictDoUpdate({ target: cases.id, set: row });
  },

  /** 告知承诺 revoked: the archive records it once; the first revocation stands. */
  async revokeResult(input: { applicationId: string; itemCode: string; reason: string; at: string }): Promise<void> {
    await deps.db
      .update(results)
      .set({ revokedAt: input.at, revokeReason: input.reason })
      .where(and(eq(results.applicationId, input.applicationId), eq(results.itemCode, input.itemCode), isNull(results.revokedAt)));
  },

  /** Outbox: written once by key, then sent; never lost, never sent twice. */
  async sendNotices(input: { applicationId: string; notices: Notice[] }): Promise<void> {
    await deliverNotices(deps.db, deps.sender ?? logSender(), input.applicationId, input.notices);
  },
});

export type Activities = ReturnType<typeof createActivities>;
