// Builds a Worker for our workflows and activities; shared by the worker process, `npm start` and tests.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActivities } from '../activities/index.js';
import type { NoticeSender } from '../activities/notices.js';
import type { Db } from '../db/client.js';
import { WORKER_CACHED_WORKFLOWS_DEFAULT } from '../temporal.config.js';
import { EncryptionCodec, type Sealer } from './payload-codec.js';

export const workflowsPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'workflows', 'index.ts');

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** A prebuilt bundle (tests, production); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Encrypts payloads (worker/payload-codec.ts); the same as the clients'. */
  dataConverter?: WorkerOptions['dataConverter'];
  sender?: NoticeSender;
  /** Tracing (worker/tracing.ts), when on. */
  plugins?: WorkerOptions['plugins'];
  /** The sticky cache's bound (WORKER_CACHED_WORKFLOWS); the default when not given. */
  cachedWorkflows?: number;
  /** Worker options under test, over the ones above (the bench's variants). */
  tuning?: Partial<WorkerOptions>;
}

/** The key ring's sealer, when payloads are encrypted (the case file's applicant opens with it). */
function sealerIn(converter: WorkerOptions['dataConverter']): Sealer | undefined {
  const codec = converter?.payloadCodecs?.[0];
  return codec instanceof EncryptionCodec ? codec.sealer : undefined;
}

export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: createActivities({ db: deps.db, sender: deps.sender, sealer: sealerIn(deps.dataConverter) }),
    dataConverter: deps.dataConverter,
    plugins: deps.plugins,
    maxCachedWorkflows: deps.cachedWorkflows ?? WORKER_CACHED_WORKFLOWS_DEFAULT,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
    ...deps.tuning,
  });
}
