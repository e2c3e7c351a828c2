// Activities: the workflows' only way to touch the database. Each write is an idempotent upsert,
// so a retried or replayed activity never duplicates a row.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { writeApplicationSnapshot } from '../db/read-model.js';
import { cases, results } from '../db/schema.js';
import type { Actor } from '../workflows/shared/actor.js';
import { compact, safeActor } from '../workflows/shared/case-events.js';
import { caseEvents } from '../db/schema.js';
import { keptState } from '../db/case-file.js';
import type { ApplicationState } from '../workflows/application/messages.js';
import type { CaseEvent } from '../workflows/shared/case-events.js';
import type { Notice } from '../workflows/shared/notices.js';
import { readModelSnapshot } from '../workflows/shared/read-model.js';
import { deliverNotices, logSender, type NoticeSender } from './notices.js';

export interface ArchiveResultInput {
  applicationId: string;
  itemCode: string;
  /** The item's name, for the case file's event (absent in executions begun before the case file). */
  itemName?: string;
  resultType: string;
  resultName: string;
  data: Record<string, unknown>;
  issuedAt: string;
}

export const createActivities = (deps: { db: Db; sender?: NoticeSender }) => ({
  /**
   * Read model and case file: the application and its items, ignoring snapshots older than the
   * stored one; with `events` (executions begun with the case file), the events and the state kept for good.
   */
  async syncApplication(state: ApplicationState, events?: CaseEvent[]): Promise<void> {
    await writeApplicationSnapshot(deps.db, readModelSnapshot(state), events && { state: keptState(state), events });
  },

  /** 归集入库: the first archived result stands; a retry changes nothing. */
  async archiveResult(input: ArchiveResultInput): Promise<void> {
    const { itemName, ...row } = input;
    await deps.db.insert(results).values(row).onConflictDoNothing();
    await deps.db
      .insert(caseEvents)
      .values({
        applicationId: input.applicationId,
        key: `archived:${input.itemCode}`,
        at: input.issuedAt,
        kind: 'archived',
        item: input.itemCode,
        label: '结果归集入库',
        detail: { itemName, resultType: input.resultType, resultName: input.resultName },
      })
      .onConflictDoNothing();
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
    await deps.db
      .insert(caseEvents)
      .values({
        applicationId: input.applicationId,
        key: `post-check:${input.itemCode}:revoked`,
        at: input.at,
        kind: 'post-check',
        item: input.itemCode,
        actor: safeActor(input.actor),
        label: '撤销许可（承诺不实）',
        detail: compact({ itemName: input.itemName, outcome: 'revoked', reason: input.reason }),
      })
      .onConflictDoNothing();
  },

  /** Case-file events of a workflow that has no read model to sync (告知承诺 post-checks). */
  async recordCaseEvents(input: { applicationId: string; events: CaseEvent[] }): Promise<void> {
    if (input.events.length === 0) return;
    await deps.db
      .insert(caseEvents)
      .values(input.events.map((e) => ({ applicationId: input.applicationId, key: e.key, at: e.at, kind: e.kind, item: e.item ?? null, actor: e.actor ?? null, label: e.label, detail: e.detail })))
      .onConflictDoNothing();
  },

  /** Outbox: written once by key, then sent; never lost, never sent twice. */
  async sendNotices(input: { applicationId: string; notices: Notice[]; at?: string }): Promise<void> {
    await deliverNotices(deps.db, deps.sender ?? logSender(), input.applicationId, input.notices, input.at);
  },
});

export type Activities = ReturnType<typeof createActivities>;
