// 政策服务免申办 on the time-skipping test server, with real activities on a real database: a
// proposed application waits for its subject — expires after its working days (moved by a newly
// published calendar), proceeds as a submission once confirmed, refuses a submission's acts before.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { applications, notices } from '../../db/schema.js';
import {
  applicationState,
  confirmProposal,
  declineProposal,
  publishCalendar,
  supplement,
  type ApplicationInput,
} from '../../workflows/application/messages.js';
import { decideItem } from '../../workflows/item/messages.js';
import { applicationWorkflowId, itemWorkflowId } from '../../workflows/shared/ids.js';
import type { WorkingCalendar } from '../../workflows/shared/working-days.js';
import { confirmationOf, newbornInput } from '../fixtures/applications.js';
import { createTestDb } from '../helpers/db.js';
import { workflowBundle } from '../helpers/system.js';
import { createTimeSkippingEnv } from '../helpers/workflow-env.js';

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  [env, db] = await Promise.all([createTimeSkippingEnv(), createTestDb()]);
});
afterAll(async () => {
  await env?.teardown();
  await db?.drop();
});

const DAY = 86_400_000;
const SHANGHAI = 8 * 3_600_000;
/**
 * Independent reference for the expiry: the end (23:59:59.999 in Shanghai) of the nth Monday–Friday
 * after the Shanghai date of `from`, the day itself not counted, skipping `holidays`.
 */
function endOfNthWeekday(from: string, n: number, holidays: string[] = []): string {
  const local = new Date(Date.parse(from) + SHANGHAI);
  let day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  for (let counted = 0; counted < n;) {
    day += DAY;
    const date = new Date(day);
    if (date.getUTCDay() % 6 !== 0 && !holidays.includes(date.toISOString().slice(0, 10))) counted += 1;
  }
  return new Date(day + DAY - SHANGHAI - 1).toISOString();
}
/** The first Monday–Friday after the Shanghai date of `from`. */
const nextWeekday = (from: string) => endOfNthWeekday(from, 1).slice(0, 10);

/** No year published: Monday to Friday (the reference's own rule). */
const WEEKDAYS: WorkingCalendar = { years: {} };
const id = () => `WP${randomBytes(5).toString('hex').toUpperCase()}`;

/** A newborn application as an event proposes it: nothing handed in yet, three working days to confirm. */
function proposedInput(appId: string): ApplicationInput {
  return newbornInput(appId, {
    channel: 'api',
    owner: 'zhangsan',
    submittedBy: { sub: 'exchange', role: 'system' },
    form: {},
    materials: [],
    calendar: WEEKDAYS,
    proposal: { event: { id: `EV-${appId}`, type: 'birth-registered', occurredAt: '2026-11-25T00:00:00.000Z' }, days: 3 },
  });
}

/** What the subject's confirmation carries: a complete newborn submission. */
const confirmation = () => confirmationOf(newbornInput('x'));

