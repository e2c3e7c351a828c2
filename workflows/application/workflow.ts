// The 一件事 (standard section 8): intake with one notice of everything missing (8.1), one
// dispatch to every department (8.2), linked review with joint procedures and rejection rules
// (8.3), then one feedback and one delivery (8.4).
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { calendarPublished, jointCompleted, jointRejected, materialsSupplied, type ItemOutcome } from '../item/messages.js';
import { firstState } from '../item/state.js';
import { itemWorkflow } from '../item/workflow.js';
import { itemWorkflowId } from '../shared/ids.js';
import type { CaseEvent } from '../shared/case-events.js';
import { slimForKeeping } from '../shared/kept-state.js';
import { activities, changedBy, msUntil, setCheckedUpdate } from '../shared/kit.js';
import {
  ACTIONS_ANSWER_SETTLED,
  ANNOUNCED_ITEMS,
  CASE_FILE,
  CLOCKS_REPROJECTED,
  IN_REVIEW_AT_DISPATCH,
  JOINT_SIGN_OFF_CLOCKS,
  UNCHANGED_SYNC_SKIPPED,
  patchesOf,
  type Patches,
} from '../shared/patches.js';
import { readModelSnapshot, syncKey } from '../shared/read-model.js';
import { ApplicationStatus, Departments, Overdue } from '../shared/search-attributes.js';
import {
  FINAL_STATUSES,
  applicationState,
  confirmProposal,
  declineProposal,
  itemChanged,
  publishCalendar,
  recordDelivery,
  resolveJoint,
  signOffJoint,
  supplement,
  reviewIntake,
  withdraw,
  type ApplicationInput,
  type ApplicationState,
  type UpdateAnswer,
  type WithdrawInput,
} from './messages.js';
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationRecord, isFinalItem } from './state.js';
import { ProposalRecord } from './proposal.js';

/** How long an action's answer waits for its effect (items cancelled, a supplement taken) before answering anyway. */
const SETTLE_WITHIN = '10 seconds';

const { syncApplication, syncCaseFile, sendNotices } = activities;

