// The Refusal a state machine's check throws; the test fails when it throws nothing or something else.
import { Refusal } from '../../workflows/shared/refusal.js';

export function refusalOf(action: () => void): Refusal {
  try {
    action();
  } catch (err) {
    if (err instanceof Refusal) return err;
    throw err;
  }
  throw new Error('expected a Refusal, nothing was thrown');
}
