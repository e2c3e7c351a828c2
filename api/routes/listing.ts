// GET /v1/applications: search and listing from the read model, scoped to who asks.
// A separate plugin from routes/applications.ts (POST /applications, GET /applications/:id).
import { decodeCursor, listApplications } from '../../db/listing.js';
import { listingScope } from '../access.js';
import { periodOf } from '../period.js';
import { routes } from '../route-plugin.js';
import { requireRole } from '../auth.js';
import { badRequest } from '../errors.js';
import { errorResponses } from '../schemas/common.js';
import { ListingQuery, ListingResponse } from '../schemas/listing.js';

export const listingRoutes = routes(async (app, { db: { db } }) => {
  app.get(
    '/applications',
    {
      preParsing: requireRole(),
      schema: {
        description: 'Search applications (paged, newest first), each as a summary with masked applicant data.',
        querystring: ListingQuery,
        response: { 200: ListingResponse, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const order = q.sort === '-created_at' ? 'asc' : 'desc';
      let cursor;
      if (q.cursor !== undefined) {
        if (q.page !== undefined) throw badRequest('use either cursor or page', [{ field: 'querystring.page', message: 'not with cursor' }]);
        cursor = decodeCursor(q.cursor);
        if (!cursor) throw badRequest('invalid cursor', [{ field: 'querystring.cursor', message: 'is not a cursor of this listing' }]);
        if (cursor.order !== order)
          throw badRequest('the cursor belongs to the other sort order', [{ field: 'querystring.sort', message: 'differs from the cursor' }]);
      }
      const period = periodOf(q.from, q.to);
      return listApplications(
        db,
        listingScope(request.user),
        {
          status: q.status,
          bundle: q.bundle,
          department: q.department,
          overdue: q.overdue,
          number: q.number,
          applicant: q.applicant,
          since: period.since,
          until: period.until,
        },
        { limit: q.limit ?? 20, order, cursor, page: q.page },
      );
    },
  );
});
