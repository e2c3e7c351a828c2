// The API's Temporal calls stop at their deadline (retries included) and count as "Temporal down".
// A closed port: connection refused is UNAVAILABLE, which the SDK would retry for ~20 s.
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { unavailableDependency } from '../../api/errors.js';
import { apiConnectionOptions } from '../../api/temporal-connection.js';

const CLOSED = '127.0.0.1:1';

async function timedFailure(action: () => Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = Date.now();
  try {
    await action();
  } catch (err) {
    return { err, ms: Date.now() - started };
  }
  throw new Error('expected the call to fail');
}

describe('apiConnectionOptions', () => {
  const connection = Connection.lazy(apiConnectionOptions({ address: CLOSED }, 1000));
  const temporal = new Client({ connection });
  afterAll(() => connection.close());

  it('gives up retrying an unreachable Temporal at the deadline: a 503, not a 500', async () => {
    const { err, ms } = await timedFailure(() => temporal.workflow.start('applicationWorkflow', { taskQueue: 'q', workflowId: 'w' }));
    expect(unavailableDependency(err)).toBe('temporal');
    expect(ms).toBeGreaterThanOrEqual(900); // it did retry
    expect(ms).toBeLessThan(2500); // and stopped at the deadline, not after a further backoff
    // Updates get at least UPDATE_TIMEOUT_MS (a worker restart must not answer 503); a deadline the
    // caller sets still bounds them.
    const update = await timedFailure(() =>
      connection.withDeadline(Date.now() + 1500, () => temporal.workflow.getHandle('w').executeUpdate('u', { args: [] })),
    );
    expect(unavailableDependency(update.err)).toBe('temporal');
    expect(update.ms).toBeLessThan(2500);
  });

  it('keeps a shorter deadline the caller set', async () => {
    const { err, ms } = await timedFailure(() => connection.withDeadline(Date.now() + 300, () => temporal.workflow.getHandle('w').query('q')));
    expect(unavailableDependency(err)).toBe('temporal');
    expect(ms).toBeLessThan(900);
  });
});
