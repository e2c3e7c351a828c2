// The worker process for production: `npm run worker` against TEMPORAL_ADDRESS and DATABASE_URL.
import { NativeConnection } from '@temporalio/worker';
import { loadDbConfig } from '../db/config.js';
import { openDb } from '../db/client.js';
import { installDriverGuard } from '../db/driver-guard.js';
import { logSender } from '../activities/notices.js';
import { connectionOptions, loadTemporalConfig, payloadKeySpec } from '../temporal.config.js';
import { installRuntime } from './runtime.js';
import { installTracing } from './tracing.js';
import { createWorker } from './create.js';
import { encryptingConverter } from './payload-codec.js';
import { ensureSearchAttributes } from './search-attributes.js';

// A postgres.js defect must not take the worker down when PostgreSQL drops its connections.
installDriverGuard({ warn: (message, err) => console.warn(`warning: ${message}\n${err.stack}`) });
const temporal = loadTemporalConfig();
// The SDK's metrics for Prometheus on WORKER_METRICS_ADDRESS (default 127.0.0.1:9464; off to disable).
const metricsUrl = installRuntime(temporal, 'INFO');
const tracing = installTracing();
if (metricsUrl) console.log(`worker metrics on ${metricsUrl}`);
const dbConfig = loadDbConfig();
const address = temporal.address ?? `127.0.0.1:${temporal.devServer.port}`;
const connection = await NativeConnection.connect(connectionOptions(temporal, address));
// A cluster's namespace gets the search attributes the workflows set, once, before any workflow runs.
const registered = await ensureSearchAttributes(connection.operatorService, temporal.namespace);
if (registered.length) console.log(`registered search attributes in namespace ${temporal.namespace}: ${registered.join(', ')}`);
const db = await openDb(dbConfig);
const worker = await createWorker({
  connection,
  namespace: temporal.namespace,
  taskQueue: temporal.taskQueue,
  db: db.db,
  dataConverter: encryptingConverter(payloadKeySpec(temporal)),
  sender: logSender((line) => console.log(line)),
  plugins: tracing && [tracing.plugin],
  cachedWorkflows: temporal.workerCachedWorkflows,
});
console.log(`worker polling ${temporal.taskQueue} on ${address} (namespace ${temporal.namespace})`);
await worker.run(); // returns after SIGINT/SIGTERM, which the SDK handles by draining
await db.close();
await connection.close();
await tracing?.shutdown();
