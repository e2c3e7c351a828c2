// The API process for production: `npm run api` against TEMPORAL_ADDRESS and DATABASE_URL.
import { Client } from '@temporalio/client';
import { openDb } from '../db/client.js';
import { loadDbConfig } from '../db/config.js';
import { installDriverGuard } from '../db/driver-guard.js';
import { connectionOptions, loadTemporalConfig, payloadKeySpec } from '../temporal.config.js';
import { encryptingConverter } from '../worker/payload-codec.js';
import { buildApp } from './app.js';
import { loadApiConfig } from './config.js';
import { connectApi } from './temporal-connection.js';
import { installTracing } from '../worker/tracing.js';

const config = loadApiConfig();
const temporalConfig = loadTemporalConfig();
const dbConfig = loadDbConfig();
const address = temporalConfig.address ?? `127.0.0.1:${temporalConfig.devServer.port}`;
const connection = await connectApi(connectionOptions(temporalConfig, address), config.temporalCallTimeoutMs);
const dataConverter = encryptingConverter(payloadKeySpec(temporalConfig));
const tracing = installTracing();
const temporal = new Client({ connection, namespace: temporalConfig.namespace, dataConverter, plugins: tracing && [tracing.plugin] });
const db = await openDb(dbConfig);
const app = await buildApp({
  temporal,
  taskQueue: temporalConfig.taskQueue,
  db,
  config,
  codec: dataConverter.payloadCodecs[0],
  logger: { level: 'info' },
  traced: !!tracing,
});
// A postgres.js defect must not take the API down when PostgreSQL drops its connections.
installDriverGuard({ warn: (message, err) => app.log.warn({ err }, message) });
await app.listen({ port: config.port, host: config.host });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (async () => {
      await app.close();
      await connection.close();
      await db.close();
      await tracing?.shutdown();
    })();
  });
}
