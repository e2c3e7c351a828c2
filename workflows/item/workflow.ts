// One department's item (政务服务事项) of an application (8.3): reviewed by its department alone,
// against a working-day clock that stops while the applicant is awaited.
import {
  CancellationScope,
  allHandlersFinished,
  isCancellation,
  condition,
  getExternalWorkflowHandle,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { itemChanged } from '../application/messages.js';
import { postCheckWorkflow } from '../post-check/workflow.js';
import { postCheckWorkflowId } from '../shared/ids.js';
import { certificateTypeOf } from '../shared/rules.js';
import { activities, changedBy, setCheckedUpdate } from '../shared/kit.js';
import { BOUNDED_ITEM_REPORTS, CLOCKS_REPROJECTED, LEDGER_RULES, PLEDGE_AWAITS_MATERIALS, patchesOf } from '../shared/patches.js';
import {
  calendarPublished,
  decideItem,
  itemState,
  jointCompleted,
  jointRejected,
  materialsSupplied,
  takeItem,
  type ItemInput,
  type ItemOutcome,
  type ItemState,
} from './messages.js';
import { ItemRecord, Refusal } from './state.js';

const { archiveResult, sendNotices } = activities;

export async function itemWorkflow(input: ItemInput): Promise<ItemOutcome> {
  const patches = patchesOf();
  const item = new ItemRecord(input, now(), {
    ledger: patches.has(LEDGER_RULES),
    reproject: patches.has(CLOCKS_REPROJECTED),
    // Asked only where it matters, so that other executions' histories carry no marker for it.
    pledgeAwaitsMaterials: input.pledged && input.promised.length > 0 ? patches.has(PLEDGE_AWAITS_MATERIALS) : false,
  });
  let reported = input.announced ? item.revision : -1;
  // Decided once, at the start: an execution begun before keeps sending its whole list.
  const bounded = patches.has(BOUNDED_ITEM_REPORTS);
  /** Decisions the application has been sent. */
  let told = 0;
  /** What an update answers and the outcome: the state without the decision list, which only grows. */
  const slim = (): ItemState => {
    if (!bounded) return item.state;
    const { decisions: _decisions, ...rest } = item.state;
    return rest;
  };
  const report = (): ItemState => {
    if (!bounded) return JSON.parse(JSON.stringify(item.state));
    const all = item.state.decisions ?? [];
    const delta = { ...slim(), decisions: all.slice(told), decisionsFrom: told };
    told = all.length;
    return JSON.parse(JSON.stringify(delta));
  };
  /**
   * Sends queued notices and keeps the application's view current (before an update returns).
   * Not cancellable: a cancelled application stops the wait for a decision, never the report of one.
   */
  const publish = () =>
    CancellationScope.nonCancellable(async () => {
      const notices = item.outbox.splice(0);
      if (notices.length) await sendNotices({ applicationId: input.applicationId, notices, at: now() });
      if (reported === item.revision) return;
      reported = item.revision;
      const parent = workflowInfo().parent;
      if (parent) await getExternalWorkflowHandle(parent.workflowId, parent.runId).signal(itemChanged, report());
    });

  setHandler(itemState, () => item.state);
  setCheckedUpdate(
    decideItem,
    async (decision) => {
      item.decide(decision, now());
      await publish();
      return slim();
    },
    (decision) => {
      refuseWhenCancelled(item);
      item.check(decision);
    },
  );
  setCheckedUpdate(
    takeItem,
    async ({ actor }) => {
      item.take(actor, now());
      await publish();
      return slim();
    },
    ({ actor }) => {
      refuseWhenCancelled(item);
      item.checkTake(actor);
    },
  );
  setHandler(materialsSupplied, ({ codes }) => item.supply(codes, now()));
  setHandler(jointCompleted, ({ code }) => item.jointCompleted(code));
  setHandler(jointRejected, ({ code, reason, actor }) => item.jointRejected(code, reason, actor, now()));
  setHandler(calendarPublished, ({ calendar }) => item.setCalendar(calendar, now()));

  if (input.pledged) item.grantOnPledge(now());
  try {
    await awaitDecision();
  } catch (err) {
    // The application was terminated or withdrawn. A decision taken in the same moment stands and
    // is finished below (archived, reported); otherwise the item ends cancelled.
    if (!(isCancellation(err) && item.closed())) throw err;
  }
  await CancellationScope.nonCancellable(finish);
  return slim() as ItemOutcome;

  async function awaitDecision() {
    while (!item.closed()) {
      // Any change after this point wakes the loop, including one made while publishing.
      const seen = item.revision;
      await publish();
      const timer = item.nextTimer();
      if (!(await changedBy(() => item.revision !== seen, timer?.at)) && timer) item.fire(timer, now());
    }
  }

  async function finish() {
    if (item.state.status === 'approved') {
      // 归集入库: the result is archived before the application hands it forward.
      const certificate = certificateTypeOf(input.item);
      await archiveResult({
        applicationId: input.applicationId,
        itemCode: input.item.code,
        itemName: input.item.name,
        // 告知承诺: the post-check starts right after; the case file records it with the archiving.
        ...(input.pledged && input.item.commitment
          ? { postCheck: { days: input.item.commitment.postCheckDays, workflowId: postCheckWorkflowId(input.applicationId, input.item.code) } }
          : {}),
        resultType: input.item.result.type,
        resultName: input.item.result.name,
        data: item.state.result ?? {},
        issuedAt: now(),
        // 电子证照: what the store keeps of it (the activity's input only: no command changes).
        ...(certificate ? { certificate: { type: certificate, department: input.item.department, validYears: input.item.result.validYears } } : {}),
      });
    }
    if (input.pledged && input.item.commitment) {
      // The post-check outlives this item and the application: a revocation may come after delivery.
      await startChild(postCheckWorkflow, {
        workflowId: postCheckWorkflowId(input.applicationId, input.item.code),
        parentClosePolicy: 'ABANDON',
        args: [
          {
            applicationId: input.applicationId,
            itemCode: input.item.code,
            itemName: input.item.name,
            department: input.item.department,
            postCheckDays: input.item.commitment.postCheckDays,
            calendar: input.calendar,
          },
        ],
      });
    }
    await publish();
    await condition(allHandlersFinished);
  }
}

/** Once the application has cancelled this item, no department may take or decide it. */
function refuseWhenCancelled(item: ItemRecord): void {
  if (CancellationScope.current().consideredCancelled) throw new Refusal('StateConflict', `事项「${item.state.name}」所属的申请已终止或撤回，不再办理`);
}

const now = () => new Date().toISOString();
