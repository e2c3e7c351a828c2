// Publishes the seed catalogue; running it twice changes nothing (`npm run db:seed`).
import { publishBundle } from './bundles.js';
import { seedCalendar, seedSources } from './catalogue/calendar.js';
import { seedBundles } from './catalogue/index.js';
import { publishYear } from './calendar.js';
import type { Db } from './client.js';
import { openDb } from './client.js';
import { loadDbConfig } from './config.js';
import { isMain } from './run-main.js';

export async function seedCatalogue(db: Db): Promise<{ code: string; version: number; created: boolean }[]> {
  for (const [year, data] of Object.entries(seedCalendar.years)) await publishYear(db, Number(year), { ...data, source: seedSources[year] }, 'seed', true);
  const published = [];
  for (const bundle of seedBundles) published.push({ code: bundle.code, ...(await publishBundle(db, bundle)) });
  return published;
}

if (isMain(import.meta.url)) {
  const handle = await openDb(loadDbConfig(), { max: 1 });
  try {
    for (const r of await seedCatalogue(handle.db)) console.log(`${r.code} v${r.version} ${r.created ? 'published' : 'unchanged'}`);
  } finally {
    await handle.close();
  }
}
