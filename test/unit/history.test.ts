// The readable timeline from recorded histories: complete, ordered, attributed, and free
// of personal data.
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTimeline, decisionLabel, noticeLabel, type HistoryEvent, type WorkflowHistory } from '../../api/history.js';
import { newbornInput } from '../fixtures/applications.js';

const dir = path.join(import.meta.dirname, '..', 'replay', 'histories');
const load = (file: string, workflowId = file): WorkflowHistory => ({
  workflowId,
  events: historyFromJSON(JSON.parse(readFileSync(path.join(dir, `${file}.json`), 'utf8'))).events ?? [],
});
const PERSONAL = ['320681199001011234', '13800000000', '张三', '李四', '南京市玄武区中山路1号'];
const labels = (t: { label: string }[]) => t.map((e) => e.label);

describe('timeline of a completed application', () => {
  const { timeline, workflows } = buildTimeline([load('item-completed-social-card'), load('application-completed')]);

  it('starts with the submission: channel and bundle only, attributed to the submitter', () => {
    const [first] = timeline;
    expect(first).toMatchObject({ kind: 'submitted', label: '提交申请', actor: { sub: 'zhangsan', role: 'applicant' } });
    expect(first!.detail).toEqual({ channel: 'web', bundle: { code: 'newborn', version: 1, name: '新生儿出生一件事' } });
    expect(labels(timeline)).toContain('受理');
  });

  it('shows one dispatch per item, naming the department and the item', () => {
    const dispatches = timeline.filter((e) => e.label.startsWith('分办'));
    expect(dispatches).toHaveLength(5);
    expect(dispatches.map((e) => e.item).sort()).toEqual(['birth-cert', 'hukou', 'medical-insurance', 'social-card', 'vaccination']);
    expect(labels(dispatches)).toContain('分办至 公安局 (户口登记（出生登记）)');
    // 户口 only after 出生医学证明 was approved.
    const at = (label: string, item: string) => timeline.findIndex((e) => e.label.startsWith(label) && e.item === item);
    expect(at('分办', 'hukou')).toBeGreaterThan(at('准予', 'birth-cert'));
  });

  it('attributes every approval: who, role, department, post, and when', () => {
    const approvals = timeline.filter((e) => e.label === '准予');
    expect(approvals).toHaveLength(5);
    for (const a of approvals) {
      expect(a.actor).toMatchObject({ sub: 'recorder', role: 'department', post: 'A' });
      expect(a.actor!.dept).toMatch(/^[a-z]+$/);
      expect(Date.parse(a.at)).not.toBeNaN();
    }
    // The social-card history was given: its approval comes from the update and carries the result status.
    expect(approvals.find((a) => a.item === 'social-card')!.detail).toMatchObject({ decision: 'approve', status: 'approved', resultFields: ['no'] });
  });

  it('is ordered by time and ends with 办结', () => {
    const times = timeline.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(timeline.at(-1)).toMatchObject({ kind: 'ended', label: '办结', detail: { status: 'completed' } });
    expect(timeline.filter((e) => e.kind === 'item-ended')).toHaveLength(5);
    expect(labels(timeline)).toContain('通知申请人');
  });

  it('never carries personal data', () => {
    const json = JSON.stringify({ timeline, workflows });
    for (const value of PERSONAL) expect(json).not.toContain(value);
    expect(json).not.toContain('applicant":{');
  });

  it('lists the workflows it was read from', () => {
    expect(workflows).toEqual([
      { workflowId: 'application-completed', type: 'applicationWorkflow', status: 'completed' },
      { workflowId: 'item-completed-social-card', type: 'itemWorkflow', status: 'completed' },
    ]);
  });
});

describe('timeline of a terminated application', () => {
  const { timeline } = buildTimeline([load('application-terminated'), load('item-terminated-hukou')]);

  it('shows the rejection with its reason, the cancelled items and the end', () => {
    expect(timeline.find((e) => e.label === '不予批准')).toMatchObject({
      item: 'hukou',
      actor: { dept: 'gaj', post: 'A' },
      detail: { reason: '不符合受理条件', status: 'rejected' },
    });
    const cancelled = timeline.filter((e) => e.label === '事项取消');
    expect(cancelled.map((e) => e.item).sort()).toEqual(['medical-insurance', 'social-card', 'vaccination']);
    expect(cancelled.every((e) => typeof e.detail.reason === 'string')).toBe(true);
    expect(timeline.at(-1)).toMatchObject({ label: '终止办理', detail: { status: 'terminated' } });
  });
});

