// The workflows' common idioms, spelled once: the activities they call, a state machine's refusal
// as the failure the API maps, and the wait for a change or a deadline. Workflow code only (it
// imports @temporalio/workflow); the pure state machines use refusal.ts.
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import { Refusal } from './refusal.js';

/** Every activity, with one policy: 30 s a try, retried with back-off up to a minute apart. */
export const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { maximumInterval: '1m' },
});

/** The typed failure the API shows as 409 (StateConflict) or 400 (InvalidDecision); never retried. */
export function refusal(type: Refusal['type'], message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

/** Runs a check (an update's validator): a Refusal it throws becomes that failure. */
export function refuse(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof Refusal) throw refusal(err.type, err.message);
    throw err;
  }
}

/** Milliseconds until an instant, at least 1: a deadline already past fires at once. */
export function msUntil(at: string): number {
  return Math.max(1, Date.parse(at) - Date.now());
}

/** Waits until `changed()` holds or the deadline passes; true when it changed. Without a deadline, waits for the change. */
export async function changedBy(changed: () => boolean, deadline?: string): Promise<boolean> {
  if (deadline === undefined) {
    await condition(changed);
    return true;
  }
  return condition(changed, msUntil(deadline));
}

/** An update whose validator is a state machine's check: what the check refuses never enters the history. */
export function setCheckedUpdate<Ret, Args extends any[]>(
  update: UpdateDefinition<Ret, Args>,
  handler: (...args: Args) => Ret | Promise<Ret>,
  check: (...args: Args) => void,
): void {
  setHandler<Ret, Args, UpdateDefinition<Ret, Args>>(update, handler, { validator: (...args: Args) => refuse(() => check(...args)) });
}
