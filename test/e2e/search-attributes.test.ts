// A cluster's namespace without our search attributes (the path beyond one machine): /healthz says
// not-ready naming them, the worker's start registers them, then /healthz is up — on the dev server,
// in a namespace created bare for the test.
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../api/app.js';
import { loadApiConfig } from '../../api/config.js';
import { SEARCH_ATTRIBUTES } from '../../temporal.config.js';
import { ensureSearchAttributes, missingSearchAttributes } from '../../worker/search-attributes.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';

let sys: TestSystem;
let app: App;
const namespace = `bare-${randomBytes(3).toString('hex')}`;
beforeAll(async () => {
  sys = await startSystem();
  const connection = sys.temporal.connection;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  const temporal = new Client({ connection, namespace });
  await waitFor(
    () =>
      temporal.workflowService.describeNamespace({ namespace }).then(
        () => true,
        () => false,
      ),
    (ok) => ok,
  );
  app = await buildApp({ temporal, taskQueue: sys.taskQueue, db: sys.db, config: loadApiConfig({}), codec: sys.codec });
});
afterAll(async () => {
  await app?.close();
  await sys?.stop();
});

describe('a namespace without the search attributes', () => {
  it('is not ready, naming what it lacks; the worker registers them; then it is up', async () => {
    const operator = sys.temporal.connection.operatorService;
    const all = Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => `${name} (${type})`);
    expect(await missingSearchAttributes(operator, namespace)).toEqual(all);
    const before = await app.inject({ url: '/healthz' });
    expect(before.statusCode).toBe(503);
    expect(before.json()).toMatchObject({ status: 'degraded', temporal: 'not-ready', missing: all });

    expect(await ensureSearchAttributes(operator, namespace)).toEqual(all);
    await waitFor(
      () => missingSearchAttributes(operator, namespace),
      (missing) => missing.length === 0,
    );
    expect(await ensureSearchAttributes(operator, namespace)).toEqual([]); // a second start changes nothing
    const after = await app.inject({ url: '/healthz' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ status: 'ok', temporal: 'up', db: 'up' });
  });

  it('names the attributes and the commands when they cannot be registered', async () => {
    const refusing = {
      listSearchAttributes: async () => ({ customAttributes: {} }),
      addSearchAttributes: async () => {
        throw new Error('PermissionDenied');
      },
    };
    await expect(ensureSearchAttributes(refusing, 'prod')).rejects.toThrow(
      /lacks the search attributes BundleCode \(Keyword\).*temporal operator search-attribute create --namespace prod --name Departments --type KeywordList/s,
    );
  });
});
