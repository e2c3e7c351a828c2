// Region codes the API takes (a bundle's region, a submission's, a token's claim, a query's) must
// name a division of the catalogue (db/regions.ts, GB/T 2260): an unknown one is refused, naming it.
import type { FastifyInstance } from 'fastify';
import { RegionBook } from '../db/regions.js';
import type { DbHandle } from '../db/client.js';
import { badRequest } from './errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    regions: RegionBook;
  }
}

export function installRegions(app: FastifyInstance, db: DbHandle): void {
  app.decorate('regions', new RegionBook(db.db));
}

/** 400 naming each field whose region code is not a division: `{ 'body.region': '329999' }`. */
export async function assertKnownRegions(book: RegionBook, fields: Record<string, string | undefined>): Promise<void> {
  const details = [];
  for (const [field, code] of Object.entries(fields)) {
    if (code !== undefined && !(await book.has(code)))
      details.push({ field, message: `${code} is not an administrative division of the catalogue (GB/T 2260)` });
  }
  if (details.length) throw badRequest('unknown region code', details);
}
