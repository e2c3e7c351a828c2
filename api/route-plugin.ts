// A route file's plugin: its routes registered with the API's dependencies (app.ts mounts each
// under /v1). One spelling of the wrapper for every route file.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from './app.js';

type App = Parameters<FastifyPluginAsyncTypebox>[0];

export const routes =
  <D = AppDeps>(register: (app: App, deps: D) => Promise<void>) =>
  (deps: D): FastifyPluginAsyncTypebox =>
  (app) =>
    register(app, deps);
