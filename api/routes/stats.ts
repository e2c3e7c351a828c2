// GET /v1/stats: coordinators for their region, departments for their own items.
import { computeStats, type StatsFilters } from '../../db/stats.js';
import { routes } from '../route-plugin.js';
import { requireRole } from '../auth.js';
import { errorResponses } from '../schemas/common.js';
import { StatsQuery, StatsResponse } from '../schemas/listing.js';
import { assertOwnDepartment, assertRegion, regionPrefixOf, staffPrefix } from '../access.js';
import { assertKnownRegions } from '../regions.js';
import { periodOf } from '../period.js';

export const statsRoutes = routes(async (app, { db: { db } }) => {
  app.get(
    '/stats',
    {
      preParsing: requireRole('coordinator', 'department'),
      schema: {
        description:
          'Volumes, outcomes, completion rate, handling times (hours) against the limits, overdue, rejections by reason, blockages and what the bundles save, per bundle, department and period (created_at).',
        querystring: StatsQuery,
        response: { 200: StatsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const user = request.user;
      const filters: StatsFilters = { bundle: q.bundle, department: q.department };
      // A department its own figures (an office its region's items: 属地); a coordinator its region's.
      assertOwnDepartment(user, q.department, 'the statistics');
      if (user.role === 'department') filters.department = user.dept;
      filters.regionPrefix = staffPrefix(user);
      // A drill-down (province → city → county) within the caller's own region.
      if (q.region !== undefined) {
        await assertKnownRegions(app.regions, { 'querystring.region': q.region });
        assertRegion(user, q.region);
        filters.regionPrefix = regionPrefixOf(q.region);
      }
      const period = periodOf(q.from, q.to);
      filters.since = period.since;
      filters.until = period.until;
      const stats = await computeStats(db, filters);
      return {
        filters: {
          bundle: filters.bundle,
          department: filters.department,
          region: q.region ?? (user.role === 'coordinator' || user.role === 'department' ? user.region : undefined),
          since: filters.since,
          until: filters.until,
        },
        ...stats,
      };
    },
  );
});
