// Reading an application (live from its workflow, or from its case file) as a given user — who
// may is access.ts's to say — and acting on it: how Temporal refusals become HTTP answers.
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
import { assertCanRead, itemRegionOf, mayReadAddress, mayReadPickupCode } from './access.js';
import type { Claims } from './auth.js';
import { conflict, fromTemporal, notFound } from './errors.js';

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
    return await hedge.run(() => applicationHandle(deps.temporal, id).query(applicationState));
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

/**
 * When to ask a query again (hedged requests): past three times the median of the recent queries'
 * times, and never before 150 ms. A query that reaches the worker while the workflow's task is in
 * flight can be held there until the workflow's next task: after two sibling items' decisions, the
 * second decision's answer waited 1.4–2.0 s for it, where the same query asked again was answered in
 * ~50 ms (npm start, issue #17). Relative to the median, a loaded system (every query slow) is not
 * asked everything twice.
 */
export class QueryHedge {
  static readonly FLOOR_MS = 150;
  private readonly recent: number[] = [];

  constructor(private readonly window = 16) {}

  record(ms: number): void {
    this.recent.push(ms);
    if (this.recent.length > this.window) this.recent.shift();
  }

  delay(): number {
    if (this.recent.length === 0) return QueryHedge.FLOOR_MS;
    const sorted = [...this.recent].sort((a, b) => a - b);
    return Math.max(QueryHedge.FLOOR_MS, 3 * sorted[Math.floor(sorted.length / 2)]!);
  }

  /** Runs `ask`, and once more if the first has not answered by `delay()`: the first answer wins. */
  async run<T>(ask: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const first = ask();
    // Every first ask's time, held ones too: the median is not moved by the few that are held.
    first.then(
      () => this.record(performance.now() - started),
      () => undefined,
    );
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), this.delay())));
    try {
      const answer = await Promise.race([first, slow]);
      if (answer !== 'slow') return answer;
    } finally {
      clearTimeout(timer);
    }
    first.catch(() => undefined); // the loser's failure is not this request's
    return Promise.race([first, ask()]);
  }
}

const hedge = new QueryHedge();

/** The application's state, if this user may see it; 404 to applicants for others' (no existence leak). */
export async function loadVisible(deps: Pick<AppDeps, 'temporal' | 'db' | 'codec'>, request: FastifyRequest, id: string): Promise<ApplicationState> {
  const state = await loadState(deps, id);
  assertCanRead(request.user, state);
  return state;
}

/** Runs an update; a workflow that has already closed refuses like a state conflict. */
export async function runUpdate<T>(what: string, update: () => Promise<T>): Promise<T> {
  try {
    return await update();
  } catch (err) {
    throw updateRefusal(what, err);
  }
}

/** How long an item shown in review may take to exist (its start is the server's next step). */
export const ITEM_START_WAIT_MS = 3000;

/**
 * Runs an update on an item the application shows in review. The application shows it so as it
 * dispatches it, and the server starts the item's workflow a moment later: an update in between
 * finds no workflow, and is asked again (bounded) rather than refused.
 */
export async function runItemUpdate<T>(what: string, update: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + ITEM_START_WAIT_MS;
  for (let pause = 20; ; pause = Math.min(pause * 2, 200)) {
    try {
      return await update();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || Date.now() >= giveUpAt) throw updateRefusal(what, err);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

function updateRefusal(what: string, err: unknown): unknown {
  return err instanceof WorkflowNotFoundError ? conflict(`${what}：已不再接受此操作`) : fromTemporal(err);
}

/** 告知承诺 results revoked after the fact (the application workflow may have ended long before). */
export async function revocationsOf(db: Db, id: string) {
  const rows = await db
    .select({ item: results.itemCode, at: results.revokedAt, reason: results.revokeReason })
    .from(results)
    .where(and(eq(results.applicationId, id), isNotNull(results.revokedAt)));
  return rows.map((r) => ({ item: r.item, at: r.at!, reason: r.reason ?? '' }));
}

function withoutAddress(delivery: ApplicationState['delivery']): ApplicationState['delivery'] {
  const { address: _address, ...rest } = delivery;
  return rest;
}

function deliveryFor(viewer: Claims | undefined, state: ApplicationState): ApplicationState['delivery'] {
  const delivery = mayReadAddress(viewer, state) ? state.delivery : withoutAddress(state.delivery);
  if (mayReadPickupCode(viewer, state)) return delivery;
  const { pickupCode: _code, ...rest } = delivery;
  return rest;
}

/** The application as API.md shows it to this request's reader (its revocations read from the case file). */
export async function viewAs(deps: Pick<AppDeps, 'db' | 'config' | 'temporal'>, request: FastifyRequest, state: ApplicationState) {
  return applicationView(state, deps.config.temporalUiUrl, deps.temporal.options.namespace, await revocationsOf(deps.db.db, state.id), request.user);
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
    // 属地: every item shows where it is decided (applications begun before regions: the bundle's).
    items: state.items.map((item) => ({ ...item, region: itemRegionOf(state, item) })),
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
