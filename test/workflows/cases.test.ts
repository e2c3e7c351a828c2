// Rectification of a bad review and 12345 tickets on the time-skipping server.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { seedCalendar } from '../../db/catalogue/calendar.js';
import { cases, notices } from '../../db/schema.js';
import {
  appealRectification,
  checkRectification,
  decideAppeal,
  rectify,
  replyToEvaluator,
  returnVisit,
  type StepInput,
} from '../../workflows/rectification/messages.js';
import type { rectificationWorkflow } from '../../workflows/rectification/workflow.js';
import type { Actor } from '../../workflows/shared/actor.js';
import { rectificationWorkflowId, ticketWorkflowId } from '../../workflows/shared/ids.js';
import { closeTicket, replyTicket, TICKET_DAYS, ticketState } from '../../workflows/ticket/messages.js';
import type { ticketWorkflow } from '../../workflows/ticket/workflow.js';
import { createTestDb } from '../helpers/db.js';
import { workflowBundle } from '../helpers/system.js';
import { createTimeSkippingEnv } from '../helpers/workflow-env.js';

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDb>>;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `cases-${randomUUID().slice(0, 8)}`;

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

const gaj: Actor = { sub: 'officer-gaj', role: 'department', dept: 'gaj', post: 'A' };
const hotline: Actor = { sub: 'agent-12345', role: 'hotline' };
const evaluator: Actor = { sub: 'zhangsan', role: 'applicant' };
const coordinator: Actor = { sub: 'coord', role: 'coordinator' };

function startRectification() {
  const id = randomUUID();
  return env.client.workflow.start<typeof rectificationWorkflow>('rectificationWorkflow', {
    workflowId: rectificationWorkflowId(id),
    taskQueue,
    args: [
      {
        id,
        applicationId: 'YJS20261127AAAAAA',
        evaluationId: id,
        rating: 1,
        comment: '户口登记来回跑了三次',
        department: 'gaj',
        item: 'hukou',
        evaluator: 'zhangsan',
        days: 15,
        calendar: seedCalendar,
      },
    ],
  });
}

