// The working-day calendar: coordinators publish a year; running applications re-project
// their deadlines on it (a deadline counted into an unpublished year was provisional).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowNotFoundError } from '@temporalio/client';
import { notInArray } from 'drizzle-orm';
import { getCalendarYear, loadCalendar, publishYear } from '../../db/calendar.js';
import { applications } from '../../db/schema.js';
import { FINAL_STATUSES, publishCalendar } from '../../workflows/application/messages.js';
import { applicationWorkflowId } from '../../workflows/shared/ids.js';
import type { WorkingCalendar } from '../../workflows/shared/working-days.js';
import type { AppDeps } from '../app.js';
import { requireRole } from '../auth.js';
import { checkCalendarYear } from '../calendar-check.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import { CalendarYearBody, CalendarYearView, PublishedCalendarYear, YearParams } from '../schemas/calendar.js';
import { errorResponses } from '../schemas/common.js';

/** Signals sent at once; enough to be quick, few enough not to flood the frontend. */
const SIGNAL_BATCH = 20;

export const calendarRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const db = deps.db.db;

    /** Sends the calendar to every application the read model shows running; counts those reached. */
    async function reproject(calendar: WorkingCalendar): Promise<number> {
      const rows = await db.select({ id: applications.id }).from(applications).where(notInArray(applications.status, [...FINAL_STATUSES]));
      let reached = 0;
      for (let i = 0; i < rows.length; i += SIGNAL_BATCH) {
        const sent = await Promise.all(
          rows.slice(i, i + SIGNAL_BATCH).map(async ({ id }) => {
            try {
              await deps.temporal.workflow.getHandle(applicationWorkflowId(id)).signal(publishCalendar, { calendar });
              return true;
            } catch (err) {
              // Ended since the read model last heard of it: nothing left to re-project.
              if (err instanceof WorkflowNotFoundError) return false;
              throw err;
            }
          }),
        );
        reached += sent.filter(Boolean).length;
      }
      return reached;
    }

    app.put(
      '/calendar/:year',
      {
        preParsing: requireRole('coordinator'),
        schema: {
          description: 'Publishes (or replaces) a year and re-projects the deadlines of running applications.',
          params: YearParams,
          body: CalendarYearBody,
          response: { 200: PublishedCalendarYear, ...errorResponses },
        },
      },
      async (request) => {
        const { year } = request.params;
        // One calendar counts every deadline in the province: a city's or county's coordinator may not rewrite it.
        const scope = request.user.region;
        if (scope && !/^\d{2}0000$/.test(scope)) throw forbidden(`the working-day calendar is province-wide; region ${scope} may not publish it`);
        const problems = checkCalendarYear(year, request.body);
        if (problems.length) throw badRequest(`the calendar of ${year} has bad dates`, problems);
        await publishYear(db, year, request.body, request.user.sub);
        const stored = (await getCalendarYear(db, year))!;
        const reprojected = await reproject(await loadCalendar(db));
        return { ...stored, reprojected };
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
  };