export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationState> {
  const patches = patchesOf();
  // 政策服务免申办: proposed by an event, the application waits for its subject; once confirmed it
  // proceeds as a submission, else it ends here. (Only inputs with `proposal` take this path.)
  let proposed: ProposalRecord | undefined;
  if (input.proposal) {
    proposed = await awaitConfirmation(new ProposalRecord({ ...input, proposal: input.proposal }, now()));
    if (!proposed.confirmation) return slimForKeeping(proposed.state);
    input = proposed.confirmedInput();
  }
  // Decided once, at the start: an execution begun before keeps its clocks as they were set.
  const reprojected = patches.has(CLOCKS_REPROJECTED);
  const jointClocks = patches.has(JOINT_SIGN_OFF_CLOCKS);
  const app = new ApplicationRecord(input, now(), { reproject: reprojected, jointClocks }, proposed?.state);
  // Decided once, at the start: an execution begun before the case file keeps its old commands.
  const caseFile = patches.has(CASE_FILE);
  const running = new Map<string, CancellationScope>();
  const toItems = (codes: string[], send: (id: string) => Promise<void>) =>
    Promise.all(codes.filter((c) => running.has(c)).map((c) => send(itemWorkflowId(input.id, c))));
  const cancelItems = (codes: string[]) => codes.forEach((code) => running.get(code)?.cancel());
  /** An update's answer (see UpdateAnswer). */
  const answer = () => (caseFile ? undefined : app.state);

  setHandler(applicationState, () => app.state);
  if (proposed) proposed.submitted = true;
  setHandler(itemChanged, (report) => app.applyItemState(report, now()));
  setCheckedUpdate(
    supplement,
    async (s) => {
      const received = app.addSupplement(s, now());
      const awaited = app.awaitingSupply(received);
      await toItems([...running.keys()], (id) => getExternalWorkflowHandle(id).signal(materialsSupplied, { codes: received }));
      // The answer shows the items having taken the materials (bounded: a report may be slow).
      if (awaited.length && patches.has(ACTIONS_ANSWER_SETTLED)) await condition(() => app.awaitingSupply(received).length === 0, SETTLE_WITHIN);
      return answer();
    },
    (s) => app.checkSupplement(s),
  );
  setCheckedUpdate(
    reviewIntake,
    (r) => {
      app.review(r, now());
      return answer();
    },
    (r) => app.checkReview(r),
  );
  setCheckedUpdate(
    withdraw,
    async ({ reason, actor }) => {
      cancelItems(app.withdraw(reason, actor, now()));
      // The answer shows the application withdrawn, its items cancelled (bounded as above).
      if (patches.has(ACTIONS_ANSWER_SETTLED)) await condition(() => !!app.state.endedAt, SETTLE_WITHIN);
      return answer();
    },
    (_input) => app.checkWithdraw(),
  );
  setCheckedUpdate(
    signOffJoint,
    async (s) => {
      const unblocked = app.signOff(s, now());
      await toItems(unblocked, (id) => getExternalWorkflowHandle(id).signal(jointCompleted, { code: s.code }));
      return answer();
    },
    (s) => app.checkSignOff(s),
  );
  setCheckedUpdate(
    resolveJoint,
    async (r) => {
      const { reject, reason, cancel } = app.resolveJoint(r, now());
      cancelItems(cancel);
      await toItems(reject, (id) => getExternalWorkflowHandle(id).signal(jointRejected, { code: r.code, reason: reason!, actor: r.actor }));
      // The answer shows the items rejected (bounded: a report may be slow).
      await condition(() => reject.every((c) => isFinalItem(app.item(c).status)), SETTLE_WITHIN);
      return answer();
    },
    (r) => app.checkResolve(r),
  );
  setCheckedUpdate(
    recordDelivery,
    (e) => {
      app.recordDelivery(e, now());
      return answer();
    },
    (e) => app.checkDelivery(e),
  );
  setHandler(publishCalendar, async ({ calendar }) => {
    app.setCalendar(calendar, now());
    await toItems([...running.keys()], (id) => getExternalWorkflowHandle(id).signal(calendarPublished, { calendar }));
  });

  const dispatch = () => {
    for (const item of app.readyItems()) {
      app.markDispatched(item.code, now());
      const scope = new CancellationScope();
      running.set(item.code, scope);
      scope
        .run(() => runItem(app, item.code, patches))
        .then(
          (outcome) => cancelItems(app.completeItem(outcome, now())),
          (err) => {
            if (!isCancellation(err)) log.error('item workflow failed', { item: item.code, error: String(err) });
            app.cancelItem(item.code, isCancellation(err) ? '本件事已终止或撤回' : '系统错误', now(), !isCancellation(err));
          },
        )
        .finally(() => running.delete(item.code));
    }
  };

  // Keeps the read model, the case file and the outbox current after every change, in order.
  let synced = -1;
  let indexed = '';
  let stored = '';
  /**
   * Case-file events not yet written, written with the next sync. A person's act and the end force
   * one; what the workflow does by itself rides on the change it comes with (at the latest, the end).
   */
  const pending: CaseEvent[] = [...(proposed?.events.splice(0) ?? [])];
  if (proposed) upsertSearchAttributes([{ key: Departments, value: [...new Set(app.state.items.map((i) => i.department))] }]);
  /** Each item's read-model row as last synced: a sync carries only the rows that changed. */
  const syncedItems = new Map<string, string>();
  const forcing = () => pending.some((e) => e.actor || e.kind === 'ended');
  const publish = async () => {
    const notices = app.outbox.splice(0);
    if (notices.length) await sendNotices({ applicationId: input.id, notices, at: now() });
    const events = app.events.splice(0);
    if (caseFile) pending.push(...events);
    if (synced === app.state.revision && !forcing()) return;
    synced = app.state.revision;
    // Operators filter on these in the Web UI and with `temporal workflow list --query` (never personal data).
    const overdue = app.state.items.some((i) => i.overdue) || app.state.joint.some((j) => !j.completedAt && j.clocks?.some((c) => c.overdue));
    if (indexed !== `${app.state.status}/${overdue}`) {
      indexed = `${app.state.status}/${overdue}`;
      upsertSearchAttributes([
        { key: ApplicationStatus, value: app.state.status },
        { key: Overdue, value: overdue },
      ]);
    }
    // Computed once per sync: it decides whether to sync and is what the case file's sync carries.
    const snapshot = readModelSnapshot(app.state);
    if (patches.has(UNCHANGED_SYNC_SKIPPED)) {
      const key = syncKey(app.state, snapshot);
      if (key === stored && !forcing()) return;
      stored = key;
    }
    if (!caseFile) return void (await syncApplication(app.state));
    // Linear in what changed, not in the application's size: the history grows by the change only.
    const changedItems = snapshot.items.filter((row) => {
      const key = JSON.stringify(row);
      if (syncedItems.get(row.itemCode) === key) return false;
      syncedItems.set(row.itemCode, key);
      return true;
    });
    const readModel = { ...snapshot, items: changedItems };
    // Running applications are read by query; the state is kept for good once the application has
    // ended and its delivery is done, without what grows with every act (the log holds each: see
    // kept-state.ts). Usually once; again only if something changes after.
    const ended = FINAL_STATUSES.includes(app.state.status) && !app.deliveryOpen();
    await syncCaseFile({ readModel, events: pending.splice(0), ...(ended ? { state: slimForKeeping(app.state) } : {}) });
  };
  /** Publishes, then waits for a change made after the publish began (or until `timeoutAt`). */
  const publishAndWait = async (timeoutAt?: string) => {
    const seen = app.state.revision;
    await publish();
    return changedBy(() => app.state.revision !== seen, timeoutAt);
  };

  // 8.1 — wait, bounded, for the supplement of an incomplete application, and (§32) for window
  // staff to review materials received online: five working days unanswered count as accepted.
  while (app.state.status === 'incomplete' || app.state.status === 'received') {
    if (app.state.status === 'incomplete') {
      if (!(await publishAndWait(app.state.supplementDue)) && app.state.status === 'incomplete') app.expire(now());
    } else if (!(await publishAndWait(app.state.intakeReview!.due)) && app.state.status === 'received') {
      app.deemAccepted(now());
    }
  }

  // 8.2 / 8.3 — dispatch every ready item at once; dependents as their prerequisites are approved.
  if (app.isAccepted()) {
    while (!app.allItemsClosed()) {
      dispatch();
      // Joint sign-offs are due within jointDays: the wait ends at the next warning or deadline.
      // Those due already fire at once (never a 1 ms timer racing the next change).
      for (let due = app.nextTimer(); due && Date.parse(due.at) <= Date.now(); due = app.nextTimer()) app.fire(due);
      const timer = app.nextTimer();
      if (!(await publishAndWait(timer?.at)) && timer) app.fire(timer);
    }
    app.finish(now());
  }

  // 8.4 — one delivery: wait for the window's pickup or the courier, bounded.
  const deliveryDue = app.openDeliveryClock(now());
  while (app.deliveryOpen()) {
    if (!(await publishAndWait(app.state.delivery.dueAt ?? deliveryDue))) app.closeDelivery(now());
  }
  if (caseFile) app.close(now());
  await publish();
  await condition(allHandlersFinished);
  return caseFile ? slimForKeeping(app.state) : app.state;
}

