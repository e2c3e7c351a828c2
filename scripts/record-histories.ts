// Re-records the histories replayed by test/replay (npm run record-histories). Run it only when a
// workflow change is meant to be versioned with patched(): the old histories must keep replaying,
// so add new files next to them rather than replacing them, unless the old runs are all gone.
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createActivities } from '../activities/index.js';
import { openDb } from '../db/client.js';
import { completeInput, confirmationOf, newbornInput } from '../test/fixtures/applications.js';
import { createTimeSkippingEnv } from '../test/helpers/workflow-env.js';
import { applicationState, confirmProposal, resolveJoint, signOffJoint, supplement, withdraw } from '../workflows/application/messages.js';
import { decideItem, itemState, materialsSupplied } from '../workflows/item/messages.js';
import { DEFAULT_POLICY } from '../workflows/shared/policy.js';
import { applicationWorkflowId, itemWorkflowId, postCheckWorkflowId, rectificationWorkflowId, ticketWorkflowId } from '../workflows/shared/ids.js';
import { seedCalendar } from '../db/catalogue/calendar.js';
import { restaurant } from '../db/catalogue/restaurant.js';
import { utilities } from '../db/catalogue/utilities.js';

import { verifyCommitment } from '../workflows/post-check/messages.js';
import {
  appealRectification,
  checkRectification,
  decideAppeal,
  rectify,
  replyToEvaluator,
  returnVisit,
  type StepInput,
} from '../workflows/rectification/messages.js';
import type { rectificationWorkflow } from '../workflows/rectification/workflow.js';
import { closeTicket, replyTicket } from '../workflows/ticket/messages.js';
import type { ticketWorkflow } from '../workflows/ticket/workflow.js';
import { workflowsPath } from '../worker/create.js';

Runtime.install({ logger: new DefaultLogger('WARN') });
const out = process.env.RECORD_OUT ?? path.join(import.meta.dirname, '..', 'test', 'replay', 'histories');
/** `RECORD_AS=v2` writes application-completed.v2.json etc., next to the histories of earlier releases. */
const as = process.env.RECORD_AS ? `.${process.env.RECORD_AS}` : '';
const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-record-'));
const db = await openDb({ embeddedDir: dir });
await db.migrate();
const env = await createTimeSkippingEnv();
const worker = await Worker.create({
  connection: env.nativeConnection,
  taskQueue: 'record',
  workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') }),
  activities: createActivities({ db: db.db }),
});

type Step = [item: string, decision: 'approve' | 'reject'];
const scenarios: Record<string, Step[]> = {
  completed: [
    ['birth-cert', 'approve'],
    ['vaccination', 'approve'],
    ['hukou', 'approve'],
    ['medical-insurance', 'approve'],
    ['social-card', 'approve'],
  ],
  terminated: [
    ['birth-cert', 'approve'],
    ['hukou', 'reject'],
  ],
  partially: [
    ['vaccination', 'reject'],
    ['birth-cert', 'approve'],
    ['hukou', 'approve'],
    ['medical-insurance', 'approve'],
    ['social-card', 'approve'],
  ],
};

const save = async (name: string, workflowId: string) => {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(path.join(out, `${name}${as}.json`), historyToJSON(history) + '\n');
  console.log(`recorded ${name} (${history.events?.length} events)`);
};

