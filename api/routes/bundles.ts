import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getBundle, listBundles } from '../../db/bundles.js';
import type { AppDeps } from '../app.js';
import { requireRole } from '../auth.js';
import { notFound } from '../errors.js';
import { Code, Json, errorResponses } from '../schemas/common.js';

export const bundleRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const db = deps.db.db;
    app.get(
      '/bundles',
      { preHandler: requireRole(), schema: { response: { 200: Type.Object({ bundles: Type.Array(Json) }), ...errorResponses } } },
      async () => {
        const bundles = await listBundles(db);
        return {
          bundles: bundles.map(({ code, name, version, lifecycle, stage, region, committedDays, items }) => ({
            code,
            name,
            version,
            lifecycle,
            stage,
            region,
            committedDays,
            items: items.length,
          })),
        };
      },
    );

    app.get(
      '/bundles/:code',
      {
        preHandler: requireRole(),
        schema: {
          params: Type.Object({ code: Code }),
          querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }),
          response: { 200: Json, ...errorResponses },
        },
      },
      async (request) => {
        const bundle = await getBundle(db, request.params.code, request.query.version);
        if (!bundle) throw notFound(`bundle ${request.params.code}${request.query.version ? ` version ${request.query.version}` : ''}`);
        return bundle;
      },
    );
  };
