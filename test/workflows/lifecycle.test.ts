// The lifecycle rules of section 8 on the time-skipping server: days pass in milliseconds.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { enterpriseChange } from '../../db/catalogue/enterprise-change.js';
import { utilities } from '../../db/catalogue/utilities.js';
import { notices } from '../../db/schema.js';
import {
  applicationState,
  recordDelivery,
  resolveJoint,
  reviewIntake,
  signOffJoint,
  supplement,
  withdraw,
  type ApplicationInput,
  type ApplicationState,
} from '../../workflows/application/messages.js';
import type { applicationWorkflow } from '../../workflows/application/workflow.js';
import { decideItem, type DecideItemInput } from '../../workflows/item/messages.js';
import type { Actor } from '../../workflows/shared/actor.js';
import { applicationWorkflowId, itemWorkflowId } from '../../workflows/shared/ids.js';
import { addWorkingDays, shanghaiDate, workingDaysBetween } from '../../workflows/shared/working-days.js';
import { completeInput, newbornInput } from '../fixtures/applications.js';
import { createTestDb } from '../helpers/db.js';
import { workflowBundle } from '../helpers/system.js';
import { createTimeSkippingEnv } from '../helpers/workflow-env.js';

let env: TestWorkflowEnvironment;
let db: Awaited<ReturnType<typeof createTestDb>>;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `lc-${randomBytes(4).toString('hex')}`;

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

const officer = (dept: string, post: 'A' | 'B' = 'A'): Actor => ({ sub: `officer-${dept}-${post}`, role: 'department', dept, post });
const applicant: Actor = { sub: 'zhangsan', role: 'applicant' };
const window: Actor = { sub: 'window-1', role: 'window' };
const newId = () => `LC${randomBytes(5).toString('hex').toUpperCase()}`;

async function start(input: ApplicationInput) {
  const handle = await env.client.workflow.start<typeof applicationWorkflow>('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.id),
    taskQueue,
    args: [input],
  });
  const state = () => handle.query(applicationState);
  const item = async (code: string) => (await state()).items.find((i) => i.code === code)!;
  const until = async (check: (s: ApplicationState) => boolean, what: string) => {
    for (let i = 0; i < 300; i++) {
      const s = await state();
      if (check(s)) return s;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`never: ${what}; last ${JSON.stringify(await state())}`);
  };
  const inReview = (code: string) => until((s) => s.items.find((i) => i.code === code)?.status === 'in_review', `${code} in_review`);
  const decide = (code: string, d: Omit<DecideItemInput, 'actor'>, actor?: Actor) => {
    const dept = input.bundle.items.find((i) => i.code === code)!.department;
    return env.client.workflow.getHandle(itemWorkflowId(input.id, code)).executeUpdate(decideItem, { args: [{ ...d, actor: actor ?? officer(dept) }] });
  };
  return { handle, state, item, until, inReview, decide };
}

const noticeKinds = async (id: string) =>
  (await db.db.select({ kind: notices.kind, to: notices.recipient, sentAt: notices.sentAt }).from(notices).where(eq(notices.applicationId, id))).map((n) => ({
    kind: n.kind,
    to: n.to,
    sent: n.sentAt !== null,
  }));

describe('intake (8.1)', () => {
  it('holds an incomplete application with one notice of everything missing, and accepts it on the supplement', async () => {
    const input = newbornInput(newId(), { materials: [{ code: 'delivery-record' }] });
    const app = await start(input);
    const held = await app.until((s) => s.status === 'incomplete' && !!s.missing, 'incomplete');
    expect(held.missing!.map((m) => m.material)).toEqual(['parent-id', 'household-book', 'marriage-cert', 'child-photo']);
    expect(held.items.every((i) => i.status === 'waiting')).toBe(true);
    const codes = ['parent-id', 'household-book', 'marriage-cert', 'child-photo'].map((code) => ({ code }));
    // The update answers nothing (the state would weigh on the history at every update): read it by query.
    expect(await app.handle.executeUpdate(supplement, { args: [{ materials: codes, actor: applicant }] })).toBeUndefined();
    const after = await app.handle.query(applicationState);
    expect(after.status).toBe('accepted');
    expect(after.receipt.materials).toEqual(['delivery-record', 'parent-id', 'household-book', 'marriage-cert', 'child-photo']);
    await app.inReview('birth-cert');
    expect(await noticeKinds(input.id)).toContainEqual({ kind: 'incomplete', to: 'applicant', sent: true });
    await app.handle.executeUpdate(withdraw, { args: [{ reason: '测试结束', actor: applicant }] });
  });

  it('expires an application whose supplement never comes, with a notice', async () => {
    const input = newbornInput(newId(), { materials: [] });
    const app = await start(input);
    const final = await app.handle.result(); // time skips to the supplement deadline
    expect(final.status).toBe('expired');
    expect(Date.parse(final.endedAt!)).toBeGreaterThanOrEqual(Date.parse(final.supplementDue ?? final.createdAt));
    expect((await noticeKinds(input.id)).map((n) => n.kind)).toEqual(['incomplete', 'expired']);
  });
});

