// 告知承诺 on the time-skipping server: granted at once on the commitment; the post-check may
// revoke the result after the bundle was delivered, or lapse to the coordinator when nobody checks.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { restaurant } from '../../db/catalogue/restaurant.js';
import { notices, results } from '../../db/schema.js';
import { applicationState } from '../../workflows/application/messages.js';
import type { applicationWorkflow } from '../../workflows/application/workflow.js';
import { decideItem } from '../../workflows/item/messages.js';
import { verifyCommitment } from '../../workflows/post-check/messages.js';
import type { postCheckWorkflow } from '../../workflows/post-check/workflow.js';
import { applicationWorkflowId, itemWorkflowId, postCheckWorkflowId } from '../../workflows/shared/ids.js';
import { completeInput } from '../fixtures/applications.js';
import { createTestDb } from '../helpers/db.js';
import { workflowBundle } from '../helpers/system.js';
import { createTimeSkippingEnv } from '../helpers/workflow-env.js';

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDb>>;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `pc-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  [env, db] = await Promise.all([createTimeSkippingEnv(), createTestDb()]);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db: db.db }),
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await db?.drop();
});

const officer = (dept: string) => ({ sub: `officer-${dept}`, role: 'department' as const, dept, post: 'A' as const });

/** A large restaurant taking the fire check by 告知承诺; the other items approved by their departments. */
async function grantedRestaurant() {
  const id = `PC${randomBytes(5).toString('hex').toUpperCase()}`;
  const input = completeInput(id, restaurant, { largeVenue: true }, { pledges: ['fire-check'] });
  const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(id),
    taskQueue,
    args: [input],
  });
  const approve = async (item: string, dept: string) => {
    for (let i = 0; i < 300 && (await handle.query(applicationState)).items.find((x) => x.code === item)?.status !== 'in_review'; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await env.client.workflow.getHandle(itemWorkflowId(id, item)).executeUpdate(decideItem, { args: [{ decision: 'approve', actor: officer(dept) }] });
  };
  await approve('license-check', 'scjg');
  await approve('food-permit', 'scjg');
  // Poll rather than await the result: waiting on a result lets the server skip time, which would
  // run out the post-check period before the test gets to check.
  let final = await handle.query(applicationState);
  for (let i = 0; i < 300 && final.delivery.status !== 'delivered'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    final = await handle.query(applicationState);
  }
  return { id, final, postCheck: env.client.workflow.getHandle<typeof postCheckWorkflow>(postCheckWorkflowId(id, 'fire-check')) };
}

describe('告知承诺', () => {
  it('grants the item at once and lets the post-check revoke it after delivery', async () => {
    const { id, final, postCheck } = await grantedRestaurant();
    expect(final.status).toBe('completed');
    expect(final.delivery.status).toBe('delivered');
    const fire = final.items.find((i) => i.code === 'fire-check')!;
    expect(fire).toMatchObject({ status: 'approved', result: { grantedOnCommitment: true } });
    expect(fire.decision!.reason).toContain('告知承诺');

    await expect(postCheck.executeUpdate(verifyCommitment, { args: [{ outcome: 'revoked', actor: officer('xfjy') }] })).rejects.toThrow();
    await expect(postCheck.executeUpdate(verifyCommitment, { args: [{ outcome: 'revoked', reason: 'x', actor: officer('scjg') }] })).rejects.toThrow();
    await postCheck.executeUpdate(verifyCommitment, { args: [{ outcome: 'revoked', reason: '现场核查：疏散通道被占用，承诺不实', actor: officer('xfjy') }] });
    expect((await postCheck.result()).status).toBe('revoked');
    const [row] = await db.db
      .select()
      .from(results)
      .where(and(eq(results.applicationId, id), eq(results.itemCode, 'fire-check')));
    expect(row).toMatchObject({ revokeReason: '现场核查：疏散通道被占用，承诺不实' });
    expect(row!.revokedAt).not.toBeNull();
    const revoked = await db.db
      .select()
      .from(notices)
      .where(and(eq(notices.applicationId, id), eq(notices.kind, 'revoked')));
    expect(revoked).toHaveLength(1);
    expect(revoked[0]!.recipient).toBe('applicant');
  });

  it('lapses to the coordinator when nobody checks within the period', async () => {
    // On a fresh test server and started on its own: the time-skipping test server stops skipping
    // time once a child whose parent has closed (parent close policy ABANDON) completes — the
    // real server does not. The integration with the item is covered by the test above.
    const own = await createTimeSkippingEnv();
    const ownQueue = `${taskQueue}-lapse`;
    const ownWorker = await Worker.create({
      connection: own.nativeConnection,
      taskQueue: ownQueue,
      workflowBundle: await workflowBundle(),
      activities: createActivities({ db: db.db }),
    });
    try {
      await ownWorker.runUntil(async () => {
        const id = `PC${randomBytes(5).toString('hex').toUpperCase()}`;
        const input = {
          applicationId: id,
          itemCode: 'fire-check',
          itemName: '消防安全检查',
          department: 'xfjy',
          postCheckDays: 20,
          calendar: completeInput(id, restaurant, {}).calendar,
        };
        const postCheck = await own.client.workflow.start<typeof postCheckWorkflow>('postCheckWorkflow', {
          workflowId: postCheckWorkflowId(id, 'fire-check'),
          taskQueue: ownQueue,
          args: [input],
        });
        await own.sleep('40 days');
        expect((await postCheck.result()).status).toBe('lapsed');
        const lapsed = await db.db
          .select()
          .from(notices)
          .where(and(eq(notices.applicationId, id), eq(notices.recipient, 'coordinator')));
        expect(lapsed.map((n) => n.title)).toEqual([expect.stringContaining('未在期限内核查')]);
      });
    } finally {
      await own.teardown();
    }
  });
});
