// A submission checked against its bundle (8.1) and turned into the application's input: what
// `POST /v1/applications` and the confirmation of a proposed application (政策服务免申办) share.
// Every refusal is a 400 naming the field (or 403 for a credit restriction), never a state change.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import { createHash, randomInt } from 'node:crypto';
import { sharedMaterials } from '../db/certificates.js';
import { loadCalendar } from '../db/calendar.js';
import { creditFlags } from '../db/schema.js';
import type { Db } from '../db/client.js';
import type { Applicant, ApplicationInput, ConfirmInput, SharedMaterial, SubmittedMaterial } from '../workflows/application/messages.js';
import type { Actor, Channel } from '../workflows/shared/actor.js';
import type { BundleVersion } from '../workflows/shared/bundle.js';
import type { SharedFrom } from '../workflows/shared/guide.js';
import { checkSubmission, type IntakeCheck } from '../workflows/shared/intake.js';
import type { applicationWorkflow } from '../workflows/application/workflow.js';
import { applicationWorkflowId } from '../workflows/shared/ids.js';
import { DEFAULT_POLICY } from '../workflows/shared/policy.js';
import { ApplicationNumber, BundleCode, Departments } from '../workflows/shared/search-attributes.js';
import { applicableItems, undecidedQuestions } from '../workflows/shared/rules.js';
import type { Sealer } from '../worker/payload-codec.js';
import type { Claims } from './auth.js';
import { HttpError, badRequest } from './errors.js';
import type { RegionBook } from '../db/regions.js';
import { assertKnownRegions } from './regions.js';
import { sharedValues } from './shared-data.js';

/** What the applicant hands in (the submission's body, or a confirmation's with the proposal's applicant). */
export interface SubmissionParts {
  channel: Channel;
  applicant: Applicant;
  region?: string;
  answers?: Record<string, unknown>;
  form?: Record<string, unknown>;
  materials: SubmittedMaterial[];
  commitments?: { material: string }[];
  pledges?: { item: string }[];
  delivery?: ApplicationInput['delivery'];
}

export interface PreparedSubmission {
  /** The submission's parts of the input (ConfirmInput); the caller adds id, number, owner. */
  parts: ConfirmInput;
  check: IntakeCheck;
  /** 免提交: materials taken from the certificate store. */
  shared: SharedMaterial[];
  /** Which form values came from shared data (the case file records it). */
  sharedData: Record<string, SharedFrom>;
}

export const idHash = (idNumber: string): string => createHash('sha256').update(`yjs:${idNumber.toUpperCase()}`).digest('hex');

/** The channel is who acts: a window (whose staff judged the materials, §32) only through window staff. */
export function assertChannel(actor: Actor, channel: Channel): void {
  if ((channel === 'window') !== (actor.role === 'window')) {
    throw badRequest('the channel does not match who submits', [
      {
        field: 'body.channel',
        message: actor.role === 'window' ? 'window staff submit as window' : 'only window staff submit as window; say web, app or api',
      },
    ]);
  }
}

/**
 * Checks a submission against the bundle — regions, questions, fields, materials (those the store
 * holds for the applicant count as handed in), 容缺 and 告知承诺 and the applicant's credit — and
 * builds the submission's parts of the application's input.
 */
export async function prepareSubmission(
  ctx: { db: Db; sealer: Sealer; regions: RegionBook },
  who: { actor: Actor; claims: Claims },
  bundle: BundleVersion,
  body: SubmissionParts,
): Promise<PreparedSubmission> {
  const { db } = ctx;
  const { actor, claims } = who;
  await assertKnownRegions(ctx.regions, { 'body.region': body.region });
  const answers = (body.answers ?? {}) as ApplicationInput['answers'];
  const form = body.form ?? {};
  const commitments = (body.commitments ?? []).map((c) => c.material);
  const submittedAt = new Date().toISOString();
  // 免提交 (国务院令第716号): what the certificate store holds for the applicant is not asked for again.
  const wanted = new Set(applicableItems(bundle, answers).flatMap((i) => i.materials.map((m) => m.code)));
  const handedIn = new Set(body.materials.map((m) => m.code));
  // The holder by the applicant's ID number; online, an applicant's own login also must hold the certificate (an ID
  // number typed into a form proves nothing; window staff check the person, an agent holds the mandate).
  const holder = { fingerprints: ctx.sealer.fingerprints(body.applicant.idNumber), ...(actor.role === 'applicant' ? { owner: actor.sub } : {}) };
  const shared = await sharedMaterials(db, holder, bundle, wanted, handedIn, submittedAt);
  const check = checkSubmission(bundle, {
    region: body.region,
    answers,
    form,
    materials: [...handedIn, ...shared.map((m) => m.material)],
    commitments: commitments.filter((c) => !shared.some((m) => m.material === c)),
  });
  if (body.delivery?.method === 'express' && !body.delivery.address?.trim()) {
    throw badRequest('express delivery needs an address', [{ field: 'body.delivery.address', message: 'is required for express delivery' }]);
  }
  const undecided = undecidedQuestions(bundle, answers).map((q) => ({
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
  const parts: ConfirmInput = {
    channel: body.channel,
    submittedBy: actor,
    answers,
    ...(body.region ? { region: body.region } : {}),
    form,
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
  // 数据共享: which submitted values are the ones the platform holds (the case file records where they came from).
  const values = await sharedValues(db, bundle, { claims: actor.role === 'applicant' ? claims : undefined, holder }, submittedAt);
  const sharedData = Object.fromEntries([...values].filter(([key, v]) => form[key] === v.value).map(([key, v]) => [key, v.from]));
  return { parts, check, shared, sharedData };
}

/**
 * Starts the application's workflow (a submission's, or a proposal's) with the search attributes
 * operators filter on; false when an execution of that id was started before — a repeat, whose
 * caller decides whether that is an answer or an error.
 */
export async function startApplication(temporal: Client, taskQueue: string, input: ApplicationInput, departments: string[]): Promise<boolean> {
  try {
    await temporal.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
      workflowId: applicationWorkflowId(input.id),
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: BundleCode, value: input.bundle.code },
        { key: ApplicationNumber, value: input.id },
        { key: Departments, value: departments },
      ]),
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}