describe('受理审查 (行政许可法 §32)', () => {
  const online = () => completeInput(newId(), enterpriseChange, { insuredEmployees: true, housingFund: true });

  it('counts an online submission nobody reviewed within five working days as accepted from receipt', async () => {
    const input = online();
    const app = await start(input);
    const received = await app.until((s) => s.status === 'received', 'received');
    const { receivedAt, due } = received.intakeReview!;
    expect(workingDaysBetween(shanghaiDate(receivedAt), shanghaiDate(due), input.calendar)).toBe(5);
    expect(received.items.every((i) => i.status === 'waiting')).toBe(true);

    await env.sleep('10 days'); // time skips past the five working days
    const accepted = await app.inReview('registration-change');
    expect(accepted.intakeReview!.outcome).toBe('deemed_accepted');
    expect(accepted.acceptedAt).toBe(receivedAt);
    expect(accepted.deadline).toBe(addWorkingDays(receivedAt, enterpriseChange.committedDays, input.calendar).deadline);
    // The item's clock counts from receipt too, not from the day the review lapsed.
    const item = accepted.items.find((i) => i.code === 'registration-change')!;
    expect(item.startedAt).toBe(receivedAt);
    const legalDays = enterpriseChange.items.find((i) => i.code === 'registration-change')!.legalDays;
    expect(item.deadline).toBe(addWorkingDays(receivedAt, legalDays, input.calendar).deadline);
    // One acceptance notice (受理通知书); the lapsed days count against the items, so warnings may follow.
    expect((await noticeKinds(input.id)).filter((n) => n.kind === 'accepted')).toHaveLength(1);
    await expect(app.handle.executeUpdate(reviewIntake, { args: [{ decision: 'accept', actor: window }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await app.handle.executeUpdate(withdraw, { args: [{ reason: '测试结束', actor: applicant }] });
  });

  it('accepts on the review from the day of the review; a window submission needs none', async () => {
    const input = online();
    const app = await start(input);
    await app.until((s) => s.status === 'received', 'received');
    await app.handle.executeUpdate(reviewIntake, { args: [{ decision: 'accept', actor: window }] });
    const after = await app.handle.query(applicationState);
    expect(['accepted', 'in_review']).toContain(after.status); // the items may be dispatched already
    expect(after.intakeReview).toMatchObject({ outcome: 'accepted', by: window });
    expect(after.acceptedAt).toBe(after.intakeReview!.reviewedAt);
    await app.inReview('registration-change');
    await app.handle.executeUpdate(withdraw, { args: [{ reason: '测试结束', actor: applicant }] });

    const atWindow = await start(completeInput(newId(), enterpriseChange, { insuredEmployees: true, housingFund: true }, { channel: 'window' }));
    expect((await atWindow.until((s) => s.status !== 'incomplete', 'accepted')).status).not.toBe('received');
    await atWindow.handle.executeUpdate(withdraw, { args: [{ reason: '测试结束', actor: window }] });
  });
});

describe('容缺受理 (8.3.1)', () => {
  it('accepts with promised materials, holds the result until the material arrives', async () => {
    const input = newbornInput(newId(), {
      answers: { localHukou: true },
      materials: [{ code: 'parent-id' }, { code: 'delivery-record' }, { code: 'marriage-cert' }],
      commitments: ['household-book'],
    });
    const app = await start(input);
    const accepted = await app.until((s) => s.status !== 'incomplete', 'accepted');
    expect(accepted.receipt.promised).toEqual([expect.objectContaining({ material: 'household-book', name: '户口簿', due: expect.any(String) })]);
    await app.decide('birth-cert', { decision: 'approve' }).then(() => app.inReview('hukou'));
    await app.decide('hukou', { decision: 'approve', result: { householdNo: 'H1' } });
    expect((await app.item('hukou')).status).toBe('awaiting_material');
    await app.handle.executeUpdate(supplement, { args: [{ materials: [{ code: 'household-book' }], actor: applicant }] });
    await app.until((s) => s.items.find((i) => i.code === 'hukou')!.status === 'approved', 'hukou approved');
    await app.decide('vaccination', { decision: 'approve' });
    expect((await app.handle.result()).status).toBe('completed');
    expect(await noticeKinds(input.id)).toContainEqual({ kind: 'accepted', to: 'applicant', sent: true });
  });

  it('suspends the item when the promise is missed, then returns it (退件) and applies onReject', async () => {
    const input = newbornInput(newId(), {
      answers: { localHukou: true },
      materials: [{ code: 'parent-id' }, { code: 'delivery-record' }, { code: 'marriage-cert' }],
      commitments: ['household-book'],
    });
    const app = await start(input);
    await app.inReview('birth-cert');
    await app.decide('birth-cert', { decision: 'approve' });
    await app.decide('vaccination', { decision: 'approve' });
    await app.inReview('hukou');
    await app.decide('hukou', { decision: 'approve' });
    const final = await app.handle.result();
    expect(final.status).toBe('terminated');
    const hukou = final.items.find((i) => i.code === 'hukou')!;
    expect(hukou.status).toBe('rejected');
    expect(hukou.reason).toContain('退件');
    expect(hukou.promised![0]!.overdueAt).toBeDefined();
    const kinds = (await noticeKinds(input.id)).map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(['accepted', 'material-overdue', 'returned', 'outcome']));
  });
});

describe('correction, AB岗 and time limits (R-6)', () => {
  it('stops the clock during a correction and moves the deadline by exactly the suspended working days', async () => {
    const input = newbornInput(newId(), { answers: {} });
    const app = await start(input);
    const before = await app.inReview('birth-cert').then(() => app.item('birth-cert'));
    await app.decide('birth-cert', { decision: 'correction', missing: ['delivery-record'], reason: '分娩记录缺少医师签名' });
    expect((await app.item('birth-cert')).status).toBe('correction_requested');
    await env.sleep('9 days');
    await app.handle.executeUpdate(supplement, { args: [{ materials: [{ code: 'delivery-record' }], actor: applicant }] });
    const after = await app.until((s) => s.items.find((i) => i.code === 'birth-cert')!.status === 'in_review', 'resumed');
    const item = after.items.find((i) => i.code === 'birth-cert')!;
    const [suspension] = item.suspensions!;
    expect(suspension).toMatchObject({ reason: 'correction', to: expect.any(String) });
    const suspended = workingDaysBetween(shanghaiDate(suspension!.from), shanghaiDate(suspension!.to!), input.calendar);
    expect(suspended).toBeGreaterThan(0);
    expect(item.deadline).toBe(addWorkingDays(before.startedAt!, 5 + suspended, input.calendar).deadline);
    expect(item.deadline).not.toBe(before.deadline);
    await app.handle.executeUpdate(withdraw, { args: [{ reason: '测试结束', actor: applicant }] });
  });

  it('ends an unanswered correction after the configured time', async () => {
    const input = newbornInput(newId(), { answers: {} });
    const app = await start(input);
    await app.inReview('birth-cert');
    await app.decide('birth-cert', { decision: 'correction', missing: ['parent-id'], reason: '身份证复印件不清晰' });
    await app.decide('vaccination', { decision: 'approve' });
    const final = await app.handle.result();
    expect(final.status).toBe('terminated');
    expect(final.items.find((i) => i.code === 'birth-cert')!.reason).toContain('逾期未补正');
  });

  it('lets post B act for A only after A’s time, and escalates an overdue item', async () => {
    const input = newbornInput(newId(), { answers: {} });
    const app = await start(input);
    await app.inReview('birth-cert');
    await expect(app.decide('birth-cert', { decision: 'approve' }, officer('wsjk', 'B'))).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await env.sleep('5 days');
    await app.until((s) => !!s.items.find((i) => i.code === 'birth-cert')!.postBActive, 'post B active');
    await app.decide('birth-cert', { decision: 'approve' }, officer('wsjk', 'B'));
    const item = await app.item('birth-cert');
    expect(item.decision).toMatchObject({ actingFor: 'A', actor: { post: 'B' } });
    await env.sleep('20 days');
    const vaccination = await app.until((s) => !!s.items.find((i) => i.code === 'vaccination')!.overdue, 'overdue');
    expect(vaccination.items.find((i) => i.code === 'vaccination')!.warned).toBe(true);
    const escalations = (await noticeKinds(input.id))
      .filter((n) => n.kind === 'overdue')
      .map((n) => n.to)
      .sort();
    expect(escalations).toEqual(['coordinator', 'department', 'lead']);
    await app.decide('vaccination', { decision: 'approve' }, officer('jkzx', 'B'));
    expect((await app.handle.result()).status).toBe('completed');
  });
});

describe('joint procedures (8.3.2), withdrawal and delivery (8.4)', () => {
  const utilitiesInput = (id: string): ApplicationInput =>
    newbornInput(id, {
      bundle: { ...utilities, version: 1 },
      answers: { needWater: true, needPower: true },
      form: {
        projectName: '新厂房',
        enterpriseName: '南京某科技有限公司',
        creditCode: '91320100MA1XXXXX0X',
        siteAddress: '江宁区',
        contactName: '王五',
        contactPhone: '13900000000',
        waterDemand: 20,
        powerCapacity: 630,
      },
      materials: ['biz-license', 'planning-permit', 'site-plan', 'power-load-list'].map((code) => ({ code })),
      delivery: { method: 'express', address: '南京市江宁区某路1号' },
    });

  it('blocks approval until every participating department has signed off, then delivers once by express', async () => {
    const input = utilitiesInput(newId());
    const app = await start(input);
    await app.inReview('water-connect');
    await app.inReview('power-connect');
    const state = await app.state();
    expect(state.joint).toEqual([expect.objectContaining({ code: 'joint-survey', departments: ['water', 'power'], signedOff: [] })]);
    await expect(app.decide('water-connect', { decision: 'approve' })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await app.handle.executeUpdate(signOffJoint, { args: [{ code: 'joint-survey', actor: officer('water'), opinion: '具备接入条件' }] });
    await expect(app.handle.executeUpdate(signOffJoint, { args: [{ code: 'joint-survey', actor: officer('gas') }] })).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    await expect(app.decide('water-connect', { decision: 'approve' })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await app.handle.executeUpdate(signOffJoint, { args: [{ code: 'joint-survey', actor: officer('power') }] });
    await app.until((s) => s.items.every((i) => !i.blockedBy?.length), 'unblocked');
    await app.decide('water-connect', { decision: 'approve', result: { meterNo: 'W1' } });
    await app.decide('power-connect', { decision: 'approve', result: { accountNo: 'P1' } });
    const ended = await app.until((s) => s.status === 'completed', 'completed');
    expect(ended.delivery.status).toBe('pending');
    await expect(app.handle.executeUpdate(recordDelivery, { args: [{ event: 'shipped', actor: window }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await app.handle.executeUpdate(recordDelivery, { args: [{ event: 'shipped', trackingNumber: 'SF1234567890', actor: window }] });
    await app.handle.executeUpdate(recordDelivery, { args: [{ event: 'delivered', actor: window }] });
    const final = await app.handle.result();
    expect(final.delivery).toMatchObject({ status: 'delivered', trackingNumber: 'SF1234567890' });
    const rows = await db.db
      .select()
      .from(notices)
      .where(and(eq(notices.applicationId, input.id), eq(notices.kind, 'delivery')));
    expect(rows).toHaveLength(1);
  });

  it('a dissent blocks approval and goes to the lead, who rejects the items with the dissent as reason', async () => {
    const input = utilitiesInput(newId());
    const app = await start(input);
    await app.inReview('water-connect');
    await app.inReview('power-connect');
    await app.handle.executeUpdate(signOffJoint, { args: [{ code: 'joint-survey', actor: officer('power'), opinion: '同意' }] });
    await app.handle.executeUpdate(signOffJoint, {
      args: [{ code: 'joint-survey', actor: officer('water'), verdict: 'dissent', opinion: '市政管网压力不足' }],
    });
    await expect(app.decide('power-connect', { decision: 'approve' })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(
      app.handle.executeUpdate(resolveJoint, { args: [{ code: 'joint-survey', action: 'reject', actor: officer('water') }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await app.handle.executeUpdate(resolveJoint, {
      args: [{ code: 'joint-survey', action: 'reject', reason: '待管网改造后重新申请', actor: officer('power') }],
    });
    // The answer came once the items had ended.
    const answered = await app.state();
    expect(answered.items.map((i) => i.status)).toEqual(['rejected', 'rejected']);
    const final = await app.handle.result();
    expect(final.status).toBe('partially_completed');
    for (const item of final.items) {
      expect(item.reason).toContain('市政管网压力不足');
      expect(item.decision).toMatchObject({ decision: 'reject', actor: expect.objectContaining({ dept: 'power' }) });
    }
    expect((await noticeKinds(input.id)).filter((n) => n.kind === 'joint')).toEqual([{ kind: 'joint', to: 'lead', sent: true }]);
  });

  it('sign-offs are due within jointDays: warned, then escalated to the lead and the coordinator; the lead may send a dissent back', async () => {
    const input = utilitiesInput(newId());
    const app = await start(input);
    await app.inReview('water-connect');
    await app.handle.executeUpdate(signOffJoint, { args: [{ code: 'joint-survey', actor: officer('water'), verdict: 'dissent', opinion: '压力不足' }] });
    await app.handle.executeUpdate(resolveJoint, { args: [{ code: 'joint-survey', action: 'reconsider', actor: officer('power') }] });
    const opened = (await app.state()).joint[0]!;
    expect(opened.clocks!.map((c) => c.department).sort()).toEqual(['power', 'water']);
    await env.sleep('15 days');
    const late = await app.until((s) => s.joint[0]!.clocks!.every((c) => c.overdue), 'sign-offs overdue');
    expect(late.joint[0]!.clocks!.every((c) => c.warned)).toBe(true);
    const kinds = await noticeKinds(input.id);
    expect(kinds.filter((n) => n.kind === 'warning' && n.to === 'department').length).toBeGreaterThanOrEqual(2);
    expect(kinds.filter((n) => n.kind === 'overdue').map((n) => n.to)).toEqual(expect.arrayContaining(['department', 'lead', 'coordinator']));
    await app.handle.executeUpdate(signOffJoint, { args: [{ code: 'joint-survey', actor: officer('water'), opinion: '复议后同意' }] });
    await app.handle.executeUpdate(signOffJoint, { args: [{ code: 'joint-survey', actor: officer('power') }] });
    const done = await app.until((s) => s.joint[0]!.outcome === 'agreed', 'agreed');
    expect(done.items.every((i) => !i.blockedBy?.length)).toBe(true);
    await app.handle.terminate('test over');
  });

  it('withdraws mid-review: every open item is cancelled and the materials are returned', async () => {
    const input = newbornInput(newId());
    const app = await start(input);
    await app.inReview('birth-cert');
    await app.decide('birth-cert', { decision: 'approve' });
    await app.inReview('hukou');
    await app.handle.executeUpdate(withdraw, { args: [{ reason: '孩子随父亲在外地落户', actor: applicant }] });
    const final = await app.handle.result();
    expect(final.status).toBe('withdrawn');
    expect(Object.fromEntries(final.items.map((i) => [i.code, i.status]))).toEqual({
      'birth-cert': 'approved',
      vaccination: 'cancelled',
      hukou: 'cancelled',
      'medical-insurance': 'cancelled',
      'social-card': 'cancelled',
    });
    const hukou = await env.client.workflow.getHandle(itemWorkflowId(input.id, 'hukou')).describe();
    expect(hukou.status.name).toBe('CANCELLED');
    expect((await noticeKinds(input.id)).map((n) => n.kind)).toContain('withdrawn');
    await expect(app.handle.executeUpdate(withdraw, { args: [{ reason: 'again', actor: applicant }] })).rejects.toThrow();
  });
});
