// The administrative divisions (migration 0014) as the API checks codes against them: read once and
// kept (a hundred rows that change by decree, not by request); a change of the table takes a restart.
import { regions } from './schema.js';
import type { Db } from './client.js';
import type { Level } from '../workflows/shared/jurisdiction.js';

export interface Region {
  code: string;
  name: string;
  level: Exclude<Level, 'township'>;
  parent: string | null;
}

export class RegionBook {
  private loaded: Promise<Map<string, Region>> | undefined;

  constructor(private readonly db: Db) {}

  /** Every division by code; a failed read is retried on the next call. */
  all(): Promise<Map<string, Region>> {
    this.loaded ??= this.db
      .select()
      .from(regions)
      .then((rows) => new Map(rows.map((r) => [r.code, r as Region])));
    this.loaded.catch(() => (this.loaded = undefined));
    return this.loaded;
  }

  async get(code: string): Promise<Region | undefined> {
    return (await this.all()).get(code);
  }

  /** Does the code name a division? */
  async has(code: string): Promise<boolean> {
    return (await this.all()).has(code);
  }
}
