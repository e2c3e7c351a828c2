// Applies the committed drizzle migrations (`npm run db:migrate`); exits non-zero on failure.
import { openDb } from './client.js';
import { loadDbConfig } from './config.js';

const handle = await openDb(loadDbConfig(), { max: 1 });
try {
  await handle.migrate();
  console.log(`migrations applied (${handle.kind})`);
} catch (err) {
  console.error('migration failed:', err);
  process.exitCode = 1;
} finally {
  await handle.close();
}
