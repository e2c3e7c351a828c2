// 政策服务免申办: an integration (role `system`) posts a life event; every bundle whose triggers
// name its type is proposed to the event's subject as an application of status `proposed`,
// pre-filled from the event and the certificate store. The subject confirms (the application then
// proceeds as a submission), declines, or lets it expire (workflows/application/proposal.ts).
import { getBundle } from '../../db/bundles.js';
import { loadCalendar } from '../../db/calendar.js';
import { hasEnded, writeSubmission } from '../../db/case-file.js';
import { recordLifeEvent, triggeredBundles, type PlannedProposal } from '../../db/life-events.js';
import { confirmProposal, declineProposal, type ApplicationInput, type ApplicationState } from '../../workflows/application/messages.js';
import type { BundleVersion } from '../../workflows/shared/bundle.js';
import { bundleAppliesIn } from '../../workflows/shared/jurisdiction.js';
import { DEFAULT_POLICY } from '../../workflows/shared/policy.js';
import { applicationHandle, caseFileOf, loadVisible, runUpdate, sealerOf, viewAs } from '../application-access.js';
import { newApplicationNumber } from '../application-number.js';
import { actorOf, requireRole } from '../auth.js';
import { conflict } from '../errors.js';
import { assertKnownRegions } from '../regions.js';
import { routes } from '../route-plugin.js';
import { ApplicationParams, ApplicationView, SubmitResponse } from '../schemas/applications.js';
import { IdempotencyHeader, errorResponses } from '../schemas/common.js';
import { ConfirmBody, DeclineBody, EventBody, EventResponse } from '../schemas/events.js';
import { sharedValues } from '../shared-data.js';
import { assertChannel, prepareSubmission, startApplication } from '../submission.js';
import { submissionAnswer } from './applications.js';

/** A proposal is answered only while it waits for its subject. */
function assertProposed(state: ApplicationState): void {
  if (state.status !== 'proposed') throw conflict(`申请当前状态为 ${state.status}，不是待确认的主动服务`);
}

