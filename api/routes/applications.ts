// Submitting (8.1) and reading applications.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { and, eq } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { getBundle } from '../../db/bundles.js';
import { writeSubmission } from '../../db/case-file.js';
import { loadCalendar } from '../../db/calendar.js';
import { creditFlags, idempotencyKeys } from '../../db/schema.js';
import { applicationState, type ApplicationInput } from '../../workflows/application/messages.js';
import { intakeDecision } from '../../workflows/application/intake-decision.js';
import type { applicationWorkflow } from '../../workflows/application/workflow.js';
import { applicationWorkflowId } from '../../workflows/shared/ids.js';
import { checkSubmission } from '../../workflows/shared/intake.js';
import { applicableItems, undecidedQuestions } from '../../workflows/shared/rules.js';
import { sharedMaterials } from '../../db/certificates.js';
import { sharedValues } from '../shared-data.js';
import { DEFAULT_POLICY } from '../../workflows/shared/policy.js';
import { ApplicationNumber, BundleCode, Departments } from '../../workflows/shared/search-attributes.js';
import { routes } from '../route-plugin.js';
import { applicationHandle, applicationView, loadVisible, revocationsOf, sealerOf } from '../application-access.js';
import { randomInt } from 'node:crypto';
import { newApplicationNumber } from '../application-number.js';
import { namesFrom, renderReceiptPage } from '../receipt-page.js';
import { actorOf, requireRole } from '../auth.js';
import { HttpError, badRequest, conflict, forbidden, notFound } from '../errors.js';
import { ApplicationParams, ApplicationView, SubmitApplicationBody, SubmitResponse } from '../schemas/applications.js';
import { errorResponses, Json } from '../schemas/common.js';
import { bindApplication } from '../request-log.js';
import { assertKnownRegions } from '../regions.js';

/** Stable hash of a body: the same JSON with keys in another order is the same body. */
const hashBody = (body: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(body, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v)))
    .digest('hex');

export const idHash = (idNumber: string): string => createHash('sha256').update(`yjs:${idNumber.toUpperCase()}`).digest('hex');

