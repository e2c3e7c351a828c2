// Real PostgreSQL per test file: the global setup migrates a template once; each file clones it.
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { openDb, type DbHandle } from '../../db/client.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Per test run (set by the global setup), so that concurrent runs on one server never collide. */
export const templateDb = (): string => process.env.YJS_TEST_TEMPLATE_DB ?? 'yjs_test_template';

export const urlFor = (database: string): string => {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
};

export function adminSql() {
  return postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
}

/** A fresh database cloned from the migrated template; dropped by `drop()`. */
export async function createTestDb(): Promise<DbHandle & { name: string; drop(): Promise<void> }> {
  const name = `yjs_test_${randomBytes(6).toString('hex')}`;
  const admin = adminSql();
  await admin.unsafe(`create database ${name} template ${templateDb()}`);
  await admin.end();
  const handle = await openDb({ url: urlFor(name), embeddedDir: '' }, { max: 4 });
  return {
    ...handle,
    name,
    async drop() {
      await handle.close();
      const sql = adminSql();
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}
