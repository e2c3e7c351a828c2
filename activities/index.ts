// Activities: the workflows' only way to touch the database. Each write is an idempotent upsert,
// so a retried or replayed activity never duplicates a row.
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { applicationItems, applications, cases, results } from '../db/schema.js';
import type { ApplicationState } from '../workflows/application/messages.js';
import { maskIdNumber, maskName } from '../workflows/shared/mask.js';
import type { Notice } from '../workflows/shared/notices.js';
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
    const row = {
      id: state.id,
      number: state.number,
      bundleCode: state.bundle.code,
      bundleVersion: state.bundle.version,
      region: state.bundle.region,
      status: state.status,
      channel: state.channel,
      owner: state.owner,
      submittedBy: state.submittedBy.sub,
      applicantName: maskName(state.applicant.name),
      applicantId: maskIdNumber(state.applicant.idNumber),
      createdAt: state.createdAt,
      acceptedAt: state.acceptedAt ?? null,
      endedAt: state.endedAt ?? null,
      outcome: state.outcome ?? null,
      revision: state.revision,
    };
    await deps.db.transaction(async (tx) => {
      const written = await tx
        .insert(applications)
        .values(row)
        .onConflictDoUpdate({ target: applications.id, set: row, setWhere: lt(applications.revision, state.revision) })
        .returning({ id: applications.id });
      if (written.length === 0) return; // a newer snapshot is already stored
      // Statistics count an application once per department, on its first item (by code) of it.
      const firstOfDepartment = new Map<string, string>();
      for (const { department, code } of state.items) {
        const first = firstOfDepartment.get(department);
        if (first === undefined || code < first) firstOfDepartment.set(department, code);
      }
      for (const item of state.items) {
        const itemRow = {
          applicationId: state.id,
          itemCode: item.code,
          itemName: item.name,
          department: item.department,
          status: item.status,
          startedAt: item.startedAt ?? null,
          deadline: item.deadline ?? null,
          overdue: item.overdue ?? false,
          decidedAt: item.decision?.at ?? null,
          decision: item.decision ?? null,
          // The application's, for the statistics' filters and department figures (db/stats.ts).
          bundleCode: row.bundleCode,
          region: row.region,
          createdAt: row.createdAt,
          applicationStatus: row.status,
          applicationAcceptedAt: row.acceptedAt,
          applicationEndedAt: row.endedAt,
          departmentFirst: firstOfDepartment.get(item.department) === item.code,
        };
        await tx
          .insert(applicationItems)
          .values(itemRow)
          .onConflictDoUpdate({ target: [applicationItems.applicationId, applicationItems.itemCode], set: itemRow });
      }
    });
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
