// Global setup: create this run's template database and apply the committed migrations to it once.
// The name is per run (test files inherit it through the environment), so concurrent runs on one
// PostgreSQL never drop each other's template.
import { randomBytes } from 'node:crypto';
import { openDb } from '../../db/client.js';
import { adminSql, urlFor } from '../helpers/db.js';

export default async function setup(): Promise<() => Promise<void>> {
  const name = `yjs_test_template_${randomBytes(4).toString('hex')}`;
  process.env.YJS_TEST_TEMPLATE_DB = name;
  const admin = adminSql();
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const handle = await openDb({ url: urlFor(name), embeddedDir: '' }, { max: 1 });
  await handle.migrate();
  await handle.close();
  return async () => {
    const sql = adminSql();
    await sql.unsafe(`drop database if exists ${name} with (force)`);
    await sql.end();
  };
}
