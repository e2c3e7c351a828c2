// The working-day calendar: coordinators publish a year; every running workflow that keeps
// a clock counts it again on it (a deadline counted into an unpublished year was provisional).
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { getCalendarYear, loadCalendar, publishYear } from '../../db/calendar.js';
import { publishCalendar } from '../../workflows/application/messages.js';
import { calendarPublished } from '../../workflows/shared/calendar-published.js';
import type { WorkingCalendar } from '../../workflows/shared/working-days.js';
import { routes } from '../route-plugin.js';
import { assertProvinceWide } from '../access.js';
import { requireRole } from '../auth.js';
import { checkCalendarYear } from '../calendar-check.js';
import { badRequest, notFound } from '../errors.js';
import { CalendarYearBody, CalendarYearView, PublishedCalendarYear, YearParams } from '../schemas/calendar.js';
import { errorResponses } from '../schemas/common.js';

/** Signals sent at once; enough to be quick, few enough not to flood the frontend. */
const SIGNAL_BATCH = 20;

/**
 * This deployment's running workflows with clocks of their own: applications (which forward the
 * calendar to their items) — also those that have an outcome and still await the delivery —,
 * tickets, rectifications and 告知承诺 post-checks (which outlive their application).
 */
const clocksQuery = (taskQueue: string) =>
  `ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replaceAll("'", '')}' AND WorkflowType IN ('applicationWorkflow', 'ticketWorkflow', 'rectificationWorkflow', 'postCheckWorkflow')`;

export const calendarRoutes = routes(async (app, deps) => {
  const db = deps.db.db;

  /** Sends a signal to each workflow, a batch at a time; counts those reached. */
  async function tell(workflowIds: string[], send: (handle: WorkflowHandle) => Promise<void>): Promise<number> {
    let reached = 0;
    for (let i = 0; i < workflowIds.length; i += SIGNAL_BATCH) {
      const sent = await Promise.all(
        workflowIds.slice(i, i + SIGNAL_BATCH).map(async (workflowId) => {
          try {
            await send(deps.temporal.workflow.getHandle(workflowId));
            return true;
          } catch (err) {
            // Ended since it was listed: nothing left to re-project.
            if (err instanceof WorkflowNotFoundError) return false;
            throw err;
          }
        }),
      );
      reached += sent.filter(Boolean).length;
    }
    return reached;
  }

  /** Tells every running workflow with a clock; counts the applications and the other cases reached. */
  async function reproject(calendar: WorkingCalendar): Promise<{ reprojected: number; reprojectedCases: number }> {
    const applications: string[] = [];
    const cases: string[] = [];
    for await (const wf of deps.temporal.workflow.list({ query: clocksQuery(deps.taskQueue) })) {
      (wf.type === 'applicationWorkflow' ? applications : cases).push(wf.workflowId);
    }
    const [reprojected, reprojectedCases] = await Promise.all([
      tell(applications, (h) => h.signal(publishCalendar, { calendar })),
      tell(cases, (h) => h.signal(calendarPublished, { calendar })),
    ]);
    return { reprojected, reprojectedCases };
  }

  app.put(
    '/calendar/:year',
    {
      preParsing: requireRole('coordinator'),
      schema: {
        description: 'Publishes (or replaces) a year; every running application, item, ticket, rectification and post-check counts its clocks again on it.',
        params: YearParams,
        body: CalendarYearBody,
        response: { 200: PublishedCalendarYear, ...errorResponses },
      },
    },
    async (request) => {
      const { year } = request.params;
      // One calendar counts every deadline in the province: a city's or county's coordinator may not rewrite it.
      assertProvinceWide(request.user);
      const problems = checkCalendarYear(year, request.body);
      if (problems.length) throw badRequest(`the calendar of ${year} has bad dates`, problems);
      await publishYear(db, year, request.body, request.user.sub);
      const stored = (await getCalendarYear(db, year))!;
      return { ...stored, ...(await reproject(await loadCalendar(db))) };
    },
  );

  app.get(
    '/calendar/:year',
    {
      preParsing: requireRole(),
      schema: { params: YearParams, response: { 200: CalendarYearView, ...errorResponses } },
    },
    async (request) => {
      const stored = await getCalendarYear(db, request.params.year);
      if (!stored) throw notFound(`calendar of ${request.params.year}`);
      return stored;
    },
  );
});
