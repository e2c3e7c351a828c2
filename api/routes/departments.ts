import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createHash } from 'node:crypto';
import { and, desc, eq, like } from 'drizzle-orm';
import { Type } from 'typebox';
import { applicationItems, applications } from '../../db/schema.js';
import type { AppDeps } from '../app.js';
import { requireRole } from '../auth.js';
import { DeptCode, errorResponses } from '../schemas/common.js';
import { INBOX_RECHECK_MS, InboxWatch } from '../inbox-watch.js';
import { assertOwnDepartment, coordinatorPrefix } from '../access.js';
import { jointTasks } from '../../db/joint-inbox.js';

const JointTask = Type.Object({
  applicationId: Type.String(),
  number: Type.String(),
  bundle: Type.String(),
  applicant: Type.String({ description: 'masked' }),
  code: Type.String(),
  kind: Type.String(),
  lead: Type.Optional(Type.String()),
  role: Type.Union([Type.Literal('lead'), Type.Literal('sign')], { description: 'lead: organises it and resolves dissents; sign: its sign-off is awaited' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('disputed'), Type.Literal('agreed'), Type.Literal('rejected')], {
    description: 'the inbox lists open ones; disputed: a dissent stands, the lead resolves it',
  }),
  awaiting: Type.Array(Type.String()),
  dissenters: Type.Array(Type.String()),
  due: Type.Union([Type.String(), Type.Null()]),
  overdue: Type.Boolean(),
});

const ItemStatus = Type.Union(
  ['waiting', 'in_review', 'correction_requested', 'awaiting_material', 'approved', 'rejected', 'cancelled'].map((s) => Type.Literal(s)),
);

export const departmentRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const db = deps.db.db;
    const watch = new InboxWatch(deps.db, (message, err) => app.log.warn({ err }, message));
    // A closing server answers its waiting requests at once rather than holding the close for them.
    app.addHook('preClose', () => watch.close());

    /** The inbox: most recent first, as far as a coordinator's region reaches. */
    const inbox = (dept: string, status: string, limit: number, prefix: string | undefined) =>
      db
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
        .limit(limit);

    app.get(
      '/departments/:dept/tasks',
      {
        preParsing: requireRole('department', 'coordinator'),
        schema: {
          description:
            "The department's inbox. Answers carry an ETag; with `If-None-Match` set to it and `wait`, the request is held until the inbox changes " +
            '(200 with the new inbox) or `wait` seconds pass (304), so departments need not poll.',
          params: Type.Object({ dept: DeptCode }),
          querystring: Type.Object({
            status: Type.Optional(ItemStatus),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            wait: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'seconds to hold an unchanged inbox (with If-None-Match)' })),
          }),
          headers: Type.Object({ 'if-none-match': Type.Optional(Type.String({ maxLength: 100 })) }),
          response: {
            200: Type.Object({
              tasks: Type.Array(Type.Record(Type.String(), Type.Unknown())),
              procedures: Type.Array(JointTask, { description: 'joint procedures (8.3.2) this department leads, or whose sign-off awaits it' }),
            }),
            304: Type.Null({ description: 'unchanged: the inbox still has the ETag sent in If-None-Match' }),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const { dept } = request.params;
        assertOwnDepartment(request.user, dept, 'this inbox');
        const status = request.query.status ?? 'in_review';
        const limit = request.query.limit ?? 50;
        // A coordinator sees the inbox as far as its region reaches.
        const prefix = coordinatorPrefix(request.user);
        const known = request.headers['if-none-match'];
        const until = Date.now() + (request.query.wait ?? 0) * 1000;
        const gone = new AbortController();
        reply.raw.once('close', () => gone.abort());
        for (;;) {
          // The version read before the query: a change made while it runs still wakes the wait.
          const version = watch.version(dept);
          const [rows, procedures] = await Promise.all([inbox(dept, status, limit, prefix), jointTasks(db, dept, limit, prefix)]);
          const etag = etagOf([rows, procedures]);
          reply.header('etag', etag);
          // Each task links to its review sheet (what the department is reviewing, from the case file).
          if (known !== etag) return { tasks: rows.map((r) => ({ ...r, sheet: `/v1/applications/${r.applicationId}/items/${r.item}` })), procedures };
          const left = until - Date.now();
          if (left <= 0 || gone.signal.aborted || watch.isClosed) return reply.code(304).send(null);
          await watch.changed(dept, version, Math.min(left, INBOX_RECHECK_MS), gone.signal);
        }
      },
    );
  };

/** A strong validator of the inbox's content (the rows in their order). */
function etagOf(rows: unknown[]): string {
  return `"${createHash('sha1').update(JSON.stringify(rows)).digest('base64url').slice(0, 22)}"`;
}
