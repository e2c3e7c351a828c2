// Submitting (8.1) and reading applications.
import type { Client } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { getBundle } from '../../db/bundles.js';
import { writeSubmission } from '../../db/case-file.js';
import { idempotencyKeys } from '../../db/schema.js';
import { applicationState, type ApplicationInput } from '../../workflows/application/messages.js';
import { intakeDecision } from '../../workflows/application/intake-decision.js';
import type { IntakeCheck } from '../../workflows/shared/intake.js';
import { assertChannel, prepareSubmission, startApplication } from '../submission.js';
import { routes } from '../route-plugin.js';
import { applicationHandle, caseFileOf, loadVisible, sealerOf, viewAs } from '../application-access.js';
import { newApplicationNumber } from '../application-number.js';
import { namesFrom, renderReceiptPage } from '../receipt-page.js';
import { actorOf, requireRole } from '../auth.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { ApplicationParams, ApplicationView, SubmitApplicationBody, SubmitResponse } from '../schemas/applications.js';
import { IdempotencyHeader, Json, errorResponses } from '../schemas/common.js';
import { bindApplication } from '../request-log.js';

/** Stable hash of a body: the same JSON with keys in another order is the same body. */
const hashBody = (body: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(body, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v)))
    .digest('hex');

/**
 * What a submission (or a confirmation) answers. The intake decision is a pure function of the input
 * (intakeDecision, which the workflow acts on too): a fresh submission accepted outright is answered
 * without asking the workflow. Where the workflow's own clock sets a due date (incomplete, 容缺,
 * 受理审查), its answer is read.
 */
export async function submissionAnswer(temporal: Client, input: ApplicationInput, check: IntakeCheck, repeated: boolean) {
  const { id } = input;
  const decision = repeated ? undefined : intakeDecision(input, check);
  if (decision?.next === 'accepted' && decision.check.promised.length === 0) {
    return { id, number: id, status: 'accepted', receipt: decision.receipt };
  }
  const state = await applicationHandle(temporal, id).query(applicationState);
  return {
    id,
    number: id,
    // A fresh submission answers the intake decision (API.md); a repeat, where it stands now.
    status: !repeated && state.status === 'in_review' ? 'accepted' : state.status,
    receipt: state.status === 'incomplete' ? undefined : state.receipt,
    missing: state.missing,
    supplementDue: state.supplementDue,
    intakeReview: state.intakeReview,
  };
}

export const applicationRoutes = routes(async (app, deps) => {
  const { temporal, taskQueue } = deps;
  const db = deps.db.db;

  app.post(
    '/applications',
    {
      preParsing: requireRole('applicant', 'agent', 'window'),
      schema: {
        body: SubmitApplicationBody,
        headers: IdempotencyHeader,
        response: { 200: SubmitResponse, 201: SubmitResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const body = request.body;
      if (actor.role === 'agent' && !actor.mandate) throw forbidden('帮办代办须持有申请人的委托 (mandate claim)');
      assertChannel(actor, body.channel);
      const bundle = await getBundle(db, body.bundleCode);
      if (!bundle) throw notFound(`bundle ${body.bundleCode}`);
      if (bundle.retired) throw conflict(`bundle ${body.bundleCode} is retired and takes no new applications`);
      const sealer = sealerOf(deps);
      const prepared = await prepareSubmission({ db, sealer, regions: app.regions }, { actor, claims: request.user }, bundle, body);

      const owner = actor.role === 'applicant' ? actor.sub : (body.applicantAccount ?? actor.sub);
      const key = request.headers['idempotency-key'] as string | undefined;
      let id = newApplicationNumber();
      let repeated = false;
      if (key) {
        const hash = hashBody(body);
        const inserted = await db
          .insert(idempotencyKeys)
          .values({ owner: actor.sub, key, bodyHash: hash, applicationId: id })
          .onConflictDoNothing()
          .returning();
        if (inserted.length === 0) {
          const [existing] = await db
            .select()
            .from(idempotencyKeys)
            .where(and(eq(idempotencyKeys.owner, actor.sub), eq(idempotencyKeys.key, key)));
          if (!existing || existing.bodyHash !== hash) throw conflict('this Idempotency-Key was used with a different body');
          id = existing.applicationId;
          repeated = true;
        }
      }
      bindApplication(request, reply, id);

      const input: ApplicationInput = { id, number: id, bundle, applicant: body.applicant, owner, ...prepared.parts };
      // The case file first: once the workflow runs, its syncs keep the state beside the submission.
      await writeSubmission(db, sealer, input, body.materials, prepared);
      const departments = [...new Set(prepared.check.items.map((i) => i.department))];
      // A repeat whose first attempt already started the workflow answers with that one.
      if (!(await startApplication(temporal, taskQueue, input, departments)) && !repeated) throw conflict(`application ${id} exists already`);
      return reply.code(repeated ? 200 : 201).send(await submissionAnswer(temporal, input, prepared.check, repeated));
    },
  );

  app.get(
    '/applications/:id',
    { preParsing: requireRole(), schema: { params: ApplicationParams, response: { 200: ApplicationView, ...errorResponses } } },
    async (request) => {
      const state = await loadVisible(deps, request, request.params.id);
      const view = await viewAs(deps, request, state);
      // 政策服务免申办: its subject (or window staff) sees what the proposal filled in, to confirm it.
      if (state.status !== 'proposed' || !(request.user.role === 'window' || state.owner === request.user.sub)) return view;
      const file = await caseFileOf(deps, state.id);
      if (!file) return view;
      return {
        ...view,
        proposal: { ...state.proposal!, answers: file.submission.answers, form: file.personal.form, sharedFrom: file.submission.sharedData ?? {} },
      };
    },
  );

  app.get(
    '/applications/:id/receipt',
    {
      preParsing: requireRole(),
      schema: {
        params: ApplicationParams,
        description: 'The 收件凭证: JSON, or with Accept: text/html a printable page (with the 一次告知 of what is missing while incomplete).',
        response: {
          200: { content: { 'application/json': { schema: Json }, 'text/html': { schema: { type: 'string' } } } },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const state = await loadVisible(deps, request, request.params.id);
      if (request.headers.accept?.includes('text/html')) {
        // Printed for people: names, never codes (the version the application started with).
        const names = namesFrom(await getBundle(db, state.bundle.code, state.bundle.version));
        return reply.type('text/html; charset=utf-8').send(renderReceiptPage(state, names));
      }
      return state.status === 'incomplete' ? { number: state.number, missing: state.missing, supplementDue: state.supplementDue } : state.receipt;
    },
  );
});