/**
 * The proposal's wait: the subject confirms (the application proceeds), declines, or lets the
 * expiry pass (working days, moved by a newly published calendar). Every change is synced like
 * the application's own: the read model and the case file show the proposal from the start.
 */
async function awaitConfirmation(proposal: ProposalRecord): Promise<ProposalRecord> {
  const id = proposal.state.id;
  setHandler(applicationState, () => proposal.state);
  setCheckedUpdate(
    confirmProposal,
    async (c) => {
      proposal.confirm(c, now());
      // The answer follows the submission (bounded: a sync of the proposal may be under way).
      await condition(() => proposal.submitted, SETTLE_WITHIN);
      return undefined;
    },
    (_c) => proposal.checkOpen(),
  );
  const decline = ({ reason, actor }: WithdrawInput) => void proposal.decline(reason, actor, now());
  setCheckedUpdate(declineProposal, decline, (_d) => proposal.checkOpen());
  // Withdrawing what was never submitted is declining it.
  setCheckedUpdate(withdraw, decline, (_w) => proposal.checkOpen());
  // A submitted application's acts wait for the submission.
  for (const update of [supplement, reviewIntake, signOffJoint, resolveJoint, recordDelivery] as UpdateDefinition<UpdateAnswer, [unknown]>[]) {
    setCheckedUpdate(
      update,
      () => undefined,
      (_input: unknown) => proposal.refuseUntilSubmitted(),
    );
  }
  setHandler(publishCalendar, ({ calendar }) => proposal.setCalendar(calendar));

  let synced = -1;
  const publish = async () => {
    const notices = proposal.outbox.splice(0);
    if (notices.length) await sendNotices({ applicationId: id, notices, at: now() });
    if (synced === proposal.state.revision) return;
    synced = proposal.state.revision;
    upsertSearchAttributes([{ key: ApplicationStatus, value: proposal.state.status }]);
    const ended = FINAL_STATUSES.includes(proposal.state.status);
    await syncCaseFile({
      readModel: readModelSnapshot(proposal.state),
      events: proposal.events.splice(0),
      ...(ended ? { state: slimForKeeping(proposal.state) } : {}),
    });
  };
  while (proposal.open) {
    await publish();
    const seen = proposal.state.revision;
    const changed = await condition(() => !proposal.open || proposal.state.revision !== seen, msUntil(proposal.state.proposal.expiresAt));
    if (!changed && proposal.open) proposal.expire(now());
  }
  if (!proposal.confirmation) {
    await publish();
    await condition(allHandlersFinished);
  }
  return proposal;
}

async function runItem(app: ApplicationRecord, code: string, patches: Patches): Promise<ItemOutcome> {
  // The item's first state is a pure function of its input: the application shows it as soon as the
  // item exists, sparing the item's report of its start (a signal and two workflow tasks per item).
  const announced = patches.has(ANNOUNCED_ITEMS);
  const input = announced ? { ...app.itemInput(code), dispatchedAt: now(), announced } : app.itemInput(code);
  // Shown in review as it is dispatched: the sync that goes with the dispatch puts it in its inbox
  // (before: once the child had started, a second sync and two more workflow tasks per wave).
  const atDispatch = announced && patches.has(IN_REVIEW_AT_DISPATCH);
  if (atDispatch) app.applyItemState(firstState(input, now()), now());
  const handle = await startChild(itemWorkflow, { workflowId: itemWorkflowId(app.state.id, code), args: [input] });
  // Unless the item has already reported (a grant on pledge comes at once, in the same task).
  if (announced && !atDispatch && app.item(code).status === 'waiting') app.applyItemState(firstState(input, now()), now());
  return handle.result();
}

const now = () => new Date().toISOString();
