// `npm start`: everything on one machine. Starts (when not configured externally) the Temporal dev
// server on a SQLite file and an embedded PostgreSQL under DATA_DIR, migrates, seeds, and runs
// the worker and the API in this process. Ctrl-C stops everything cleanly; state survives restarts.
import { tokenSigner } from '../api/auth.js';
import { Client } from '@temporalio/client';
import { NativeConnection, type LogLevel } from '@temporalio/worker';
import { buildApp } from '../api/app.js';
import { loadApiConfig } from '../api/config.js';
import { connectApi } from '../api/temporal-connection.js';
import { openDb } from '../db/client.js';
import { loadDbConfig } from '../db/config.js';
import { installDriverGuard } from '../db/driver-guard.js';
import { seedCatalogue } from '../db/seed.js';
import { logSender } from '../activities/notices.js';
import { connectionOptions, loadTemporalConfig, payloadKeySpec } from '../temporal.config.js';
import { installRuntime } from '../worker/runtime.js';
import { installTracing } from '../worker/tracing.js';
import { encryptingConverter } from '../worker/payload-codec.js';
import { createWorker } from '../worker/create.js';
import { startDevServer, type DevServer } from '../worker/dev-server.js';

const started = Date.now();
const temporalConfig = loadTemporalConfig();
// The SDK's own logs (bundling, worker state) only from warnings up, unless LOG_LEVEL says otherwise;
// its metrics on their exporter, which the API's /metrics appends to its own.
const metricsUrl = installRuntime(temporalConfig, (process.env.LOG_LEVEL?.toUpperCase() ?? 'WARN') as LogLevel);
const tracing = installTracing();
// A postgres.js defect must not take the worker and the API down when PostgreSQL drops connections.
installDriverGuard({ warn: (message, err) => console.warn(`warning: ${message}\n${err.stack}`) });
const apiConfig = { ...loadApiConfig(), ...(metricsUrl && !process.env.WORKER_METRICS_URL ? { workerMetricsUrl: metricsUrl } : {}) };
const dbConfig = loadDbConfig();

let devServer: DevServer | undefined;
if (!temporalConfig.address) {
  console.log(`starting the Temporal dev server (state in ${temporalConfig.devServer.dbFile}) …`);
  devServer = await startDevServer({
    port: temporalConfig.devServer.port,
    uiPort: temporalConfig.devServer.uiPort,
    dbFile: temporalConfig.devServer.dbFile,
    namespace: temporalConfig.namespace,
    // The Web UI asks our codec endpoint to show decrypted payloads (operators only, see
    // api/routes/codec.ts). It cannot send a token: this run's operator token is in the endpoint's
    // path, and expires with AUTH_MAX_TOKEN_AGE (restart to renew).
    codecEndpoint: `http://${apiConfig.host === '0.0.0.0' ? '127.0.0.1' : apiConfig.host}:${apiConfig.port}/codec/ui/${tokenSigner(apiConfig.jwtSecret, apiConfig.maxTokenAgeS)({ sub: 'temporal-ui', role: 'coordinator', name: 'Temporal Web UI' })}`,
  });
}
const address = temporalConfig.address ?? devServer!.address;
const uiUrl = process.env.TEMPORAL_UI_URL ?? devServer?.uiUrl;

const dataConverter = encryptingConverter(payloadKeySpec(temporalConfig));
const db = await openDb(dbConfig);
await db.migrate();
const seeded = await seedCatalogue(db.db);

const nativeConnection = await NativeConnection.connect(connectionOptions(temporalConfig, address));
const worker = await createWorker({
  connection: nativeConnection,
  namespace: temporalConfig.namespace,
  taskQueue: temporalConfig.taskQueue,
  db: db.db,
  dataConverter,
  sender: logSender((line) => console.log(line)),
  plugins: tracing && [tracing.plugin],
  cachedWorkflows: temporalConfig.workerCachedWorkflows,
});
const workerRun = worker.run();

const connection = await connectApi(connectionOptions(temporalConfig, address), apiConfig.temporalCallTimeoutMs);
const temporal = new Client({ connection, namespace: temporalConfig.namespace, dataConverter, plugins: tracing && [tracing.plugin] });
const app = await buildApp({
  temporal,
  taskQueue: temporalConfig.taskQueue,
  db,
  config: { ...apiConfig, temporalUiUrl: uiUrl },
  codec: dataConverter.payloadCodecs[0],
  logger: { level: process.env.LOG_LEVEL ?? 'warn' },
  traced: !!tracing,
});
await app.listen({ port: apiConfig.port, host: apiConfig.host });

const api = `http://${apiConfig.host}:${apiConfig.port}`;
const sign = tokenSigner(apiConfig.jwtSecret, apiConfig.maxTokenAgeS);
console.log(`
一件事一次办 is ready in ${((Date.now() - started) / 1000).toFixed(1)} s
  API          ${api}
  API docs     ${api}/docs
  Traces       ${tracing ? `to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (OTLP/HTTP)` : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT)'}
  Metrics      ${api}/metrics${metricsUrl ? `  (with the worker's, from ${metricsUrl})` : ''}
  Console      ${api}/console/  (pick a role to log in)
  Temporal UI  ${uiUrl ?? '(external cluster)'}  (${address}, namespace ${temporalConfig.namespace})
  Database     ${db.kind === 'pglite' ? `embedded PostgreSQL in ${dbConfig.embeddedDir}` : 'DATABASE_URL'}
  Catalogue    ${seeded.map((s) => `${s.code} v${s.version}`).join(', ')}
${apiConfig.jwtSecretIsDefault ? '  JWT secret   development default (set AUTH_JWT_SECRET in production)\n' : ''}
Tokens: npm run token -- role=applicant sub=zhangsan
        npm run token -- role=department dept=gaj post=A
A demo applicant token (expires in ${Math.round(apiConfig.maxTokenAgeS / 3600)} h):
  ${sign({ sub: 'demo-applicant', role: 'applicant', name: '张三' })}
Press Ctrl-C to stop.`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the API, the worker and the servers …`);
  await app.close();
  if (worker.getState() === 'RUNNING') worker.shutdown(); // the SDK may already be draining on the signal
  await workerRun.catch((err) => console.error('worker stopped with an error:', err));
  await connection.close();
  await nativeConnection.close();
  await db.close();
  await tracing?.shutdown();
  await devServer?.stop();
  console.log('stopped.');
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
