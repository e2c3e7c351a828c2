import { createHash } from 'node:crypto';
import { and, desc, eq, like } from 'drizzle-orm';
import { Type } from 'typebox';
import { applicationItems, applications } from '../../db/schema.js';
import { routes } from '../route-plugin.js';
import { requireRole } from '../auth.js';
import { errorResponses } from '../schemas/common.js';
import { Inbox, InboxHeaders, InboxParams, InboxQuery } from '../schemas/departments.js';
import { INBOX_RECHECK_MS, InboxWatch } from '../inbox-watch.js';
import { assertOwnDepartment, staffPrefix } from '../access.js';
import { jointTasks } from '../../db/joint-inbox.js';

export const departmentRoutes = routes(async (app, deps) => {
  const db = deps.db.db;
  const watch = new InboxWatch(deps.db, (message, err) => app.log.warn({ err }, message));
  // A closing server answers its waiting requests at once rather than holding the close for them.
  app.addHook('preClose', () => watch.close());

  /** The inbox: most recent first, as far as a coordinator's or the office's region reaches (R-9.1, 属地). */
  const inbox = (dept: string, status: string, limit: number, prefix: string | undefined) =>
    db
      .select({
        applicationId: applicationItems.applicationId,
        number: applications.number,
        bundle: applications.bundleCode,
        item: applicationItems.itemCode,
        itemName: applicationItems.itemName,
        region: applicationItems.region,
        status: applicationItems.status,
        startedAt: applicationItems.startedAt,
        applicant: applications.applicantName,
      })
      .from(applicationItems)
      .innerJoin(applications, eq(applications.id, applicationItems.applicationId))
      .where(and(eq(applicationItems.department, dept), eq(applicationItems.status, status), prefix ? like(applicationItems.region, `${prefix}%`) : undefined))
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
        params: InboxParams,
        querystring: InboxQuery,
        headers: InboxHeaders,
        response: {
          200: Inbox,
          304: Type.Null({ description: 'unchanged: the inbox still has the ETag sent in If-None-Match' }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { dept } = request.params;
      assertOwnDepartment(request.user, dept, 'the inbox');
      const status = request.query.status ?? 'in_review';
      const limit = request.query.limit ?? 50;
      // A coordinator sees the inbox as far as its region reaches, an office of the department its own region's items (属地).
      const prefix = staffPrefix(request.user);
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
});

/** A strong validator of the inbox's content (the rows in their order). */
function etagOf(rows: unknown[]): string {
  return `"${createHash('sha1').update(JSON.stringify(rows)).digest('base64url').slice(0, 22)}"`;
}