export const applicationRoutes = routes(async (app, deps) => {
  const { temporal, taskQueue } = deps;
  const db = deps.db.db;

  app.post(
    '/applications',
    {
      preParsing: requireRole('applicant', 'agent', 'window'),
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
      // The channel is who acts: a window (whose staff judged the materials, §32) only through window staff.
      if ((body.channel === 'window') !== (actor.role === 'window')) {
        throw badRequest('the channel does not match who submits', [
          {
            field: 'body.channel',
            message: actor.role === 'window' ? 'window staff submit as window' : 'only window staff submit as window; say web, app or api',
          },
        ]);
      }
      const bundle = await getBundle(db, body.bundleCode);
      if (!bundle) throw notFound(`bundle ${body.bundleCode}`);
      if (bundle.retired) throw conflict(`bundle ${body.bundleCode} is retired and takes no new applications`);

      await assertKnownRegions(app.regions, { 'body.region': body.region });
      const commitments = (body.commitments ?? []).map((c) => c.material);
      const submittedAt = new Date().toISOString();
      // 免提交 (国务院令第716号): what the certificate store holds for the applicant is not asked for again.
      const wanted = new Set(applicableItems(bundle, body.answers ?? {}).flatMap((i) => i.materials.map((m) => m.code)));
      const handedIn = new Set(body.materials.map((m) => m.code));
      // The holder by the applicant's ID number; online, an applicant's own login also must hold the certificate (an ID
      // number typed into a form proves nothing; window staff check the person, an agent holds the mandate).
      const holder = { fingerprints: sealerOf(deps).fingerprints(body.applicant.idNumber), ...(actor.role === 'applicant' ? { owner: actor.sub } : {}) };
      const shared = await sharedMaterials(db, holder, bundle, wanted, handedIn, submittedAt);
      const check = checkSubmission(bundle, {
        region: body.region,
        answers: body.answers ?? {},
        form: body.form ?? {},
        materials: [...handedIn, ...shared.map((m) => m.material)],
        commitments: commitments.filter((c) => !shared.some((m) => m.material === c)),
      });
      if (body.delivery?.method === 'express' && !body.delivery.address?.trim()) {
        throw badRequest('express delivery needs an address', [{ field: 'body.delivery.address', message: 'is required for express delivery' }]);
      }
      const undecided = undecidedQuestions(bundle, body.answers ?? {}).map((q) => ({
        field: `answers.${q.key}`,
        message: `须回答「${q.label}」：它决定是否办理 ${q.items.map((i) => i.name).join('、')}`,
      }));
      if (check.problems.length || undecided.length) throw badRequest('the application does not fit the bundle', [...check.problems, ...undecided]);
      const notDeferrable = commitments.filter((c) => !check.promised.includes(c) && check.missing.some((m) => m.material === c));
      if (notDeferrable.length) {
        throw badRequest(
          'only deferrable materials may be promised (容缺)',
          notDeferrable.map((c) => ({ field: `commitments.${c}`, message: '此材料不可容缺' })),
        );
      }
      const pledges = (body.pledges ?? []).map((p) => p.item);
      const notPledgeable = pledges.filter((code) => !check.items.some((i) => i.code === code && i.commitment));
      if (notPledgeable.length) {
        throw badRequest(
          '告知承诺 only for applicable items that allow it',
          notPledgeable.map((c) => ({ field: `pledges.${c}`, message: '此事项不适用告知承诺' })),
        );
      }
      if (check.promised.length || pledges.length) {
        const [flag] = await db
          .select()
          .from(creditFlags)
          .where(eq(creditFlags.idHash, idHash(body.applicant.idNumber)));
        if (flag) throw new HttpError(403, 'credit_restricted', '申请人有失信记录，不适用容缺受理或告知承诺，请提交全部材料');
      }

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

      const input: ApplicationInput = {
        id,
        number: id,
        bundle,
        channel: body.channel,
        applicant: body.applicant,
        owner,
        submittedBy: actor,
        answers: body.answers ?? {},
        ...(body.region ? { region: body.region } : {}),
        form: body.form ?? {},
        // The workflow needs only which materials arrived; their references (uri, sha256) are in
        // the case file, where the departments read them, and never grow the history.
        materials: [...body.materials.map((m) => ({ code: m.code })), ...shared.map((m) => ({ code: m.material }))],
        commitments: check.promised,
        ...(shared.length ? { shared } : {}),
        pledges,
        delivery: body.delivery ?? { method: 'electronic' },
        // Drawn at random: the applicant shows it at the window, which cannot guess or derive it.
        ...(body.delivery?.method === 'window' ? { pickupCode: String(randomInt(1_000_000)).padStart(6, '0') } : {}),
        submittedAt,
        calendar: await loadCalendar(db),
        policy: DEFAULT_POLICY,
      };
      // The case file first: once the workflow runs, its syncs keep the state beside the submission.
      // 数据共享: which submitted values are the ones the platform holds (the case file records where they came from).
      const values = await sharedValues(db, bundle, { claims: actor.role === 'applicant' ? request.user : undefined, holder }, submittedAt);
      const sharedData = Object.fromEntries([...values].filter(([key, v]) => input.form[key] === v.value).map(([key, v]) => [key, v.from]));
      await writeSubmission(db, sealerOf(deps), input, body.materials, { shared, sharedData });
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
      // The intake decision is a pure function of the input (intakeDecision, which the workflow acts
      // on too): a fresh submission accepted outright is answered without asking the workflow.
      // Where the workflow's own clock sets a due date (incomplete, 容缺, 受理审查), read its answer.
      const decision = repeated ? undefined : intakeDecision(input, check);
      if (decision?.next === 'accepted' && decision.check.promised.length === 0) {
        return reply.code(201).send({ id, number: id, status: 'accepted', receipt: decision.receipt });
      }
      const state = await applicationHandle(temporal, id).query(applicationState);
      const answer = {
        id,
        number: id,
        // A fresh submission answers the intake decision (API.md); a repeat, where it stands now.
        status: !repeated && state.status === 'in_review' ? 'accepted' : state.status,
        receipt: state.status === 'incomplete' ? undefined : state.receipt,
        missing: state.missing,
        supplementDue: state.supplementDue,
        intakeReview: state.intakeReview,
      };
      return reply.code(repeated ? 200 : 201).send(answer);
    },
  );

  app.get(
    '/applications/:id',
    { preParsing: requireRole(), schema: { params: ApplicationParams, response: { 200: ApplicationView, ...errorResponses } } },
    async (request) => {
      const state = await loadVisible(deps, request, request.params.id);
      return applicationView(state, deps.config.temporalUiUrl, temporal.options.namespace, await revocationsOf(db, state.id), request.user);
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
