import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { getBundle } from '../../db/bundles.js';
import { idempotencyKeys } from '../../db/schema.js';
import { applicationState, type ApplicationInput, type ApplicationState } from '../../workflows/application/messages.js';
import { buildReceipt } from '../../workflows/application/state.js';
import type { applicationWorkflow } from '../../workflows/application/workflow.js';
import { decideItem } from '../../workflows/item/messages.js';
import { applicationWorkflowId, itemWorkflowId } from '../../workflows/shared/ids.js';
import { checkSubmission } from '../../workflows/shared/intake.js';
import { maskIdNumber, maskName, maskPhone } from '../../workflows/shared/mask.js';
import { ApplicationNumber, BundleCode, Departments } from '../../workflows/shared/search-attributes.js';
import type { AppDeps } from '../app.js';
import { actorOf, regionCovers, requireRole } from '../auth.js';
import { newApplicationNumber } from '../application-number.js';
import { HttpError, badRequest, conflict, forbidden, fromTemporal, notFound } from '../errors.js';
import { ApplicationParams, ApplicationView, DecisionBody, ItemParams, SubmitApplicationBody, SubmitResponse } from '../schemas/applications.js';
import { errorResponses } from '../schemas/common.js';
import type { FastifyRequest } from 'fastify';

/** Stable hash of a body: the same JSON with keys in another order is the same body. */
const hashBody = (body: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(body, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v)))
    .digest('hex');