async function withWorker<T>(body: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `wp-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db: db.db }),
  });
  return worker.runUntil(() => body(taskQueue));
}

describe('a proposed application', () => {
  it('unconfirmed within its working days, expires with a notice to its subject', async () => {
    const input = proposedInput(id());
    await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('applicationWorkflow', { workflowId: applicationWorkflowId(input.id), taskQueue, args: [input] });
      const proposed = await handle.query(applicationState);
      expect(proposed).toMatchObject({ status: 'proposed', items: [] });
      expect(proposed.proposal!.expiresAt).toBe(endOfNthWeekday(proposed.proposal!.proposedAt, 3));
      const final = await handle.result(); // the test server skips to the expiry
      expect(final).toMatchObject({ status: 'expired', outcome: '逾期未确认，主动服务已失效' });
      expect(Date.parse(final.endedAt!)).toBeGreaterThanOrEqual(Date.parse(proposed.proposal!.expiresAt));
    });
    const sent = await db.db.select().from(notices).where(eq(notices.applicationId, input.id));
    expect(sent.map((n) => n.kind).sort()).toEqual(['proposal-expired', 'proposed']);
    const [row] = await db.db.select().from(applications).where(eq(applications.id, input.id));
    expect(row).toMatchObject({ status: 'expired' });
  });

  it('a newly published calendar moves the expiry', async () => {
    const input = proposedInput(id());
    await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('applicationWorkflow', { workflowId: applicationWorkflowId(input.id), taskQueue, args: [input] });
      const before = (await handle.query(applicationState)).proposal!;
      // The first working day after the proposal becomes a holiday.
      const holiday = nextWeekday(before.proposedAt);
      await handle.signal(publishCalendar, { calendar: { years: { [holiday.slice(0, 4)]: { holidays: [holiday], workdays: [] } } } });
      const after = (await handle.query(applicationState)).proposal!;
      expect(after.expiresAt).toBe(endOfNthWeekday(before.proposedAt, 3, [holiday]));
      expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.parse(before.expiresAt));
      await handle.terminate('test done');
    });
  });

  it('refuses a submission’s acts before it is confirmed, and proceeds as a submission once it is', async () => {
    const input = proposedInput(id());
    await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start('applicationWorkflow', { workflowId: applicationWorkflowId(input.id), taskQueue, args: [input] });
      await expect(
        handle.executeUpdate(supplement, { args: [{ materials: [{ code: 'parent-id' }], actor: { sub: 'zhangsan', role: 'applicant' } }] }),
      ).rejects.toThrow(WorkflowUpdateFailedError);
      const proposedRevision = (await handle.query(applicationState)).revision;
      await handle.executeUpdate(confirmProposal, { args: [confirmation()] });
      // The confirmation's answer follows the submission: the next query reads the application.
      expect((await handle.query(applicationState)).status).toBe('in_review');
      // A second confirmation, or a decline, finds it no longer proposed.
      await expect(handle.executeUpdate(confirmProposal, { args: [confirmation()] })).rejects.toThrow(WorkflowUpdateFailedError);
      await expect(handle.executeUpdate(declineProposal, { args: [{ reason: 'x', actor: { sub: 'zhangsan', role: 'applicant' } }] })).rejects.toThrow(
        WorkflowUpdateFailedError,
      );
      const accepted = await handle.query(applicationState);
      expect(accepted).toMatchObject({ status: 'in_review', channel: 'web', submittedBy: { sub: 'zhangsan' } });
      expect(accepted.proposal).toMatchObject({ event: { id: `EV-${input.id}` }, confirmedAt: expect.any(String) });
      // The read model never goes back: the application's revisions follow the proposal's.
      expect(accepted.revision).toBeGreaterThan(proposedRevision);
      expect(accepted.items.map((i) => i.code).sort()).toEqual(['birth-cert', 'hukou', 'medical-insurance', 'social-card', 'vaccination']);
      const decide = async (item: string) => {
        for (let i = 0; (await handle.query(applicationState)).items.find((x) => x.code === item)?.status !== 'in_review'; i++) {
          if (i > 200) throw new Error(`${item} never reached in_review`);
          await new Promise((r) => setTimeout(r, 25));
        }
        const department = input.bundle.items.find((x) => x.code === item)!.department;
        await env.client.workflow.getHandle(itemWorkflowId(input.id, item)).executeUpdate(decideItem, {
          args: [{ decision: 'approve', result: { no: item }, actor: { sub: `o-${department}`, role: 'department', dept: department, post: 'A' } }],
        });
      };
      for (const item of ['birth-cert', 'vaccination', 'hukou', 'medical-insurance', 'social-card']) await decide(item);
      expect(await handle.result()).toMatchObject({ status: 'completed' });
    });
    const [row] = await db.db
      .select()
      .from(applications)
      .where(and(eq(applications.id, input.id)));
    expect(row).toMatchObject({ status: 'completed', channel: 'web' });
  });
});