// A synthetic item history: what the recorded runs do not exercise (AB岗, §45, escalation, refusals).
const payloads = (...values: unknown[]) => ({ payloads: values.map((v) => defaultPayloadConverter.toPayload(v)) });
let eventId = 0;
const event = (at: string, attributes: Record<string, unknown>): HistoryEvent =>
  ({ eventId: ++eventId, eventTime: { seconds: Date.parse(at) / 1000, nanos: 0 }, ...attributes }) as unknown as HistoryEvent;
const officerB = { sub: 'officer-gaj-B', role: 'department', dept: 'gaj', post: 'B', name: '王五' };
const update = (at: string, id: string, name: string, input: unknown) =>
  event(at, {
    workflowExecutionUpdateAcceptedEventAttributes: {
      protocolInstanceId: id,
      acceptedRequest: { meta: { updateId: id }, input: { name, args: payloads(input) } },
    },
  });

describe('timeline of an item (synthetic history)', () => {
  const app = newbornInput('SYNTH1');
  const item = app.bundle.items.find((i) => i.code === 'hukou')!;
  const history: WorkflowHistory = {
    workflowId: 'application:SYNTH1:item:hukou',
    events: [
      event('2026-12-01T01:00:00Z', {
        workflowExecutionStartedEventAttributes: {
          workflowType: { name: 'itemWorkflow' },
          input: payloads({ applicationId: 'SYNTH1', item, inputs: {}, promised: [], blockedBy: [] }),
        },
      }),
      event('2026-12-03T01:00:00Z', {
        activityTaskScheduledEventAttributes: {
          activityType: { name: 'sendNotices' },
          input: payloads({
            applicationId: 'SYNTH1',
            notices: (['department', 'lead', 'coordinator'] as const).map((to) => ({
              key: `hukou:overdue:${to}`,
              kind: 'overdue',
              to,
              title: '超期：事项「户口登记」已超过法定办结时限',
              body: { item: 'hukou', deadline: '2026-12-02T15:59:59.999Z', escalateTo: to },
            })),
          }),
        },
      }),
      update('2026-12-03T02:00:00Z', 'u1', 'takeItem', { actor: officerB }),
      update('2026-12-03T03:00:00Z', 'u2', 'decideItem', {
        decision: 'suspend',
        suspension: 'inspection',
        expectedDays: 5,
        reason: '申请人张三（320681199001011234，电话13800000000）须现场检验',
        actor: officerB,
      }),
      event('2026-12-03T03:00:01Z', {
        workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId: 'u2' }, outcome: { success: payloads({ code: 'hukou', status: 'in_review' }) } },
      }),
      update('2026-12-04T03:00:00Z', 'u3', 'decideItem', { decision: 'resume', actor: officerB }),
      event('2026-12-04T03:00:01Z', {
        workflowExecutionUpdateCompletedEventAttributes: { meta: { updateId: 'u3' }, outcome: { failure: { message: '办理时限未中止，无需恢复' } } },
      }),
    ],
  };
  const { timeline, workflows } = buildTimeline([history]);

  it('maps escalations, AB岗 and §45 suspensions to their labels, in order', () => {
    expect(labels(timeline)).toEqual(['超期督办', 'B岗代为办理', '中止计时（检验）（B岗代为办理）', '恢复计时（B岗代为办理）（未成功）']);
    expect(timeline[0]!.detail).toMatchObject({ to: ['department', 'lead', 'coordinator'], deadline: '2026-12-02T15:59:59.999Z' });
    expect(timeline[2]).toMatchObject({
      item: 'hukou',
      actor: { sub: 'officer-gaj-B', dept: 'gaj', post: 'B', actingFor: 'A' },
      detail: { suspension: '检验', expectedDays: 5, status: 'in_review' },
    });
    expect(timeline[3]!.detail.failed).toBe('办理时限未中止，无需恢复');
    expect(workflows).toEqual([{ workflowId: history.workflowId, type: 'itemWorkflow', status: 'running' }]);
  });

  it('scrubs ID and phone numbers from free text and never shows actor names', () => {
    const json = JSON.stringify(timeline);
    expect(json).not.toContain('320681199001011234');
    expect(json).not.toContain('13800000000');
    expect(json).not.toContain('王五');
    expect(timeline[2]!.detail.reason).toContain('3206**********1234');
  });

  it('scrubs the applicant and the form values once the application history is known', () => {
    const started = event('2026-12-01T00:00:00Z', {
      workflowExecutionStartedEventAttributes: { workflowType: { name: 'applicationWorkflow' }, input: payloads(app) },
    });
    const json = JSON.stringify(buildTimeline([history, { workflowId: 'application:SYNTH1', events: [started] }]).timeline);
    for (const value of PERSONAL) expect(json).not.toContain(value);
    expect(json).toContain('提交申请');
  });
});