export const applicationRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { temporal, taskQueue } = deps;
    const db = deps.db.db;

    const view = (state: ApplicationState) => ({
      ...state,
      applicant: {
        kind: state.applicant.kind,
        name: maskName(state.applicant.name),
        idNumber: maskIdNumber(state.applicant.idNumber),
        phone: state.applicant.phone && maskPhone(state.applicant.phone),
      },
      links: deps.config.temporalUiUrl
        ? { temporal: `${deps.config.temporalUiUrl}/namespaces/${temporal.options.namespace}/workflows/${encodeURIComponent(applicationWorkflowId(state.id))}` }
        : undefined,
    });

    /** The application's live state, if this user may see it; 404 to applicants for others' (no existence leak). */
    async function loadVisible(request: FastifyRequest, id: string): Promise<ApplicationState> {
      let state: ApplicationState;
      try {
        state = await temporal.workflow.getHandle(applicationWorkflowId(id)).query(applicationState);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw notFound('application');
        throw err;
      }
      const user = request.user;
      const visible =
        (user.role === 'applicant' && state.owner === user.sub) ||
        (user.role === 'agent' && (state.submittedBy.sub === user.sub || state.owner === user.sub)) ||
        user.role === 'window' ||
        user.role === 'hotline' ||
        (user.role === 'department' && state.items.some((i) => i.department === user.dept)) ||
        (user.role === 'coordinator' && regionCovers(user.region, state.bundle.region));
      if (visible) return state;
      if (user.role === 'applicant' || user.role === 'agent') throw notFound('application');
      throw forbidden('this application is outside your remit');
    }

    app.post(
      '/applications',
      {
        preHandler: requireRole('applicant', 'agent', 'window'),
        schema: {
          body: SubmitApplicationBody,
          headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 128 } } },
          response: { 200: SubmitResponse, 201: SubmitResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const body = request.body;
        if (actor.role === 'agent' && !actor.mandate) throw forbidden('帮办代办须持有申请人的委托 (mandate claim)');
        const bundle = await getBundle(db, body.bundleCode);
        if (!bundle) throw notFound(`bundle ${body.bundleCode}`);
        if (bundle.retired) throw conflict(`bundle ${body.bundleCode} is retired and takes no new applications`);

        const check = checkSubmission(bundle, {
          answers: body.answers ?? {},
          form: body.form ?? {},
          materials: body.materials.map((m) => m.code),
          commitments: (body.commitments ?? []).map((c) => c.material),
        });
        if (check.problems.length) throw badRequest('the application does not fit the bundle', check.problems);
        if (body.commitments?.length) {
          throw new HttpError(422, 'not_supported', '容缺受理 (commitments) is not available yet: hand in every required material');
        }
        if (check.missing.length) {
          throw new HttpError(
            422,
            'materials_incomplete',
            '材料不齐全，请一次性补齐以下材料 (incomplete applications are not held yet)',
            check.missing.map((m) => ({ field: `materials.${m.material}`, message: `${m.name}（${m.items.join('、')}）` })),
          );
        }

        const owner = actor.role === 'applicant' ? actor.sub : (body.applicantAccount ?? actor.sub);
        const key = request.headers['idempotency-key'] as string | undefined;
        let id = newApplicationNumber();
        let repeated = false;
        if (key) {
          const hash = hashBody(body);
          const inserted = await db.insert(idempotencyKeys).values({ owner: actor.sub, key, bodyHash: hash, applicationId: id }).onConflictDoNothing().returning();
          if (inserted.length === 0) {
            const [existing] = await db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.owner, actor.sub), eq(idempotencyKeys.key, key)));
            if (!existing || existing.bodyHash !== hash) throw conflict('this Idempotency-Key was used with a different body');
            id = existing.applicationId;
            repeated = true;
          }
        }

        const input: ApplicationInput = {
          id,
          number: id,
          bundle,
          channel: body.channel,
          applicant: body.applicant,
          owner,
          submittedBy: actor,
          answers: body.answers ?? {},
          form: body.form ?? {},
          materials: body.materials,
          delivery: body.delivery ?? { method: 'electronic' },
          submittedAt: new Date().toISOString(),
        };
        try {
          await temporal.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
            workflowId: applicationWorkflowId(id),
            taskQueue,
            args: [input],
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            typedSearchAttributes: new TypedSearchAttributes([
              { key: BundleCode, value: bundle.code },
              { key: ApplicationNumber, value: id },
              { key: Departments, value: [...new Set(check.items.map((i) => i.department))] },
            ]),
          });
        } catch (err) {
          // A repeat whose first attempt already started the workflow: answer with that one.
          if (!(repeated && err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        }
        if (repeated) {
          const state = await temporal.workflow.getHandle(applicationWorkflowId(id)).query(applicationState);
          return reply.code(200).send({ id, number: id, status: state.status, receipt: state.receipt });
        }
        return reply.code(201).send({ id, number: id, status: 'accepted', receipt: buildReceipt(input, check.items) });
      },
    );

    app.get(
      '/applications/:id',
      { preHandler: requireRole(), schema: { params: ApplicationParams, response: { 200: ApplicationView, ...errorResponses } } },
      async (request) => view(await loadVisible(request, request.params.id)),
    );

    app.post(
      '/applications/:id/items/:item/decisions',
      {
        preHandler: requireRole('department'),
        schema: {
          params: ItemParams,
          body: DecisionBody,
          headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 128 } } },
          response: { 200: ApplicationView, ...errorResponses },
        },
      },
      async (request) => {
        const { id, item } = request.params;
        const actor = actorOf(request);
        const state = await loadVisible(request, id);
        const target = state.items.find((i) => i.code === item);
        if (!target) throw notFound(`item ${item}`);
        if (target.department !== actor.dept) throw forbidden(`item ${item} belongs to department ${target.department}`);
        if (target.status !== 'in_review') throw conflict(`事项 ${target.name} 当前状态为 ${target.status}，不接受审批决定`);
        try {
          await temporal.workflow.getHandle(itemWorkflowId(id, item)).executeUpdate(decideItem, {
            args: [{ ...request.body, actor }],
            updateId: request.headers['idempotency-key'] as string | undefined,
          });
        } catch (err) {
          // The item closed between our read and the update (e.g. a concurrent decision).
          if (err instanceof WorkflowNotFoundError) throw conflict(`事项 ${target.name} 已不再等待审批`);
          throw fromTemporal(err);
        }
        return view(await loadVisible(request, id));
      },
    );
  };
