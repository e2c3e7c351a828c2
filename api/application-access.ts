// Reading an application as a given user, and acting on it: the one place that knows who may see
// what and how Temporal refusals become HTTP answers.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { readCaseFile, readKeptState, type CaseFile } from '../db/case-file.js';
import type { Db } from '../db/client.js';
import { results } from '../db/schema.js';
import { FINAL_STATUSES, applicationState, type ApplicationState } from '../workflows/application/messages.js';
import type { Sealer } from '../worker/payload-codec.js';
import { EncryptionCodec } from '../worker/payload-codec.js';
import type { AppDeps } from './app.js';
import { applicationWorkflowId } from '../workflows/shared/ids.js';
import { maskIdNumber, maskName, maskPhone } from '../workflows/shared/mask.js';
import { regionCovers, type Claims } from './auth.js';
import { conflict, forbidden, fromTemporal, notFound } from './errors.js';

export function applicationHandle(temporal: Client, id: string) {
  return temporal.workflow.getHandle(applicationWorkflowId(id));
}

/** The key ring that seals the case file's personal values (the payload codec's). */
export function sealerOf(deps: Pick<AppDeps, 'codec'>): Sealer {
  if (deps.codec instanceof EncryptionCodec) return deps.codec.sealer;
  throw new Error('the API needs the payload key ring (PAYLOAD_KEYS) to keep case files');
}

export async function caseFileOf(deps: Pick<AppDeps, 'db' | 'codec'>, id: string): Promise<CaseFile | undefined> {
  return readCaseFile(deps.db.db, sealerOf(deps), id);
}

/**
 * The application's state: live from its workflow, or, once Temporal no longer has the execution
 * (retention) or cannot answer, the last state its case file kept — a closed application stays
 * readable for good from PostgreSQL alone.
 */
export async function loadState(deps: Pick<AppDeps, 'temporal' | 'db' | 'codec'>, id: string): Promise<ApplicationState> {
  try {
    return await applicationHandle(deps.temporal, id).query(applicationState);
  } catch (err) {
    const kept = await readKeptState(deps.db.db, sealerOf(deps), id).catch(() => undefined);
    if (err instanceof WorkflowNotFoundError) {
      if (kept) return kept;
      throw notFound('application');
    }
    // Temporal unavailable: a closed case is still answered from its file; a running one waits.
    if (kept && FINAL_STATUSES.includes(kept.status)) return kept;
    throw err;
  }
}

/** The application's state, if this user may see it; 404 to applicants for others' (no existence leak). */
export async function loadVisible(deps: Pick<AppDeps, 'temporal' | 'db' | 'codec'>, request: FastifyRequest, id: string): Promise<ApplicationState> {
  const state = await loadState(deps, id);
  assertVisible(request, state);
  return state;
}

/** who may read an application at all. */
export function assertVisible(request: FastifyRequest, state: ApplicationState): void {
  const user = request.user;
  const visible =
    (user.role === 'applicant' && state.owner === user.sub) ||
    // 帮办代办: an agent only within the mandate it submitted under (or an application it owns itself).
    (user.role === 'agent' &&
      ((!!user.mandate && state.submittedBy.sub === user.sub && state.submittedBy.mandate === user.mandate) || state.owner === user.sub)) ||
    user.role === 'window' ||
    user.role === 'hotline' ||
    (user.role === 'department' && (state.items.some((i) => i.department === user.dept) || state.bundle.leadDepartment === user.dept)) ||
    (user.role === 'coordinator' && regionCovers(user.region, state.bundle.region));
  if (visible) return;
  if (user.role === 'applicant' || user.role === 'agent') throw notFound('application');
  throw forbidden('this application is outside your remit');
}

/** Runs an update; a workflow that has already closed refuses like a state conflict. */
export async function runUpdate<T>(what: string, update: () => Promise<T>): Promise<T> {
  try {
    return await update();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw conflict(`${what}：已不再接受此操作`);
    throw fromTemporal(err);
  }
}

/** 告知承诺 results revoked after the fact (the application workflow may have ended long before). */
export async function revocationsOf(db: Db, id: string) {
  const rows = await db
    .select({ item: results.itemCode, at: results.revokedAt, reason: results.revokeReason })
    .from(results)
    .where(and(eq(results.applicationId, id), isNotNull(results.revokedAt)));
  return rows.map((r) => ({ item: r.item, at: r.at!, reason: r.reason ?? '' }));
}

/** The delivery address: for those who deliver (the window, the lead department) and the applicant or its agent. */
function mayReadAddress(viewer: Claims | undefined, state: ApplicationState): boolean {
  if (!viewer) return false;
  if (viewer.role === 'window') return true;
  if (viewer.role === 'department') return !!state.bundle.leadDepartment && viewer.dept === state.bundle.leadDepartment;
  return (viewer.role === 'applicant' || viewer.role === 'agent') && (state.owner === viewer.sub || state.submittedBy.sub === viewer.sub);
}

function withoutAddress(delivery: ApplicationState['delivery']): ApplicationState['delivery'] {
  const { address: _address, ...rest } = delivery;
  return rest;
}

/** The pickup code: only the applicant (or its agent) holds it; the window checks what is shown against it. */
function mayReadPickupCode(viewer: Claims | undefined, state: ApplicationState): boolean {
  return !!viewer && (viewer.role === 'applicant' || viewer.role === 'agent') && (state.owner === viewer.sub || state.submittedBy.sub === viewer.sub);
}

function deliveryFor(viewer: Claims | undefined, state: ApplicationState): ApplicationState['delivery'] {
  const delivery = mayReadAddress(viewer, state) ? state.delivery : withoutAddress(state.delivery);
  if (mayReadPickupCode(viewer, state)) return delivery;
  const { pickupCode: _code, ...rest } = delivery;
  return rest;
}

/** The application as API.md shows it: personal data masked, a link to the Temporal UI. */
export function applicationView(
  state: ApplicationState,
  temporalUiUrl?: string,
  namespace = 'default',
  revocations: { item: string; at: string; reason: string }[] = [],
  viewer?: Claims,
) {
  return {
    ...state,
    delivery: deliveryFor(viewer, state),
    revocations,
    applicant: {
      kind: state.applicant.kind,
      name: maskName(state.applicant.name),
      idNumber: maskIdNumber(state.applicant.idNumber),
      phone: state.applicant.phone && maskPhone(state.applicant.phone),
    },
    links: temporalUiUrl
      ? { temporal: `${temporalUiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(applicationWorkflowId(state.id))}` }
      : undefined,
  };
}