await worker.runUntil(async () => {
  for (const [scenario, steps] of Object.entries(scenarios)) {
    const id = `REC${scenario.toUpperCase()}`;
    const input = newbornInput(id);
    const handle = await env.client.workflow.start('applicationWorkflow', { workflowId: applicationWorkflowId(id), taskQueue: 'record', args: [input] });
    for (const [item, decision] of steps) {
      while ((await handle.query(applicationState)).items.find((i) => i.code === item)?.status !== 'in_review') {
        await new Promise((r) => setTimeout(r, 20));
      }
      const dept = input.bundle.items.find((i) => i.code === item)!.department;
      await env.client.workflow.getHandle(itemWorkflowId(id, item)).executeUpdate(decideItem, {
        args: [
          {
            decision,
            reason: decision === 'reject' ? '不符合受理条件' : undefined,
            result: { no: `${item}-1` },
            actor: { sub: 'recorder', role: 'department', dept, post: 'A' },
          },
        ],
      });
    }
    await handle.result();
    await save(`application-${scenario}`, applicationWorkflowId(id));
    // Every item's history: the replay suite compares the case file's timeline with the decoder's over all of them.
    for (const item of new Set(steps.map(([code]) => code))) await save(`item-${scenario}-${item}`, itemWorkflowId(id, item));
  }

  // Actions that answer with their effect (patch actions-answer-settled): a correction answered by
  // a supplement, then the application withdrawn.
  {
    const id = 'RECSETTLED';
    const input = newbornInput(id, { answers: { localHukou: false, insured: false, socialCard: false, reimburse: false } });
    const handle = await env.client.workflow.start('applicationWorkflow', { workflowId: applicationWorkflowId(id), taskQueue: 'record', args: [input] });
    while ((await handle.query(applicationState)).items.find((i) => i.code === 'birth-cert')?.status !== 'in_review')
      await new Promise((r) => setTimeout(r, 20));
    const officer = { sub: 'recorder', role: 'department' as const, dept: 'wsjk', post: 'A' as const };
    await env.client.workflow
      .getHandle(itemWorkflowId(id, 'birth-cert'))
      .executeUpdate(decideItem, { args: [{ decision: 'correction', missing: ['delivery-record'], reason: '缺少签名', actor: officer }] });
    while ((await handle.query(applicationState)).items.find((i) => i.code === 'birth-cert')?.status !== 'correction_requested')
      await new Promise((r) => setTimeout(r, 20));
    const applicant = { sub: 'zhangsan', role: 'applicant' as const };
    await handle.executeUpdate(supplement, { args: [{ materials: [{ code: 'delivery-record' }], actor: applicant }] });
    await handle.executeUpdate(withdraw, { args: [{ reason: '不再需要', actor: applicant }] });
    await handle.result();
    await save('application-settled', applicationWorkflowId(id));
  }

  // A joint survey (patch joint-sign-off-clocks): the sign-offs warned and overdue, a dissent sent
  // back by the lead, agreed on reconsideration, then both items approved.
  {
    const id = 'RECJOINT';
    const input = completeInput(
      id,
      utilities,
      { needWater: true, needPower: true, needGas: false, needNetwork: false },
      { channel: 'window', submittedBy: { sub: 'w', role: 'window' } },
    );
    const handle = await env.client.workflow.start('applicationWorkflow', { workflowId: applicationWorkflowId(id), taskQueue: 'record', args: [input] });
    const officer = (dept: string) => ({ sub: `recorder-${dept}`, role: 'department' as const, dept, post: 'A' as const });
    while (!(await handle.query(applicationState)).items.every((i) => i.status === 'in_review')) await new Promise((r) => setTimeout(r, 20));
    await env.sleep('10 days');
    await handle.executeUpdate(signOffJoint, { args: [{ code: 'joint-survey', verdict: 'dissent', opinion: '管网压力不足', actor: officer('water') }] });
    await handle.executeUpdate(signOffJoint, { args: [{ code: 'joint-survey', opinion: '同意', actor: officer('power') }] });
    await handle.executeUpdate(resolveJoint, { args: [{ code: 'joint-survey', action: 'reconsider', reason: '请复议', actor: officer('power') }] });
    await handle.executeUpdate(signOffJoint, { args: [{ code: 'joint-survey', opinion: '复议后同意', actor: officer('water') }] });
    for (const [item, dept] of [
      ['water-connect', 'water'],
      ['power-connect', 'power'],
    ] as const) {
      while ((await handle.query(applicationState)).items.find((i) => i.code === item)?.blockedBy?.length) await new Promise((r) => setTimeout(r, 20));
      await env.client.workflow
        .getHandle(itemWorkflowId(id, item))
        .executeUpdate(decideItem, { args: [{ decision: 'approve', result: { no: item }, actor: officer(dept) }] });
    }
    await handle.result();
    await save('application-joint', applicationWorkflowId(id));
    for (const item of ['water-connect', 'power-connect']) await save(`item-joint-${item}`, itemWorkflowId(id, item));
  }

  // A bad review's rectification, through an appeal and a reopened round, to its close.
  const rid = '00000000-0000-4000-8000-000000000001';
  const rectification = await env.client.workflow.start<typeof rectificationWorkflow>('rectificationWorkflow', {
    workflowId: rectificationWorkflowId(rid),
    taskQueue: 'record',
    args: [
      {
        id: rid,
        applicationId: 'RECCOMPLETED',
        evaluationId: rid,
        rating: 1,
        department: 'gaj',
        item: 'hukou',
        evaluator: 'zhangsan',
        days: 15,
        calendar: seedCalendar,
      },
    ],
  });
  const gaj = { sub: 'officer-gaj', role: 'department' as const, dept: 'gaj', post: 'A' as const };
  const hotline = { sub: 'agent', role: 'hotline' as const };
  for (const [update, args] of [
    [checkRectification, { text: '核实属实', actor: gaj }],
    [rectify, { text: '培训', outcome: 'immediate', actor: gaj }],
    [replyToEvaluator, { text: '已整改', actor: gaj }],
    [returnVisit, { text: '不满意', satisfied: false, actor: hotline }],
    [appealRectification, { text: '仍未解决', actor: { sub: 'zhangsan', role: 'applicant' } }],
    [decideAppeal, { text: '重新整改', reopen: true, actor: { sub: 'coord', role: 'coordinator' } }],
    [checkRectification, { text: '再次核实', actor: gaj }],
    [rectify, { text: '限期整改', outcome: 'deadline', actor: gaj }],
    [replyToEvaluator, { text: '已限期整改', actor: gaj }],
    [returnVisit, { text: '满意', satisfied: true, actor: hotline }],
  ] as const) {
    await rectification.executeUpdate(update, { args: [args as StepInput] });
  }
  await rectification.result();
  await save('rectification-closed', rectificationWorkflowId(rid));

  // A 12345 complaint left unanswered until escalated twice, then replied and closed.
  const tid = '00000000-0000-4000-8000-000000000002';
  const ticket = await env.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
    workflowId: ticketWorkflowId(tid),
    taskQueue: 'record',
    args: [
      {
        id: tid,
        type: 'consultation',
        subject: '户口登记进度',
        applicationId: 'RECCOMPLETED',
        department: 'gaj',
        createdBy: hotline,
        days: 3,
        calendar: seedCalendar,
      },
    ],
  });
  await env.sleep('25 days');
  await ticket.executeUpdate(replyTicket, { args: [{ text: '已答复', actor: gaj }] });
  await ticket.executeUpdate(closeTicket, { args: [{ satisfied: true, note: '回访满意', actor: hotline }] });
  await ticket.result();
  await save('ticket-escalated', ticketWorkflowId(tid));

  // 政策服务免申办: one proposal left to expire (three working days, skipped), one confirmed by its
  // subject and decided to the end.
  {
    const proposal = (id: string) =>
      newbornInput(id, {
        channel: 'api',
        submittedBy: { sub: 'exchange', role: 'system' },
        form: {},
        materials: [],
        proposal: { event: { id: `EV-${id}`, type: 'birth-registered', occurredAt: '2026-11-25T00:00:00.000Z' }, days: 3 },
      });
    const expired = await env.client.workflow.start('applicationWorkflow', {
      workflowId: applicationWorkflowId('RECPROPOSED'),
      taskQueue: 'record',
      args: [proposal('RECPROPOSED')],
    });
    await expired.result();
    await save('application-proposal-expired', applicationWorkflowId('RECPROPOSED'));

    const id = 'RECCONFIRMED';
    const handle = await env.client.workflow.start('applicationWorkflow', { workflowId: applicationWorkflowId(id), taskQueue: 'record', args: [proposal(id)] });
    const submitted = newbornInput(id, { answers: { localHukou: false, insured: false, socialCard: false, reimburse: false } });
    await handle.executeUpdate(confirmProposal, { args: [confirmationOf(submitted)] });
    for (const item of (await handle.query(applicationState)).items.map((i) => i.code)) {
      while ((await handle.query(applicationState)).items.find((i) => i.code === item)?.status !== 'in_review') await new Promise((r) => setTimeout(r, 20));
      const dept = submitted.bundle.items.find((i) => i.code === item)!.department;
      await env.client.workflow.getHandle(itemWorkflowId(id, item)).executeUpdate(decideItem, {
        args: [{ decision: 'approve', result: { no: `${item}-1` }, actor: { sub: 'recorder', role: 'department', dept, post: 'A' } }],
      });
    }
    await handle.result();
    await save('application-proposal-confirmed', applicationWorkflowId(id));
  }

  // 告知承诺 with a 容缺 material promised (a standalone item): granted on the pledge, it waits for
  // the material, which arrives, and only then issues the result (patch pledge-awaits-materials).
  const fireCheck = restaurant.items.find((i) => i.code === 'fire-check')!;
  const waiting = await env.client.workflow.start('itemWorkflow', {
    workflowId: itemWorkflowId('RECPLEDGEWAIT', 'fire-check'),
    taskQueue: 'record',
    args: [
      {
        applicationId: 'RECPLEDGEWAIT',
        item: fireCheck,
        inputs: {},
        calendar: seedCalendar,
        policy: DEFAULT_POLICY,
        promised: [{ material: 'floor-plan', name: '经营场所平面图', due: '2026-12-31T15:59:59.999Z', from: '2026-12-01T02:00:00.000Z', days: 20 }],
        blockedBy: [],
        pledged: true,
      },
    ],
  });
  while ((await waiting.query(itemState)).status !== 'awaiting_material') await new Promise((r) => setTimeout(r, 20));
  await waiting.signal(materialsSupplied, { codes: ['floor-plan'] });
  await waiting.result();
  await save('item-pledged-awaiting', itemWorkflowId('RECPLEDGEWAIT', 'fire-check'));

  // 告知承诺: granted at once, revoked by the post-check after delivery. Last: the time-skipping
  // server stops skipping time once an abandoned child completes.
  const pid = 'RECPLEDGE';
  const pledge = completeInput(pid, restaurant, { largeVenue: true }, { pledges: ['fire-check'] });
  const app = await env.client.workflow.start('applicationWorkflow', { workflowId: applicationWorkflowId(pid), taskQueue: 'record', args: [pledge] });
  for (const item of ['license-check', 'food-permit']) {
    while ((await app.query(applicationState)).items.find((i) => i.code === item)?.status !== 'in_review') await new Promise((r) => setTimeout(r, 20));
    await env.client.workflow
      .getHandle(itemWorkflowId(pid, item))
      .executeUpdate(decideItem, { args: [{ decision: 'approve', actor: { sub: 'o', role: 'department', dept: 'scjg', post: 'A' } }] });
  }
  while ((await app.query(applicationState)).delivery.status !== 'delivered') await new Promise((r) => setTimeout(r, 20));
  const postCheck = env.client.workflow.getHandle(postCheckWorkflowId(pid, 'fire-check'));
  await postCheck.executeUpdate(verifyCommitment, {
    args: [{ outcome: 'revoked', reason: '承诺不实', actor: { sub: 'x', role: 'department', dept: 'xfjy' } }],
  });
  await postCheck.result();
  await save('application-pledged', applicationWorkflowId(pid));
  for (const item of ['fire-check', 'license-check', 'food-permit']) await save(`item-pledged-${item}`, itemWorkflowId(pid, item));
  await save('post-check-revoked', postCheckWorkflowId(pid, 'fire-check'));
});
await env.teardown();
await db.close();
rmSync(dir, { recursive: true, force: true });
