// A worker in its own process (forked by bench/system.ts) so its RSS and CPU are measured apart
// from the API and the load drivers. `ours`: the real worker (worker/create.ts) on the real database
// with the encrypting data converter; `bare`: the ceiling workload (bench/bare-workflows.ts).
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { openDb, type DbHandle } from '../db/client.js';
import { createWorker } from '../worker/create.js';
import { encryptingConverter } from '../worker/payload-codec.js';

export type WorkerTuning = Pick<
  WorkerOptions,
  | 'maxCachedWorkflows'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentWorkflowTaskPolls'
  | 'maxConcurrentActivityTaskPolls'
  | 'nonStickyToStickyPollRatio'
  | 'reuseV8Context'
  | 'workflowThreadPoolSize'
>;

export interface WorkerProcessConfig {
  mode: 'ours' | 'bare';
  address: string;
  taskQueue: string;
  /** Prebuilt workflow bundle (written once by the parent process). */
  bundlePath: string;
  databaseUrl?: string;
  payloadKeys?: string;
  tuning?: WorkerTuning;
  /** The SDK's Prometheus exporter on this port (sticky cache size, evictions, task latencies). */
  metricsPort: number;
}

export type WorkerMessage = { type: 'ready' } | { type: 'error'; message: string };

async function main(config: WorkerProcessConfig): Promise<void> {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${config.metricsPort}` } } },
  });
  const connection = await NativeConnection.connect({ address: config.address });
  const tuning = config.tuning ?? {};
  let db: DbHandle | undefined;
  let worker: Worker;
  if (config.mode === 'ours') {
    db = await openDb({ url: config.databaseUrl, embeddedDir: '' }, { max: 10 });
    const dataConverter = encryptingConverter(config.payloadKeys!);
    const workflowBundle = { codePath: config.bundlePath };
    worker = await createWorker({ connection, namespace: 'default', taskQueue: config.taskQueue, db: db.db, dataConverter, workflowBundle, tuning });
  } else {
    worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue: config.taskQueue,
      workflowBundle: { codePath: config.bundlePath },
      activities: { touch: async (_n: number) => {} },
      ...tuning,
    });
  }
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stop' && worker.getState() === 'RUNNING') worker.shutdown();
  });
  const running = worker.run();
  send({ type: 'ready' });
  await running;
  await db?.close();
  await connection.close();
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

process.once('message', (config: WorkerProcessConfig) => {
  main(config).then(
    () => process.exit(0),
    (err: unknown) => {
      send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.exit(1);
    },
  );
});
