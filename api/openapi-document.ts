// The OpenAPI document the API serves at /docs/json, built without connecting to anything: the
// routes touch Temporal and PostgreSQL only when called. For `npm run openapi` and its test.
import type { Client } from '@temporalio/client';
import type { DbHandle } from '../db/client.js';
import type { EncryptionCodec } from '../worker/payload-codec.js';
import { buildApp } from './app.js';
import { loadApiConfig } from './config.js';

/** With the development secret, as `npm start` runs: the document then shows /v1/dev/tokens too. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp({
    temporal: { options: { namespace: 'default' } } as Client,
    taskQueue: 'openapi',
    db: { db: {} } as DbHandle,
    config: loadApiConfig({}),
    codec: {} as EncryptionCodec,
  });
  await app.ready();
  const document = app.swagger() as Record<string, unknown>;
  await app.close();
  return document;
}
