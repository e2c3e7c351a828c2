// Global setup for end-to-end tests: one real Temporal dev server (file-backed SQLite, like
// `npm start`) for the whole run. Started here rather than by the SDK, whose 5 s start deadline
// is too short on a loaded 2-core machine.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { freePort, startDevServer } from '../../worker/dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-temporal-'));
  const server = await startDevServer({ port: await freePort(), dbFile: path.join(dir, 'temporal.db'), unsafeFastStorage: true });
  project.provide('temporalAddress', server.address);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
