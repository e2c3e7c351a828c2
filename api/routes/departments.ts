import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, desc, eq, like } from 'drizzle-orm';
import { Type } from 'typebox';
import { applicationItems, applications } from '../../db/schema.js';
import type { AppDeps } from '../app.js';
import { requireRole } from '../auth.js';
import { forbidden } from '../errors.js';
import { DeptCode, errorResponses } from '../schemas/common.js';
import { coordinatorPrefix } from './listing.js';

const ItemStatus = Type.Union(
  ['waiting', 'in_review', 'correction_requested', 'awaiting_material', 'approved', 'rejected', 'cancelled'].map((s) => Type.Literal(s)),
);

export const departmentRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const db = deps.db.db;
    app.get(
      '/departments/:dept/tasks',
      {
        preHandler: requireRole('department', 'coordinator'),
        schema: {
          params: Type.Object({ dept: DeptCode }),
          querystring: Type.Object({
            status: Type.Optional(ItemStatus),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          }),
          response: { 200: Type.Object({ tasks: Type.Array(Type.Record(Type.String(), Type.Unknown())) }), ...errorResponses },
        },
      },
      async (request) => {
        const { dept } = request.params;
        if (request.user.role === 'department' && request.user.dept !== dept) throw forbidden('a department sees only its own inbox');
        const status = request.query.status ?? 'in_review';
        // A coordinator sees the inbox as far as its region reaches.
        const prefix = request.user.role === 'coordinator' ? coordinatorPrefix(request.user.region) : undefined;
        const rows = await db
          .select({
            applicationId: applicationItems.applicationId,
            number: applications.number,
            bundle: applications.bundleCode,
            item: applicationItems.itemCode,
            itemName: applicationItems.itemName,
            status: applicationItems.status,
            startedAt: applicationItems.startedAt,
            applicant: applications.applicantName,
          })
          .from(applicationItems)
          .innerJoin(applications, eq(applications.id, applicationItems.applicationId))
          .where(and(eq(applicationItems.department, dept), eq(applicationItems.status, status), prefix ? like(applications.region, `${prefix}%`) : undefined))
          .orderBy(desc(applicationItems.startedAt))
          .limit(request.query.limit ?? 50);
        return { tasks: rows };
      },
    );
  };
