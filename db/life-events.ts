// 政策服务免申办: the life events integrations post, and the bundles an event type proposes.
import { and, eq } from 'drizzle-orm';
import type { BundleVersion } from '../workflows/shared/bundle.js';
import { listBundles } from './bundles.js';
import type { Db } from './client.js';
import { lifeEvents } from './schema.js';

export type LifeEventRow = typeof lifeEvents.$inferSelect;
export type PlannedProposal = LifeEventRow['applications'][number];

/** The latest version of every bundle in force that an event of this type triggers. */
export async function triggeredBundles(db: Db, type: string): Promise<BundleVersion[]> {
  // Triggers of the latest version only: a version that dropped a trigger no longer proposes.
  return (await listBundles(db)).filter((b) => b.triggers?.some((t) => t.event === type));
}

/**
 * Records the event with its plan unless the poster sent this event id before: `repeated` then,
 * with the row first written (its plan is what the repeat answers and completes).
 */
export async function recordLifeEvent(db: Db, row: Omit<LifeEventRow, 'receivedAt'>): Promise<{ row: LifeEventRow; repeated: boolean }> {
  const [inserted] = await db.insert(lifeEvents).values(row).onConflictDoNothing().returning();
  if (inserted) return { row: inserted, repeated: false };
  const [existing] = await db
    .select()
    .from(lifeEvents)
    .where(and(eq(lifeEvents.postedBy, row.postedBy), eq(lifeEvents.id, row.id)));
  if (!existing) throw new Error(`life event ${row.id} neither inserted nor found`);
  return { row: existing, repeated: true };
}