describe('timeline of a 告知承诺 post-check (synthetic history)', () => {
  it('shows the revocation with its actor and the notice, under the item', () => {
    const { timeline, workflows } = buildTimeline([
      {
        workflowId: 'application:SYNTH2:item:shop-license:post-check',
        events: [
          event('2026-12-01T01:00:00Z', {
            workflowExecutionStartedEventAttributes: {
              workflowType: { name: 'postCheckWorkflow' },
              input: payloads({ applicationId: 'SYNTH2', itemCode: 'shop-license', itemName: '食品经营许可', department: 'scjg', postCheckDays: 20 }),
            },
          }),
          update('2026-12-05T01:00:00Z', 'v1', 'verifyCommitment', {
            outcome: 'revoked',
            reason: '现场核查与承诺不符',
            actor: { sub: 'officer-scjg-A', role: 'department', dept: 'scjg', post: 'A' },
          }),
          event('2026-12-05T01:00:01Z', {
            activityTaskScheduledEventAttributes: {
              activityType: { name: 'sendNotices' },
              input: payloads({
                applicationId: 'SYNTH2',
                notices: [
                  {
                    key: 'shop-license:revoked',
                    kind: 'revoked',
                    to: 'applicant',
                    title: '撤销决定',
                    body: { item: 'shop-license', reason: '现场核查与承诺不符' },
                  },
                ],
              }),
            },
          }),
        ],
      },
    ]);
    expect(timeline.map((e) => [e.label, e.item])).toEqual([
      ['撤销许可（承诺不实）', 'shop-license'],
      ['通知申请人', 'shop-license'],
    ]);
    expect(timeline[0]!.actor).toEqual({ sub: 'officer-scjg-A', role: 'department', dept: 'scjg', post: 'A' });
    expect(workflows[0]).toMatchObject({ type: 'postCheckWorkflow', status: 'running' });
  });
});

describe('labels', () => {
  it('names every decision in Chinese', () => {
    const actor = { sub: 'x', role: 'department' as const, post: 'A' as const };
    expect(['approve', 'reject', 'correction', 'resume', 'extend'].map((decision) => decisionLabel({ decision, actor } as never))).toEqual([
      '准予',
      '不予批准',
      '要求补正',
      '恢复计时',
      '延长时限',
    ]);
    expect(decisionLabel({ decision: 'suspend', suspension: 'hearing', actor })).toBe('中止计时（听证）');
    expect(decisionLabel({ decision: 'approve', offline: true, actor })).toBe('准予（线下办理）');
  });

  it('names notices by kind and audience', () => {
    expect(noticeLabel({ kind: 'incomplete', to: 'applicant', body: {} })).toBe('一次性告知（材料不全）');
    expect(noticeLabel({ kind: 'warning', to: 'department', body: {} })).toBe('预警');
    expect(noticeLabel({ kind: 'warning', to: 'department', body: { post: 'B' } })).toBe('预警（A岗超时，转B岗办理）');
    expect(noticeLabel({ kind: 'overdue', to: 'coordinator', body: {} })).toBe('超期督办');
    expect(noticeLabel({ kind: 'correction', to: 'applicant', body: {} })).toBe('通知申请人');
    expect(noticeLabel({ kind: 'material-overdue', to: 'department', body: {} })).toBe('通知部门');
  });
});
