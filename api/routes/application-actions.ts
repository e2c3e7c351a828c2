// Acting on an application: the intake review, supplements, withdrawal, department decisions, AB岗 takes, joint
// sign-offs and the lead's resolution of a dissent, and delivery events. Each answers with the application as GET shows it afterwards.
import { and, eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { applicationItems } from '../../db/schema.js';
import {
  recordDelivery,
  resolveJoint,
  reviewIntake,
  signOffJoint,
  supplement,
  withdraw,
  type ApplicationState,
  type JointState,
  type UpdateAnswer,
} from '../../workflows/application/messages.js';
import { decideItem, takeItem, type DecideItemInput } from '../../workflows/item/messages.js';
import { verifyCommitment } from '../../workflows/post-check/messages.js';
import { itemWorkflowId, postCheckWorkflowId } from '../../workflows/shared/ids.js';
import { jsonBytes, MAX_RESULT_BYTES } from '../../workflows/shared/limits.js';
import { routes } from '../route-plugin.js';
import { getBundle } from '../../db/bundles.js';
import { addSupplementRefs } from '../../db/case-file.js';
import { applicationHandle, caseFileOf, loadVisible, runItemUpdate, runUpdate, viewAs } from '../application-access.js';
import { assertJointLead, assertJointParticipant, assertOwnItem, itemRegionOf, reachesItem } from '../access.js';
import { actorOf, requireRole, type Claims } from '../auth.js';
import { badRequest, conflict, notFound } from '../errors.js';
import {
  ApplicationParams,
  ApplicationView,
  DecisionBody,
  DeliveryBody,
  IntakeReviewBody,
  ItemParams,
  JointParams,
  PostCheckBody,
  ResolveJointBody,
  SignOffBody,
  SupplementBody,
  WithdrawBody,
} from '../schemas/applications.js';
import { IdempotencyHeader, errorResponses } from '../schemas/common.js';

export const applicationActionRoutes = routes(async (app, deps) => {
  const { temporal } = deps;
  const respond = async (request: FastifyRequest, id: string) => view(request, await loadVisible(deps, request, id));
  const view = (request: FastifyRequest, state: ApplicationState) => viewAs(deps, request, state);
  /** The application after an update on it: the update's answer where it holds the state (executions begun before the case file), else a query. */
  const answered = (request: FastifyRequest, id: string, state: UpdateAnswer) => (state ? view(request, state) : respond(request, id));
  const updateId = (request: FastifyRequest) => request.headers['idempotency-key'] as string | undefined;
  const schema = <B>(params: B, body?: unknown) => ({
    params,
    ...(body ? { body } : {}),
    headers: IdempotencyHeader,
    response: { 200: ApplicationView, ...errorResponses },
  });

  app.post(
    '/applications/:id/supplements',
    { preParsing: requireRole('applicant', 'agent', 'window'), schema: { ...schema(ApplicationParams), body: SupplementBody } },
    async (request) => {
      const { id } = request.params;
      await loadVisible(deps, request, id);
      // Only the codes reach the workflow; the references go to the case file once it took them.
      const materials = request.body.materials.map((m) => ({ code: m.code }));
      const state = await runUpdate('申请', () =>
        applicationHandle(temporal, id).executeUpdate(supplement, { args: [{ materials, actor: actorOf(request) }], updateId: updateId(request) }),
      );
      const file = await caseFileOf(deps, id);
      if (file) {
        const bundle = await getBundle(deps.db.db, file.bundleCode, file.bundleVersion);
        if (bundle) await addSupplementRefs(deps.db.db, id, bundle, request.body.materials, new Date().toISOString());
      }
      return answered(request, id, state);
    },
  );

  // 受理审查 (行政许可法 §32): window staff judge the legal form of materials received online.
  app.post(
    '/applications/:id/intake-review',
    { preParsing: requireRole('window'), schema: { ...schema(ApplicationParams), body: IntakeReviewBody } },
    async (request) => {
      const { id } = request.params;
      await loadVisible(deps, request, id);
      const state = await runUpdate('受理审查', () =>
        applicationHandle(temporal, id).executeUpdate(reviewIntake, { args: [{ ...request.body, actor: actorOf(request) }], updateId: updateId(request) }),
      );
      return answered(request, id, state);
    },
  );

  app.post(
    '/applications/:id/withdraw',
    { preParsing: requireRole('applicant', 'agent', 'window'), schema: { ...schema(ApplicationParams), body: WithdrawBody } },
    async (request) => {
      const { id } = request.params;
      await loadVisible(deps, request, id);
      const state = await runUpdate('申请', () =>
        applicationHandle(temporal, id).executeUpdate(withdraw, {
          args: [{ reason: request.body.reason, actor: actorOf(request) }],
          updateId: updateId(request),
        }),
      );
      return answered(request, id, state);
    },
  );

  /** The item, if it exists and belongs to the caller's department. */
  const ownItem = async (request: FastifyRequest, id: string, code: string) => {
    // The read model knows every dispatched item's department: no workflow query for the common
    // case. Whether it awaits a decision the item workflow's own validator says (409).
    const [row] = await deps.db.db
      .select({ name: applicationItems.itemName, department: applicationItems.department, region: applicationItems.region })
      .from(applicationItems)
      .where(and(eq(applicationItems.applicationId, id), eq(applicationItems.itemCode, code)))
      .limit(1);
    if (row && reachesItem(request.user, row)) return row;
    const state = await loadVisible(deps, request, id);
    const item = state.items.find((i) => i.code === code);
    if (!item) throw notFound(`item ${code}`);
    assertOwnItem(request.user, { code, department: item.department, region: itemRegionOf(state, item) });
    if (item.status !== 'in_review') throw conflict(`事项「${item.name}」当前状态为 ${item.status}，不接受该操作`);
    return item;
  };

  app.post(
    '/applications/:id/items/:item/decisions',
    { preParsing: requireRole('department'), schema: { ...schema(ItemParams), body: DecisionBody } },
    async (request) => {
      const { id, item } = request.params;
      // Before anything reaches the workflow: a history carries every result it is given.
      if (request.body.result && jsonBytes(request.body.result) > MAX_RESULT_BYTES) {
        const message = `result exceeds ${MAX_RESULT_BYTES} bytes as JSON (${jsonBytes(request.body.result)}); reference documents by uri and sha256`;
        throw badRequest('结果数据过大', [{ field: 'result', message }]);
      }
      const target = await ownItem(request, id, item);
      // The schema admits exactly DecideItemInput's decisions and §45 reasons (built from the same lists).
      const decision = { ...request.body, actor: actorOf(request) } as DecideItemInput;
      await runItemUpdate(`事项「${target.name}」`, () =>
        temporal.workflow.getHandle(itemWorkflowId(id, item)).executeUpdate(decideItem, {
          args: [decision],
          updateId: updateId(request),
        }),
      );
      return respond(request, id);
    },
  );

  app.post('/applications/:id/items/:item/take', { preParsing: requireRole('department'), schema: schema(ItemParams) }, async (request) => {
    const { id, item } = request.params;
    const target = await ownItem(request, id, item);
    await runItemUpdate(`事项「${target.name}」`, () =>
      temporal.workflow.getHandle(itemWorkflowId(id, item)).executeUpdate(takeItem, { args: [{ actor: actorOf(request) }], updateId: updateId(request) }),
    );
    return respond(request, id);
  });

  app.post(
    '/applications/:id/items/:item/post-check',
    { preParsing: requireRole('department'), schema: { ...schema(ItemParams), body: PostCheckBody } },
    async (request) => {
      const { id, item } = request.params;
      const state = await loadVisible(deps, request, id);
      const target = state.items.find((i) => i.code === item);
      if (!target) throw notFound(`item ${item}`);
      assertOwnItem(request.user, { code: item, department: target.department, region: itemRegionOf(state, target) });
      await runUpdate(`告知承诺核查「${target.name}」`, () =>
        temporal.workflow.getHandle(postCheckWorkflowId(id, item)).executeUpdate(verifyCommitment, {
          args: [{ ...request.body, actor: actorOf(request) }],
          updateId: updateId(request),
        }),
      );
      return respond(request, id);
    },
  );

  /**
   * An action on a joint procedure: 404 for an unknown procedure (the contract's code, API.md), the
   * caller's right to it checked (403), then the application's update, answered as GET shows it.
   */
  const actOnJoint = async (
    request: FastifyRequest<{ Params: { id: string; code: string } }>,
    assertMay: (user: Claims, joint: JointState, state: ApplicationState) => void,
    update: (handle: ReturnType<typeof applicationHandle>) => Promise<UpdateAnswer>,
  ) => {
    const { id, code } = request.params;
    const current = await loadVisible(deps, request, id);
    const joint = current.joint.find((j) => j.code === code);
    if (!joint) throw notFound(`joint procedure ${code}`);
    assertMay(request.user, joint, current);
    return answered(request, id, await runUpdate(`联合办理程序 ${code}`, () => update(applicationHandle(temporal, id))));
  };

  app.post(
    '/applications/:id/joint/:code/sign-offs',
    { preParsing: requireRole('department'), schema: { ...schema(JointParams), body: SignOffBody } },
    async (request) =>
      actOnJoint(request, assertJointParticipant, (handle) =>
        handle.executeUpdate(signOffJoint, { args: [{ code: request.params.code, ...request.body, actor: actorOf(request) }], updateId: updateId(request) }),
      ),
  );

  app.post(
    '/applications/:id/joint/:code/resolution',
    { preParsing: requireRole('department'), schema: { ...schema(JointParams), body: ResolveJointBody } },
    async (request) =>
      actOnJoint(request, assertJointLead, (handle) =>
        handle.executeUpdate(resolveJoint, { args: [{ code: request.params.code, ...request.body, actor: actorOf(request) }], updateId: updateId(request) }),
      ),
  );

  app.post(
    '/applications/:id/delivery',
    { preParsing: requireRole('window'), schema: { ...schema(ApplicationParams), body: DeliveryBody } },
    async (request) => {
      const { id } = request.params;
      await loadVisible(deps, request, id);
      if (request.body.event === 'picked-up' && !request.body.pickupCode) {
        throw badRequest('a pickup needs the code the applicant shows', [{ field: 'body.pickupCode', message: 'is required for picked-up' }]);
      }
      const state = await runUpdate('送达', () =>
        applicationHandle(temporal, id).executeUpdate(recordDelivery, { args: [{ ...request.body, actor: actorOf(request) }], updateId: updateId(request) }),
      );
      return answered(request, id, state);
    },
  );
});