describe('rectification of a bad review', () => {
  it('closes with a check, a rectification, a reply and a return visit; the evaluator may appeal', async () => {
    const handle = await startRectification();
    const step = (update: typeof checkRectification, args: StepInput) => handle.executeUpdate(update, { args: [args] });
    await expect(step(rectify, { text: '已整改', outcome: 'immediate', actor: gaj })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(step(checkRectification, { text: '核实', actor: { ...gaj, dept: 'wsjk' } })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await step(checkRectification, { text: '经核实，窗口一次性告知不到位', actor: gaj });
    await expect(step(rectify, { text: '已整改', actor: gaj })).rejects.toBeInstanceOf(WorkflowUpdateFailedError); // no outcome
    await step(rectify, { text: '对窗口人员进行培训，更新告知单', outcome: 'immediate', actor: gaj });
    await step(replyToEvaluator, { text: '您反映的问题已整改，感谢监督', actor: gaj });
    await expect(step(returnVisit, { text: '回访', satisfied: true, actor: gaj })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const closed = await step(returnVisit, { text: '电话回访，评价人不满意整改结果', satisfied: false, actor: hotline });
    expect(closed).toMatchObject({ status: 'closed', outcome: 'immediate', satisfied: false });
    await step(appealRectification, { text: '问题仍未解决', actor: evaluator });
    const reopened = await step(decideAppeal, { text: '复核：整改不到位，重新整改', reopen: true, actor: coordinator });
    expect(reopened.status).toBe('assigned');
    await step(checkRectification, { text: '再次核实', actor: gaj });
    await step(rectify, { text: '限期整改：调整预约机制', outcome: 'deadline', actor: gaj });
    await step(replyToEvaluator, { text: '已限期整改', actor: gaj });
    await step(returnVisit, { text: '回访满意', satisfied: true, actor: hotline });
    const final = await handle.result(); // the appeal window passes
    expect(final).toMatchObject({ status: 'closed', satisfied: true, outcome: 'deadline' });
    const [row] = await db.db.select().from(cases).where(eq(cases.id, final.id));
    expect(row).toMatchObject({ kind: 'rectification', status: 'closed', replied: true, rectified: true, visited: true, overdue: false });
    const toApplicant = await db.db.select().from(notices).where(eq(notices.applicationId, 'YJS20261127AAAAAA'));
    expect(toApplicant.filter((n) => n.recipient === 'applicant').map((n) => n.title)).toEqual(['差评整改答复', '差评整改答复']);
  });

  it('reminds before the due date and escalates when overdue', async () => {
    const handle = await startRectification();
    await env.sleep('30 days');
    const row = await db.db
      .select()
      .from(cases)
      .where(eq(cases.id, handle.workflowId.slice('rectification:'.length)));
    expect(row[0]).toMatchObject({ overdue: true, status: 'assigned' });
    const titles = (await db.db.select().from(notices).where(eq(notices.applicationId, 'YJS20261127AAAAAA'))).map((n) => `${n.recipient}:${n.title}`);
    expect(titles.some((t) => t.startsWith('department:整改即将到期'))).toBe(true);
    expect(titles.filter((t) => t.includes('整改超期督办（第 1 次）')).sort()).toEqual(['coordinator:整改超期督办（第 1 次）', 'lead:整改超期督办（第 1 次）']);
    await handle.terminate('test over');
  });
});

describe('12345 tickets', () => {
  const start = (type: 'complaint' | 'consultation') => {
    const id = randomUUID();
    return env.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
      workflowId: ticketWorkflowId(id),
      taskQueue,
      args: [
        {
          id,
          type,
          subject: '户口登记办理缓慢',
          applicationId: `T${id.slice(0, 6)}`,
          department: 'gaj',
          createdBy: hotline,
          days: TICKET_DAYS[type],
          calendar: seedCalendar,
        },
      ],
    });
  };

  it('escalates an unanswered ticket on time, and again five working days later', async () => {
    const handle = await start('consultation');
    const { applicationId } = await handle.query(ticketState);
    await env.sleep('2 days');
    let titles = (await db.db.select().from(notices).where(eq(notices.applicationId, applicationId!))).map((n) => n.title);
    expect(titles.some((t) => t.includes('超期督办'))).toBe(false);
    await env.sleep('20 days');
    titles = (await db.db.select().from(notices).where(eq(notices.applicationId, applicationId!))).map((n) => n.title);
    expect(titles.filter((t) => t.includes('即将到期'))).toHaveLength(1);
    expect(titles.filter((t) => t.includes('超期督办（第 1 次）'))).toHaveLength(2);
    expect(titles.filter((t) => t.includes('超期督办（第 2 次）'))).toHaveLength(2);
    await handle.executeUpdate(replyTicket, { args: [{ text: '已答复咨询人', actor: gaj }] });
    const closed = await handle.executeUpdate(closeTicket, { args: [{ satisfied: true, note: '回访满意', actor: hotline }] });
    expect(closed).toMatchObject({ status: 'closed', overdue: true });
  });

  it('closes a complaint answered in time with a return visit, without escalation', async () => {
    const handle = await start('complaint');
    await expect(handle.executeUpdate(closeTicket, { args: [{ satisfied: true, note: 'x', actor: hotline }] })).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    await expect(handle.executeUpdate(replyTicket, { args: [{ text: '答复', actor: { ...gaj, dept: 'rsj' } }] })).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    await handle.executeUpdate(replyTicket, { args: [{ text: '经查，已督促窗口加快办理', actor: gaj }] });
    await handle.executeUpdate(closeTicket, { args: [{ satisfied: true, note: '回访满意', actor: hotline }] });
    const final = await handle.result();
    expect(final).toMatchObject({ status: 'closed', overdue: false, reply: { text: '经查，已督促窗口加快办理' } });
    const [row] = await db.db.select().from(cases).where(eq(cases.id, final.id));
    expect(row).toMatchObject({ kind: 'ticket', type: 'complaint', status: 'closed', replied: true, visited: true });
  });
});
