// GET /v1/applications: search and listing from the read model, scoped to who asks.
// A separate plugin from routes/applications.ts (POST /applications, GET /applications/:id).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { decodeCursor, listApplications, parsePeriod, regionPrefix, type ListingScope, type Period } from '../../db/listing.js';
import type { AppDeps } from '../app.js';
import { requireRole } from '../auth.js';
import { badRequest, forbidden } from '../errors.js';
import { errorResponses } from '../schemas/common.js';
import { ListingQuery, ListingResponse } from '../schemas/listing.js';

/** What this user may list: applicants their own, agents theirs, departments those with their items, coordinators their region. */
export function listingScope(request: FastifyRequest): ListingScope {
  const user = request.user;
  switch (user.role) {
    case 'applicant':
      return { owner: user.sub };
    case 'agent':
      return { agent: user.sub };
    case 'department':
      return { department: user.dept! };
    case 'coordinator':
      return { regionPrefix: coordinatorPrefix(user.region) };
    case 'window':
    case 'hotline':
      return {};
  }
}

export function coordinatorPrefix(region: string | undefined): string | undefined {
  try {
    return regionPrefix(region);
  } catch (err) {
    throw forbidden((err as Error).message);
  }
}

/** from/to as instants; 400 naming the field when unreadable. */
export function periodOf(from: string | undefined, to: string | undefined): Period {
  try {
    return parsePeriod(from, to);
  } catch (err) {
    const [field, ...rest] = (err as Error).message.split(': ');
    throw badRequest('invalid period', [{ field: `querystring.${field}`, message: rest.join(': ') }]);
  }
}

export const listingRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const db = deps.db.db;
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
          listingScope(request),
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
  };
