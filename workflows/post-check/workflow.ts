// 告知承诺 post-check: the item was granted on the applicant's commitment; within the check period
// the department confirms it or revokes the result — even after the bundle was delivered, which is
// why this runs as its own workflow that outlives the application (parent close policy ABANDON).
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { compact, safeActor } from '../shared/case-events.js';
import { activities, changedBy, refusal } from '../shared/kit.js';
import { CASE_FILE, POST_CHECK_ANSWERS_RECORDED, patchesOf } from '../shared/patches.js';
import { calendarPublished } from '../shared/calendar-published.js';
import { addWorkingDays } from '../shared/working-days.js';
import { postCheckState, verifyCommitment, type PostCheckInput, type PostCheckState } from './messages.js';

const { recordCaseEvents, revokeResult, sendNotices } = activities;

export async function postCheckWorkflow(input: PostCheckInput): Promise<PostCheckState> {
  const patches = patchesOf();
  const startedAt = new Date().toISOString();
  const state: PostCheckState = { status: 'pending', startedAt, dueAt: addWorkingDays(startedAt, input.postCheckDays, input.calendar).deadline };
  setHandler(postCheckState, () => state);
  /** Calendars published while the check is pending: each moves its due date (and the timer). */
  let recounts = 0;
  setHandler(calendarPublished, ({ calendar }) => {
    if (state.status !== 'pending') return;
    state.dueAt = addWorkingDays(startedAt, input.postCheckDays, calendar).deadline;
    recounts += 1;
  });
  // Decided once, at the start: an execution begun before answers at once.
  const answerRecorded = patches.has(POST_CHECK_ANSWERS_RECORDED);
  let recorded = false;
  setHandler(
    verifyCommitment,
    async ({ outcome, reason, actor }) => {
      Object.assign(state, { status: outcome, reason, actor, decidedAt: new Date().toISOString() });
      // The department's answer shows the revocation (or confirmation) the case file now holds.
      if (answerRecorded) await condition(() => recorded);
      return state;
    },
    {
      validator: ({ outcome, reason, actor }) => {
        if (state.status !== 'pending') throw refusal('StateConflict', `核查已结束（${state.status}）`);
        if (actor.role !== 'department' || actor.dept !== input.department) throw refusal('StateConflict', `只有${input.department}可以核查此承诺`);
        if (outcome === 'revoked' && !reason?.trim()) throw refusal('InvalidDecision', '撤销许可须说明理由 (reason)');
      },
    },
  );

  let checked: boolean;
  do {
    const seen = recounts;
    checked = await changedBy(() => state.status !== 'pending' || recounts !== seen, state.dueAt);
  } while (checked && state.status === 'pending');
  const about = { item: input.itemCode, itemName: input.itemName };
  if (!checked) {
    state.status = 'lapsed';
    await sendNotices({
      applicationId: input.applicationId,
      notices: [
        {
          key: `${input.itemCode}:post-check-lapsed`,
          kind: 'overdue',
          to: 'coordinator',
          title: `告知承诺事项「${input.itemName}」未在期限内核查`,
          body: about,
        },
      ],
    });
  } else if (state.status === 'revoked') {
    await revokeResult({
      applicationId: input.applicationId,
      itemCode: input.itemCode,
      itemName: input.itemName,
      reason: state.reason!,
      at: state.decidedAt!,
      actor: state.actor,
    });
    await sendNotices({
      applicationId: input.applicationId,
      notices: [
        {
          key: `${input.itemCode}:revoked`,
          kind: 'revoked',
          to: 'applicant',
          title: `撤销决定：「${input.itemName}」的许可因承诺不实被撤销`,
          body: { ...about, reason: state.reason },
        },
      ],
    });
  } else if (patches.has(CASE_FILE)) {
    // Confirmed: the case file records who checked it (a revocation is recorded by revokeResult).
    await recordCaseEvents({
      applicationId: input.applicationId,
      events: [
        {
          key: `post-check:${input.itemCode}:confirmed`,
          at: state.decidedAt!,
          kind: 'post-check',
          item: input.itemCode,
          actor: safeActor(state.actor),
          label: '告知承诺核查属实',
          detail: compact({ itemName: input.itemName, outcome: 'confirmed', reason: state.reason }),
        },
      ],
    });
  }
  recorded = true;
  await condition(allHandlersFinished);
  return state;
}
