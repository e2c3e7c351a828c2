import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { missingSearchAttributes } from '../../worker/search-attributes.js';
import type { AppDeps } from '../app.js';

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

export const healthRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    const Health = Type.Object({
      status: Type.String(),
      temporal: Type.String({ description: 'up, down, or not-ready: the namespace lacks search attributes (named in missing)' }),
      db: Type.String(),
      missing: Type.Optional(Type.Array(Type.String())),
    });
    // Once the namespace has them, they stay: checked until then (the worker registers them at its start).
    let attributesReady = false;
    const temporalHealth = async (): Promise<{ temporal: string; missing?: string[] }> => {
      await deps.temporal.workflowService.getSystemInfo({});
      if (attributesReady) return { temporal: 'up' };
      const missing = await missingSearchAttributes(deps.temporal.connection.operatorService, deps.temporal.options.namespace);
      attributesReady = missing.length === 0;
      return attributesReady ? { temporal: 'up' } : { temporal: 'not-ready', missing };
    };
    app.get('/healthz', { schema: { security: [], response: { 200: Health, 503: Health } } }, async (_request, reply) => {
      const [{ temporal, missing }, db] = await Promise.all([
        within(temporalHealth(), 2000).catch(() => ({ temporal: 'down', missing: undefined })),
        within(deps.db.ping(), 2000).then(
          () => 'up',
          () => 'down',
        ),
      ]);
      const ok = temporal === 'up' && db === 'up';
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', temporal, db, ...(missing ? { missing } : {}) });
    });
  };
