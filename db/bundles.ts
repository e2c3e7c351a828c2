// The catalogue of published bundle versions: every version stays readable.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { isDeepStrictEqual } from 'node:util';
import type { BundleDefinition, BundleVersion } from '../workflows/shared/bundle.js';
import { rows, type Db } from './client.js';
import { bundleVersions } from './schema.js';

const toVersion = (row: typeof bundleVersions.$inferSelect): BundleVersion & { retired: boolean; retiredAt?: string } => ({
  ...row.definition,
  version: row.version,
  retired: row.retiredAt !== null,
  ...(row.retiredAt ? { retiredAt: new Date(row.retiredAt).toISOString() } : {}),
});

export async function getBundle(db: Db, code: string, version?: number) {
  const [row] = await db
    .select()
    .from(bundleVersions)
    .where(version ? and(eq(bundleVersions.code, code), eq(bundleVersions.version, version)) : eq(bundleVersions.code, code))
    .orderBy(desc(bundleVersions.version))
    .limit(1);
  return row ? toVersion(row) : undefined;
}

/** A department some published bundle has (12345 tickets are routed only to those). */
export async function departmentExists(db: Db, code: string): Promise<boolean> {
  const found = await rows(
    db,
    sql`select 1 from ${bundleVersions}, jsonb_array_elements(${bundleVersions.definition}->'departments') d where d->>'code' = ${code} limit 1`,
  );
  return found.length > 0;
}

/** The latest version of every bundle that is not retired. */
export async function listBundles(db: Db) {
  const rows = await db
    .selectDistinctOn([bundleVersions.code])
    .from(bundleVersions)
    .where(isNull(bundleVersions.retiredAt))
    .orderBy(bundleVersions.code, desc(bundleVersions.version));
  return rows.map(toVersion);
}

/** Publishes a new version unless the latest one already equals the definition (seeding twice changes nothing). */
export async function publishBundle(db: Db, definition: BundleDefinition): Promise<{ version: number; created: boolean }> {
  return db.transaction(async (tx) => {
    // Serialise publishers of the same code so two versions never get the same number.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${definition.code}))`);
    const latest = await getBundle(tx as unknown as Db, definition.code);
    if (latest) {
      const { version, retired, ...current } = latest;
      if (!retired && isDeepStrictEqual(current, definition)) return { version, created: false };
    }
    const version = (latest?.version ?? 0) + 1;
    await tx.insert(bundleVersions).values({ code: definition.code, version, name: definition.name, region: definition.region, definition });
    return { version, created: true };
  });
}

/**
 * Retires every version of a bundle: new applications are refused, running ones keep the version
 * they started with. Retiring twice keeps the first time. Undefined when no version exists.
 * Publishing a new version afterwards brings the bundle back (that version is not retired).
 */
export async function retireBundle(db: Db, code: string): Promise<{ versions: number; retiredAt: string } | undefined> {
  return db.transaction(async (tx) => {
    // The publishers' lock: a version published concurrently is either retired here or published after.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${code}))`);
    const rows = await tx
      .update(bundleVersions)
      .set({ retiredAt: sql`coalesce(${bundleVersions.retiredAt}, now())` })
      .where(eq(bundleVersions.code, code))
      .returning({ version: bundleVersions.version, retiredAt: bundleVersions.retiredAt });
    if (rows.length === 0) return undefined;
    const latest = rows.reduce((a, b) => (b.version > a.version ? b : a));
    return { versions: rows.length, retiredAt: new Date(latest.retiredAt!).toISOString() };
  });
}
