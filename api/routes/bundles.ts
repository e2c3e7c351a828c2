// The catalogue (R-1): publishing versions, reading any version, retiring, listing by region.
import { Type } from 'typebox';
import { getBundle, listBundles, publishBundle, retireBundle } from '../../db/bundles.js';
import { deriveLead, validateBundle } from '../../workflows/shared/validate-bundle.js';
import { routes } from '../route-plugin.js';
import { assertDesignatesLead, assertRegion } from '../access.js';
import { requireRole } from '../auth.js';
import { badRequest, notFound } from '../errors.js';
import { assertKnownRegions } from '../regions.js';
import { bundleAppliesIn } from '../../workflows/shared/jurisdiction.js';
import { BundleDefinitionBody, BundleParams, BundleSummary, ListBundlesQuery, PublishedBundle, RetiredBundle, VersionQuery } from '../schemas/bundles.js';
import { Json, errorResponses } from '../schemas/common.js';

export const bundleRoutes = routes(async (app, { db: { db } }) => {
  app.get(
    '/bundles',
    {
      preParsing: requireRole(),
      schema: {
        description:
          'The latest version of every bundle not retired. `region`: the bundles serving that region (its own, its city’s, ' +
          'the province’s); a coordinator with a region claim gets its own region’s by default.',
        querystring: ListBundlesQuery,
        response: { 200: Type.Object({ bundles: Type.Array(BundleSummary) }), ...errorResponses },
      },
    },
    async (request) => {
      const user = request.user;
      await assertKnownRegions(app.regions, { 'querystring.region': request.query.region });
      const region = request.query.region ?? (user.role === 'coordinator' ? user.region : undefined);
      const bundles = (await listBundles(db)).filter((b) => region === undefined || bundleAppliesIn(b.region, region));
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

  app.post(
    '/bundles',
    {
      preParsing: requireRole('coordinator'),
      schema: {
        description: 'Publishes a new version of a bundle (201); an identical re-publish changes nothing (200, created: false).',
        body: BundleDefinitionBody,
        response: { 200: PublishedBundle, 201: PublishedBundle, ...errorResponses },
      },
    },
    async (request, reply) => {
      const definition = request.body;
      await assertKnownRegions(app.regions, { 'body.region': definition.region });
      assertRegion(request.user, definition.region);
      assertDesignatesLead(request.user, definition);
      // A new version must not move another region's bundle into ours (or take it over).
      const current = await getBundle(db, definition.code);
      if (current) assertRegion(request.user, current.region, `bundle ${definition.code} belongs to region`);
      const problems = validateBundle(definition);
      if (problems.length) throw badRequest(`bundle ${definition.code} is not publishable`, problems);

      // 牵头部门: stored explicitly, so every application carries the lead it started with.
      const { leadDepartment, leadPrinciple, derived } = deriveLead(definition);
      const stored = { ...definition, leadDepartment, leadPrinciple };
      const { version, created } = await publishBundle(db, stored);
      return reply.code(created ? 201 : 200).send({ ...stored, version, created, leadDerived: derived });
    },
  );

  app.get(
    '/bundles/:code',
    {
      preParsing: requireRole(),
      schema: { params: BundleParams, querystring: VersionQuery, response: { 200: Json, ...errorResponses } },
    },
    async (request) => {
      const bundle = await getBundle(db, request.params.code, request.query.version);
      if (!bundle) throw notFound(`bundle ${request.params.code}${request.query.version ? ` version ${request.query.version}` : ''}`);
      return bundle;
    },
  );

  app.post(
    '/bundles/:code/retire',
    {
      preParsing: requireRole('coordinator'),
      schema: {
        description: 'Retires every version: new applications are refused (409), running ones continue with their version.',
        params: BundleParams,
        response: { 200: RetiredBundle, ...errorResponses },
      },
    },
    async (request) => {
      const { code } = request.params;
      const current = await getBundle(db, code);
      if (!current) throw notFound(`bundle ${code}`);
      assertRegion(request.user, current.region, `bundle ${code} belongs to region`);
      const retired = await retireBundle(db, code);
      if (!retired) throw notFound(`bundle ${code}`);
      return { code, ...retired };
    },
  );
});
