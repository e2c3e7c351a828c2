// 好差评 (10.4, DB32/T 4660): the applicant rates once per application online and once per window
// visit; a 不满意 or 非常不满意 opens a rectification for the responsible department.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { loadCalendar } from '../../db/calendar.js';
import { caseEvents, evaluations } from '../../db/schema.js';
import { FINAL_STATUSES } from '../../workflows/application/messages.js';
import type { rectificationWorkflow } from '../../workflows/rectification/workflow.js';
import { compact, safeActor } from '../../workflows/shared/case-events.js';
import { rectificationWorkflowId } from '../../workflows/shared/ids.js';
import { routes } from '../route-plugin.js';
import { loadVisible } from '../application-access.js';
import { actorOf, requireRole } from '../auth.js';
import { badRequest, conflict, forbidden } from '../errors.js';
import { ApplicationParams } from '../schemas/applications.js';
import { errorResponses } from '../schemas/common.js';
import { EvaluationBody, EvaluationView } from '../schemas/evaluations.js';

export const RATING_LABELS = ['', '非常不满意', '不满意', '基本满意', '满意', '非常满意'] as const;
/** Working days a department has to close a rectification (5 or 15 in different localities; DOMAIN.md). */
export const RECTIFICATION_DAYS = 15;

export const evaluationRoutes = routes(async (app, deps) => {
  const { temporal, taskQueue } = deps;
  const db = deps.db.db;

  /** Whether this window staff member recorded an act on the application (the case file says who acted). */
  async function servedAtWindow(applicationId: string, sub: string): Promise<boolean> {
    const [row] = await db
      .select({ key: caseEvents.key })
      .from(caseEvents)
      .where(and(eq(caseEvents.applicationId, applicationId), sql`${caseEvents.actor}->>'sub' = ${sub}`, sql`${caseEvents.actor}->>'role' = 'window'`))
      .limit(1);
    return !!row;
  }

  app.post(
    '/applications/:id/evaluation',
    {
      preParsing: requireRole('applicant', 'window'),
      schema: { params: ApplicationParams, body: EvaluationBody, response: { 201: EvaluationView, ...errorResponses } },
    },
    async (request, reply) => {
      const state = await loadVisible(deps, request, request.params.id);
      const body = request.body;
      const channel = body.channel ?? (request.user.role === 'window' ? 'window' : 'online');
      if (channel === 'online' && (request.user.role !== 'applicant' || state.owner !== request.user.sub)) throw forbidden('只有申请人本人可以在线评价');
      if (channel === 'online' && !FINAL_STATUSES.includes(state.status)) throw conflict('办结后方可评价（一事一评）');
      // A window rating is taken by the staff who served the applicant, once each (a visit they recorded).
      if (channel === 'window' && request.user.role !== 'window') throw forbidden('窗口评价由窗口工作人员代为登记');
      // Taken in at this window (the application says so at once), or another act of theirs in the case file.
      const submittedHere = state.submittedBy.role === 'window' && state.submittedBy.sub === request.user.sub;
      if (channel === 'window' && !submittedHere && !(await servedAtWindow(state.id, request.user.sub))) throw forbidden('只能为本人办理过的申请登记窗口评价');
      const item = body.item ? state.items.find((i) => i.code === body.item) : undefined;
      if (body.item && !item) throw badRequest(`item ${body.item} is not part of this application`, [{ field: 'body.item', message: 'unknown item' }]);
      const department = item?.department ?? state.bundle.leadDepartment ?? state.items[0]!.department;

      const id = randomUUID();
      const inserted = await db
        .insert(evaluations)
        .values({
          id,
          applicationId: state.id,
          channel,
          visitId: channel === 'window' ? `window:${request.user.sub}` : '',
          rating: body.rating,
          indicators: body.indicators ?? null,
          comment: body.comment ?? null,
          evaluator: request.user.sub,
          bundleCode: state.bundle.code,
          department,
          item: item?.code ?? null,
        })
        .onConflictDoNothing()
        .returning({ id: evaluations.id });
      if (inserted.length === 0) throw conflict(channel === 'online' ? '该申请已评价（一事一评）' : '您已为该申请登记过窗口评价（一事一评）');

      let rectification: { id: string; department: string } | undefined;
      if (body.rating <= 2) {
        // Started after the row is stored; the id is derived from it, so a retry cannot open two.
        await temporal.workflow.start<typeof rectificationWorkflow>('rectificationWorkflow', {
          workflowId: rectificationWorkflowId(id),
          taskQueue,
          args: [
            {
              id,
              applicationId: state.id,
              evaluationId: id,
              rating: body.rating,
              comment: body.comment,
              department,
              item: item?.code,
              evaluator: state.owner,
              days: RECTIFICATION_DAYS,
              calendar: await loadCalendar(db),
            },
          ],
        });
        rectification = { id, department };
      }
      // The case file records the rating (the comment stays in the evaluation itself).
      await db
        .insert(caseEvents)
        .values({
          applicationId: state.id,
          key: `evaluation:${id}`,
          at: new Date().toISOString(),
          kind: 'evaluation',
          item: item?.code ?? null,
          actor: safeActor(actorOf(request)),
          label: `好差评：${RATING_LABELS[body.rating]}`,
          detail: compact({ rating: body.rating, channel, visitId: body.visitId, rectification: rectification?.id }),
        })
        .onConflictDoNothing();
      return reply.code(201).send({ id, rating: body.rating, level: RATING_LABELS[body.rating]!, channel, rectification });
    },
  );
});
