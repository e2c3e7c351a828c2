// One drizzle handle over either postgres.js (external PostgreSQL) or PGlite (embedded default).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { DbConfig } from './config.js';
import { onNullSocketWrite } from './driver-guard.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Rows of db.execute, whichever driver: postgres.js answers an array, PGlite `{ rows }`. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /** LISTEN on a channel (notifications sent with pg_notify); resolves once listening, to the way to stop. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function openDb(config: DbConfig, options: { max?: number } = {}): Promise<DbHandle> {
  if (config.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const url = config.url;
    const open = () => postgres(url, { max: options.max ?? 10, onnotice: () => {} });
    const first = open();
    let current = first;
    const ending = new Set<Promise<void>>();
    // drizzle holds this proxy, never a pool itself: a replaced pool (below) takes every later query.
    const sql = new Proxy(first, {
      get: (_target, property) => Reflect.get(current, property),
      apply: (_target, self, args) => Reflect.apply(current, self, args),
    });
    const db = drizzle(sql, { schema });
    // After postgres.js's null-socket write (see driver-guard.ts) one of its connections can no longer
    // flush a write: a fresh pool takes over, the old one finishes what it has in flight and ends.
    const stopReplacing = onNullSocketWrite(() => {
      const old = current;
      current = open();
      // drizzle set its pass-through parsers on the first pool's options; the new pool needs them too.
      Object.assign(current.options.parsers, first.options.parsers);
      Object.assign(current.options.serializers, first.options.serializers);
      const end = old.end({ timeout: 5 }).catch(() => {});
      ending.add(end);
      void end.then(() => ending.delete(end));
    });
    return {
      db: db as unknown as Db,
      kind: 'postgres',
      migrate: () => migrate(db, { migrationsFolder }),
      ping: async () => void (await current`select 1`),
      // postgres.js keeps one connection for it and re-listens after a reconnect (a pool replaced by the
      // guard drops it: the inbox then falls back to re-reading every few seconds).
      listen: async (channel, onNotify) => {
        const { unlisten } = await current.listen(channel, onNotify);
        return unlisten;
      },
      close: async () => {
        stopReplacing();
        await Promise.all([current.end({ timeout: 5 }), ...ending]);
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  mkdirSync(config.embeddedDir, { recursive: true });
  const client = new PGlite(config.embeddedDir);
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    migrate: () => migrate(db, { migrationsFolder }),
    ping: async () => void (await client.query('select 1')),
    listen: async (channel, onNotify) => {
      const unlisten = await client.listen(channel, onNotify);
      return () => unlisten();
    },
    close: () => client.close(),
  };
}
