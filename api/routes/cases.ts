// Supervised cases: rectifications of bad reviews and 12345 tickets (9.5, 10.4), plus the hotline's
// status lookup by application number with personal data masked.
import type { FastifyRequest } from 'fastify';
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, desc, eq, inArray, like, or, type SQL } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { loadCalendar } from '../../db/calendar.js';
import { departmentExists } from '../../db/bundles.js';
import { applicationItems, applications, cases } from '../../db/schema.js';
import { STEP_UPDATES, rectificationState, type RectificationState, type Step } from '../../workflows/rectification/messages.js';
import { TICKET_DAYS, closeTicket, replyTicket, ticketState, type TicketState } from '../../workflows/ticket/messages.js';
import type { ticketWorkflow } from '../../workflows/ticket/workflow.js';
import type { Role } from '../../workflows/shared/actor.js';
import { rectificationWorkflowId, ticketWorkflowId } from '../../workflows/shared/ids.js';
import { maskFreeText } from '../../workflows/shared/mask.js';
import { routes } from '../route-plugin.js';
import { applicationView, loadVisible, runUpdate } from '../application-access.js';
import { actorOf, requireRole } from '../auth.js';
import { badRequest, notFound } from '../errors.js';
import { ApplicationParams } from '../schemas/applications.js';
import {
  CaseList,
  CaseListQuery,
  CaseParams,
  HotlineView,
  RectificationView,
  StepBody,
  TicketBody,
  TicketCloseBody,
  TicketReplyBody,
  TicketView,
} from '../schemas/cases.js';
import { errorResponses } from '../schemas/common.js';
import { assertOwnDepartment, staffPrefix } from '../access.js';

/** Who may take each rectification step (the workflow checks the rest). */
const STEP_ROLES: Record<Step, readonly Role[]> = {
  check: ['department'],
  rectify: ['department'],
  reply: ['department'],
  'return-visit': ['hotline', 'coordinator'],
  appeal: ['applicant'],
  'appeal-decision': ['coordinator'],
  dispute: ['department'],
  'dispute-decision': ['coordinator'],
};

