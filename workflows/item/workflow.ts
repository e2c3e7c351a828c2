// One department's item (政务服务事项) of an application: reviewed by that department alone (8.3).
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import { itemChanged } from '../application/messages.js';
import { decideItem, itemState, type DecideItemInput, type ItemInput, type ItemOutcome, type ItemState } from './messages.js';

const { archiveResult } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { maximumInterval: '1m' },
});

export async function itemWorkflow(input: ItemInput): Promise<ItemOutcome> {
  const { item } = input;
  const state: ItemState = {
    code: item.code,
    department: item.department,
    status: 'in_review',
    startedAt: new Date().toISOString(),
  };

  setHandler(itemState, () => state);
  setHandler(
    decideItem,
    async (decision) => {
      applyDecision(state, decision);
      await reportToApplication(state);
      return state;
    },
    { validator: (decision) => validateDecision(state, decision) },
  );

  await reportToApplication(state);
  await condition(() => state.status === 'approved' || state.status === 'rejected');
  if (state.status === 'approved') {
    // 归集入库: the result is archived before the application hands it forward.
    await archiveResult({
      applicationId: input.applicationId,
      itemCode: item.code,
      resultType: item.result.type,
      resultName: item.result.name,
      data: state.result ?? {},
      issuedAt: state.decision!.at,
    });
  }
  await condition(allHandlersFinished);
  return state as ItemOutcome;
}

/** Runs before the update is written to history: a refused decision leaves no trace. */
function validateDecision(state: ItemState, input: DecideItemInput): void {
  if (state.status !== 'in_review') {
    throw ApplicationFailure.create({
      type: 'StateConflict',
      message: `事项 ${state.code} 当前状态为 ${state.status}，不接受审批决定`,
      nonRetryable: true,
    });
  }
  if (input.decision === 'reject' && !input.reason?.trim()) {
    throw ApplicationFailure.create({ type: 'InvalidDecision', message: '不予批准须说明理由 (reason)', nonRetryable: true });
  }
  if (input.decision === 'correction') {
    throw ApplicationFailure.create({
      type: 'InvalidDecision',
      message: '补正 (correction) is not supported yet: approve or reject',
      nonRetryable: true,
    });
  }
}

function applyDecision(state: ItemState, input: DecideItemInput): void {
  state.decision = { ...input, at: new Date().toISOString() };
  if (input.decision === 'approve') {
    state.status = 'approved';
    state.result = input.result ?? {};
  } else {
    state.status = 'rejected';
  }
}

/** Keeps the application's view current before the update returns, so the API reads its own write. */
async function reportToApplication(state: ItemState): Promise<void> {
  const parent = workflowInfo().parent;
  if (parent) await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(itemChanged, { ...state });
}
