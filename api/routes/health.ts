import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppDeps } from '../app.js';

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

export const healthRoutes =
  (deps: AppDeps): FastifyPluginAsync =>
  async (app) => {
    const Health = Type.Object({ status: Type.String(), temporal: Type.String(), db: Type.String() });
    app.get('/healthz', { schema: { security: [], response: { 200: Health, 503: Health } } }, async (_request, reply) => {
      const [temporal, db] = await Promise.all([
        within(deps.temporal.workflowService.getSystemInfo({}), 2000).then(
          () => 'up',
          () => 'down',
        ),
        within(deps.db.ping(), 2000).then(
          () => 'up',
          () => 'down',
        ),
      ]);
      const ok = temporal === 'up' && db === 'up';
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', temporal, db });
    });
  };