export const caseRoutes = routes(async (app, deps) => {
  const { temporal, taskQueue } = deps;
  const db = deps.db.db;
  const query = async <T>(workflowId: string, q: Parameters<ReturnType<typeof temporal.workflow.getHandle>['query']>[0]) => {
    try {
      return (await temporal.workflow.getHandle(workflowId).query(q)) as T;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound('case');
      throw err;
    }
  };
  /**
   * before anything is read out or done: a department only its own cases (403), an applicant
   * only those about its own application (404, as for the application), a coordinator its region's.
   */
  const guard = async (request: FastifyRequest, found: { department: string; applicationId?: string }) => {
    assertOwnDepartment(request.user, found.department, 'this case');
    const role = request.user.role;
    // A department office (region claim) only the cases about applications whose items of its department lie in its region.
    const office = role === 'department' && !!request.user.region;
    if (found.applicationId && (role === 'applicant' || role === 'coordinator' || office)) await loadVisible(deps, request, found.applicationId);
  };

  for (const [step, roles] of Object.entries(STEP_ROLES) as [Step, readonly Role[]][]) {
    const update = STEP_UPDATES[step];
    app.post(
      `/rectifications/:id/${step}`,
      { preParsing: requireRole(...roles), schema: { params: CaseParams, body: StepBody, response: { 200: RectificationView, ...errorResponses } } },
      async (request) => {
        const workflowId = rectificationWorkflowId(request.params.id);
        await guard(request, await query<RectificationState>(workflowId, rectificationState));
        return runUpdate('整改', () => temporal.workflow.getHandle(workflowId).executeUpdate(update, { args: [{ ...request.body, actor: actorOf(request) }] }));
      },
    );
  }
  app.get(
    '/rectifications/:id',
    {
      preParsing: requireRole('department', 'coordinator', 'hotline', 'applicant'),
      schema: { params: CaseParams, response: { 200: RectificationView, ...errorResponses } },
    },
    async (request) => {
      const state = await query<RectificationState>(rectificationWorkflowId(request.params.id), rectificationState);
      await guard(request, state);
      return state;
    },
  );

  app.post(
    '/tickets',
    {
      preParsing: requireRole('hotline'),
      schema: {
        body: TicketBody,
        response: { 201: TicketView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { type, applicationNumber, item, department: given } = request.body;
      // What a caller says on the hotline may hold an ID or phone number: never into the ticket, its notices or logs.
      const subject = maskFreeText(request.body.subject);
      if (given && !(await departmentExists(db, given)))
        throw badRequest(`no department ${given} in the catalogue`, [{ field: 'body.department', message: 'unknown department' }]);
      let department = given;
      if (applicationNumber) {
        // A complaint about an item goes to its department; otherwise to the bundle's lead.
        const state = await loadVisible(deps, request, applicationNumber);
        const target = item ? state.items.find((i) => i.code === item) : undefined;
        if (item && !target) throw badRequest(`item ${item} is not part of this application`, [{ field: 'body.item', message: 'unknown item' }]);
        department ??= target?.department ?? state.bundle.leadDepartment ?? state.items[0]!.department;
      }
      if (!department)
        throw badRequest('a ticket needs a department or an application to route it', [
          { field: 'body.department', message: 'is required without applicationNumber' },
        ]);
      const id = randomUUID();
      await temporal.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
        workflowId: ticketWorkflowId(id),
        taskQueue,
        args: [
          {
            id,
            type,
            subject,
            applicationId: applicationNumber,
            department,
            createdBy: actorOf(request),
            days: TICKET_DAYS[type],
            calendar: await loadCalendar(db),
          },
        ],
      });
      return reply.code(201).send(await query(ticketWorkflowId(id), ticketState));
    },
  );
  app.get(
    '/tickets/:id',
    { preParsing: requireRole('hotline', 'department', 'coordinator'), schema: { params: CaseParams, response: { 200: TicketView, ...errorResponses } } },
    async (request) => {
      const state = await query<TicketState>(ticketWorkflowId(request.params.id), ticketState);
      await guard(request, state);
      return state;
    },
  );
  app.post(
    '/tickets/:id/reply',
    {
      preParsing: requireRole('department'),
      schema: {
        params: CaseParams,
        body: TicketReplyBody,
        response: { 200: TicketView, ...errorResponses },
      },
    },
    async (request) => {
      const workflowId = ticketWorkflowId(request.params.id);
      await guard(request, await query<TicketState>(workflowId, ticketState));
      return runUpdate('工单', () =>
        temporal.workflow.getHandle(workflowId).executeUpdate(replyTicket, { args: [{ text: request.body.text, actor: actorOf(request) }] }),
      );
    },
  );
  app.post(
    '/tickets/:id/close',
    {
      preParsing: requireRole('hotline', 'coordinator'),
      schema: {
        params: CaseParams,
        body: TicketCloseBody,
        response: { 200: TicketView, ...errorResponses },
      },
    },
    async (request) => {
      const workflowId = ticketWorkflowId(request.params.id);
      await guard(request, await query<TicketState>(workflowId, ticketState));
      return runUpdate('工单', () =>
        temporal.workflow.getHandle(workflowId).executeUpdate(closeTicket, { args: [{ ...request.body, actor: actorOf(request) }] }),
      );
    },
  );

  app.get(
    '/cases',
    {
      preParsing: requireRole('department', 'coordinator', 'hotline'),
      schema: {
        querystring: CaseListQuery,
        response: { 200: CaseList, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const department = request.user.role === 'department' ? request.user.dept! : q.department;
      assertOwnDepartment(request.user, q.department, 'the cases');
      const where: SQL[] = [];
      // A region: the cases about applications in it — a coordinator's, by the bundle's region or an item's (属地); a
      // department office's, by its department's items. A case without an application has no region to show.
      const prefix = staffPrefix(request.user);
      if (prefix) {
        const items = db
          .select({ id: applicationItems.applicationId })
          .from(applicationItems)
          .where(
            and(
              like(applicationItems.region, `${prefix}%`),
              request.user.role === 'department' ? eq(applicationItems.department, request.user.dept!) : undefined,
            ),
          );
        const bundles = db
          .select({ id: applications.id })
          .from(applications)
          .where(like(applications.region, `${prefix}%`));
        where.push(
          request.user.role === 'department'
            ? inArray(cases.applicationId, items)
            : or(inArray(cases.applicationId, items), inArray(cases.applicationId, bundles))!,
        );
      }
      if (q.kind) where.push(eq(cases.kind, q.kind));
      if (department) where.push(eq(cases.department, department));
      if (q.status) where.push(eq(cases.status, q.status));
      if (q.overdue !== undefined) where.push(eq(cases.overdue, q.overdue));
      const rows = await db
        .select()
        .from(cases)
        .where(and(...where))
        .orderBy(desc(cases.createdAt))
        .limit(q.limit ?? 50);
      return { cases: rows };
    },
  );

  app.get(
    '/hotline/applications/:id',
    { preParsing: requireRole('hotline', 'coordinator'), schema: { params: ApplicationParams, response: { 200: HotlineView, ...errorResponses } } },
    async (request) => {
      const view = applicationView(await loadVisible(deps, request, request.params.id));
      // What a hotline agent may say on the phone: status, items and deadlines, the applicant masked.
      return {
        number: view.number,
        bundle: view.bundle.name,
        status: view.status,
        applicant: view.applicant,
        createdAt: view.createdAt,
        deadline: view.deadline,
        items: view.items.map(({ name, status, deadline, overdue }) => ({ name, status, deadline, overdue })),
        outcome: view.outcome,
      };
    },
  );
});