export const eventRoutes = routes(async (app, deps) => {
  const { temporal, taskQueue } = deps;
  const db = deps.db.db;

  app.post(
    '/events',
    {
      preParsing: requireRole('system'),
      schema: {
        description: '政策服务免申办: a life event from an integration proposes every bundle whose triggers name its type to its subject.',
        body: EventBody,
        response: { 200: EventResponse, 201: EventResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const event = request.body;
      const sealer = sealerOf(deps);
      await assertKnownRegions(app.regions, { 'body.region': event.region });
      // 属地: the subject's region — given, or a person's ID number's first six digits where they name a division.
      const byId = event.subject.kind === 'person' ? event.subject.idNumber.slice(0, 6) : undefined;
      const region = event.region ?? (byId && (await app.regions.has(byId)) ? byId : undefined);
      const fingerprints = sealer.fingerprints(event.subject.idNumber);
      // The plan first, durable: which bundles, under which ids. Then each proposal, idempotently.
      const bundles = (await triggeredBundles(db, event.type)).filter((b) => !region || bundleAppliesIn(b.region, region));
      const { row, repeated } = await recordLifeEvent(db, {
        postedBy: actor.sub,
        id: event.id,
        type: event.type,
        occurredAt: event.occurredAt,
        subjectHash: fingerprints[0]!,
        sealed: sealer.seal({ subject: event.subject, region, data: event.data ?? {} }),
        applications: bundles.map((b) => ({ id: newApplicationNumber(), bundle: b.code })),
      });
      if (repeated && (row.type !== event.type || !fingerprints.includes(row.subjectHash))) {
        throw conflict(`event ${event.id} was posted before with another type or subject`);
      }
      const calendar = await loadCalendar(db);
      const proposing = { id: event.id, type: event.type, occurredAt: event.occurredAt };
      for (const planned of row.applications) {
        // A repeat completes what a crash left undone; an ended proposal is never proposed again (not even once retention has deleted its workflow).
        if (repeated && (await hasEnded(db, planned.id))) continue;
        const bundle = bundles.find((b) => b.code === planned.bundle) ?? (await getBundle(db, planned.bundle));
        if (bundle) await propose(planned, bundle);
      }
      return reply.code(repeated ? 200 : 201).send({ applications: row.applications.map((a) => a.id) });

      async function propose(planned: PlannedProposal, bundle: BundleVersion): Promise<void> {
        const trigger = bundle.triggers?.find((t) => t.event === event.type);
        const proposedAt = new Date().toISOString();
        // 一表申请 on shared data: the event's own data, the subject's name, its certificates (by ID number: the integration vouches for the person).
        const values = await sharedValues(
          db,
          bundle,
          {
            claims: { role: 'applicant', name: event.subject.name },
            holder: { fingerprints },
            event: { id: event.id, type: event.type, data: event.data ?? {} },
          },
          proposedAt,
        );
        const input: ApplicationInput = {
          id: planned.id,
          number: planned.id,
          bundle,
          channel: 'api',
          applicant: { kind: event.subject.kind, idNumber: event.subject.idNumber, name: event.subject.name },
          // Without an account the proposal waits for the subject at a window.
          owner: event.subject.account ?? `unclaimed:${event.id}`,
          submittedBy: actor,
          answers: trigger?.answers ?? {},
          ...(region ? { region } : {}),
          form: Object.fromEntries([...values].map(([key, v]) => [key, v.value])),
          materials: [],
          commitments: [],
          delivery: { method: 'electronic' },
          submittedAt: proposedAt,
          calendar,
          policy: DEFAULT_POLICY,
          proposal: { event: proposing, days: deps.config.proposalDays },
        };
        const sharedData = Object.fromEntries([...values].map(([key, v]) => [key, v.from]));
        await writeSubmission(db, sealer, input, [], { sharedData, event: proposing, proposed: true });
        // Proposed already: a repeat of the event, or a retry after a crash between the plan and this start.
        await startApplication(temporal, taskQueue, input, []);
      }
    },
  );

  app.post(
    '/applications/:id/confirm',
    {
      preParsing: requireRole('applicant', 'window'),
      schema: {
        description: '政策服务免申办: the subject confirms a proposed application with what a submission carries; it proceeds as a submission.',
        params: ApplicationParams,
        body: ConfirmBody,
        headers: IdempotencyHeader,
        response: { 200: SubmitResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      const actor = actorOf(request);
      const state = await loadVisible(deps, request, id);
      assertProposed(state);
      const channel = request.body.channel ?? (actor.role === 'window' ? 'window' : 'web');
      assertChannel(actor, channel);
      const bundle = await getBundle(db, state.bundle.code, state.bundle.version);
      if (!bundle) throw conflict(`bundle ${state.bundle.code} version ${state.bundle.version} is no longer in the catalogue`);
      const sealer = sealerOf(deps);
      // What the proposal filled in stands unless the subject changes it.
      const proposed = await caseFileOf(deps, id);
      const answers = { ...proposed?.submission.answers, ...request.body.answers };
      const form = { ...proposed?.personal.form, ...request.body.form };
      const region = request.body.region ?? state.proposal?.region;
      const prepared = await prepareSubmission({ db, sealer, regions: app.regions }, { actor, claims: request.user }, bundle, {
        ...request.body,
        ...(region ? { region } : {}),
        answers,
        form,
        channel,
        applicant: state.applicant,
      });
      // The values still as the event (or the store) gave them keep their source.
      for (const [key, from] of Object.entries(proposed?.submission.sharedData ?? {})) {
        if (form[key] === proposed?.personal.form[key]) prepared.sharedData[key] ??= from;
      }
      const input: ApplicationInput = { id, number: state.number, bundle, applicant: state.applicant, owner: state.owner, ...prepared.parts };
      // The case file first (the proposal's submission replaced once), then the workflow takes the confirmation.
      await writeSubmission(db, sealer, input, request.body.materials, { ...prepared, event: state.proposal!.event, confirming: true });
      await runUpdate('申请', () =>
        applicationHandle(temporal, id).executeUpdate(confirmProposal, {
          args: [prepared.parts],
          updateId: request.headers['idempotency-key'] as string | undefined,
        }),
      );
      return submissionAnswer(temporal, input, prepared.check, false);
    },
  );

  app.post(
    '/applications/:id/decline',
    {
      preParsing: requireRole('applicant', 'window'),
      schema: {
        description: '政策服务免申办: the subject declines a proposed application; it ends without being submitted.',
        params: ApplicationParams,
        body: DeclineBody,
        headers: IdempotencyHeader,
        response: { 200: ApplicationView, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      assertProposed(await loadVisible(deps, request, id));
      await runUpdate('申请', () =>
        applicationHandle(temporal, id).executeUpdate(declineProposal, {
          args: [{ reason: request.body.reason ?? '申请人谢绝', actor: actorOf(request) }],
          updateId: request.headers['idempotency-key'] as string | undefined,
        }),
      );
      return viewAs(deps, request, await loadVisible(deps, request, id));
    },
  );
});
