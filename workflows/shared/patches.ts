// Patch ids (workflow versioning): a change in the commands a workflow issues ships behind one of
// these, so that executions started before it replay with what they ran. Remove one only when no
// execution started before it can still be running or replayed.
import { patched } from '@temporalio/workflow';

/** The application shows a dispatched item in review itself, computed from the item's input (before: the item reported its start). */
export const ANNOUNCED_ITEMS = 'items-announced-by-application';

/** No read-model sync when neither the read model's content nor the delivery's events changed (before: one after every change). */
export const UNCHANGED_SYNC_SKIPPED = 'unchanged-sync-skipped';

/** The case file: business events written with every sync, a sync whenever one is pending, the end recorded (before: none). */
export const CASE_FILE = 'case-file-events';

/**
 * An item reports only the decisions the application has not seen (with `decisionsFrom`); its
 * update results and its outcome leave the list out (before: the whole list every time, so a
 * history grew with the square of an item's decisions).
 */
export const BOUNDED_ITEM_REPORTS = 'bounded-item-reports';

/** A post-check decision answers once the case file has it (before: at once, the revocation archived a moment later). */
export const POST_CHECK_ANSWERS_RECORDED = 'post-check-answers-recorded';

/**
 * The ledger's rules (working-days.ts deadlineOf): a suspension begun after the limit ran out gives
 * nothing back, one begun on the last day restarts the clock at the resumption, overlapping ones
 * count once (before: every suspension gave back the working days it covered).
 */
export const LEDGER_RULES = 'ledger-rules';

/**
 * Every clock follows the calendar: the application's committed limit is derived (budget, the
 * items' waits, the calendar) and, with the supplement, intake-review, 容缺 material, delivery,
 * correction and AB岗 clocks, moves when a calendar is published (before: only the items' deadlines did).
 */
export const CLOCKS_REPROJECTED = 'clocks-reprojected';

/** A 告知承诺 grant waits for the 容缺 materials promised at intake (before: it completed the item, so their deadlines could never fire). */
export const PLEDGE_AWAITS_MATERIALS = 'pledge-awaits-materials';

/**
 * An action answers once it has taken effect: a withdrawal when its items are cancelled and the
 * application has ended, a supplement when the items it answers have taken it (before: at once,
 * showing the state before the action landed).
 */
export const ACTIONS_ANSWER_SETTLED = 'actions-answer-settled';

/**
 * Joint sign-offs are due within `policy.jointDays` working days from the opening of the procedure,
 * warned and escalated like items: the application waits on a timer for the next of them (before:
 * it waited for changes only).
 */
export const JOINT_SIGN_OFF_CLOCKS = 'joint-sign-off-clocks';

/**
 * A dispatched item is shown in review (its first state) as it is dispatched, so the sync that goes
 * with the dispatch puts it in its department's inbox (before: once the child had started, which
 * took a second sync, one more activity and two more workflow tasks per wave of items).
 */
export const IN_REVIEW_AT_DISPATCH = 'in-review-at-dispatch';

/**
 * Every patch above in one marker. Each patch a new execution asks for costs a marker and an upsert
 * of TemporalChangeVersion (a visibility write): five per application and three per item before.
 * An execution begun on this code asks for the baseline once, at its start, and runs with all the
 * patches it covers; one begun before asks for each as it did. A patch added later is not covered:
 * it is asked for on its own (or joins a later baseline).
 */
export const BASELINE_V12 = 'baseline-v12';

const COVERED_BY_BASELINE: ReadonlySet<string> = new Set([
  ANNOUNCED_ITEMS,
  UNCHANGED_SYNC_SKIPPED,
  CASE_FILE,
  BOUNDED_ITEM_REPORTS,
  POST_CHECK_ANSWERS_RECORDED,
  LEDGER_RULES,
  CLOCKS_REPROJECTED,
  PLEDGE_AWAITS_MATERIALS,
  ACTIONS_ANSWER_SETTLED,
  JOINT_SIGN_OFF_CLOCKS,
  IN_REVIEW_AT_DISPATCH,
]);

/** One execution's patches: `patchesOf()` first thing in a workflow, then `has(patch)` where `patched(patch)` was. */
export interface Patches {
  has(patch: string): boolean;
}

export function patchesOf(): Patches {
  const baseline = patched(BASELINE_V12);
  return { has: (patch) => (baseline && COVERED_BY_BASELINE.has(patch)) || patched(patch) };
}
