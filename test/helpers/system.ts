// The whole system for one end-to-end test file: the shared dev server (global setup), a fresh
// database, a real worker on its own task queue and the real API, driven over HTTP with inject.
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { buildApp, type App } from '../../api/app.js';
import { loadApiConfig } from '../../api/config.js';
import { connectApi } from '../../api/temporal-connection.js';
import { seedCatalogue } from '../../db/seed.js';
import { createWorker, workflowsPath } from '../../worker/create.js';
import { encryptingConverter } from '../../worker/payload-codec.js';
import { createTestDb } from './db.js';

/** A fixed test key: the end-to-end tier runs with payload encryption on, as production does. */
export const TEST_PAYLOAD_KEYS = `test-1:${Buffer.alloc(32, 7).toString('base64')}`;

export type TestSystem = Awaited<ReturnType<typeof startSystem>>;

let bundle: Promise<{ code: string }> | undefined;
/** Bundling takes a second or more: once per test file. */
export const workflowBundle = () => (bundle ??= bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') }));

export async function startSystem() {
  const address = inject('temporalAddress');
  const db = await createTestDb();
  await seedCatalogue(db.db);
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const config = loadApiConfig({});
  const connection = await connectApi({ address }, config.temporalCallTimeoutMs); // as the API connects
  const dataConverter = encryptingConverter(TEST_PAYLOAD_KEYS);
  const temporal = new Client({ connection, dataConverter });

  const startWorker = async () => {
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      db: db.db,
      workflowBundle: await workflowBundle(),
      dataConverter,
    });
    const running = worker.run();
    return { worker, stop: async () => (worker.shutdown(), await running) };
  };
  let current: { worker: Worker; stop: () => Promise<void> } | undefined = await startWorker();
  const app: App = await buildApp({ temporal, taskQueue, db, config, codec: dataConverter.payloadCodecs[0] });

  return {
    app,
    db,
    temporal,
    /** The payload codec (its key ring seals the case files): pass it to any other app built on this system. */
    codec: dataConverter.payloadCodecs[0]!,
    taskQueue,
    address,
    /** Simulates a crashed or redeployed worker: stop polling, then start a new one. */
    async restartWorker() {
      await current?.stop();
      current = await startWorker();
    },
    async stop() {
      await app.close();
      await current?.stop();
      current = undefined;
      await connection.close();
      await nativeConnection.close();
      await db.drop();
    },
  };
}

/** Polls until `check` returns a value that passes `until` (the API is eventually consistent across workflows). */
export async function waitFor<T>(check: () => Promise<T>, until: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (until(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
