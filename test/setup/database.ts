// Global setup: (re)create the template database and apply the committed migrations to it once.
import { openDb } from '../../db/client.js';
import { TEMPLATE_DB, adminSql, urlFor } from '../helpers/db.js';

export default async function setup(): Promise<void> {
  const admin = adminSql();
  // Template clones need no other session on it; a crashed earlier run may have left one.
  await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
  await admin.unsafe(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const handle = await openDb({ url: urlFor(TEMPLATE_DB), embeddedDir: '' }, { max: 1 });
  await handle.migrate();
  await handle.close();
}
