// The hedged query (api/application-access.ts): a query held past HEDGE_QUERY_AFTER_MS is asked
// again, and the first answer wins; a prompt answer asks once.
import { describe, expect, it } from 'vitest';
import { HEDGE_QUERY_AFTER_MS, hedged } from '../../api/application-access.js';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('hedged', () => {
  it('asks once when the answer comes in time', async () => {
    let asked = 0;
    expect(await hedged(() => (asked++, after(5, 'state')))).toBe('state');
    expect(asked).toBe(1);
  });

  it('asks again when the first is held, and takes the second’s prompt answer', async () => {
    let asked = 0;
    const started = Date.now();
    const answer = await hedged(() => (asked++ === 0 ? after(5_000, 'held') : after(5, 'again')));
    expect(answer).toBe('again');
    expect(asked).toBe(2);
    expect(Date.now() - started).toBeLessThan(HEDGE_QUERY_AFTER_MS + 1_000);
  });

  it('passes a prompt failure on without asking again', async () => {
    let asked = 0;
    await expect(hedged(() => (asked++, Promise.reject(new Error('not found'))))).rejects.toThrow('not found');
    expect(asked).toBe(1);
  });

  it('does not fail the request when the held first query fails after the second answered', async () => {
    let asked = 0;
    const answer = await hedged(() =>
      asked++ === 0 ? new Promise<string>((_r, reject) => setTimeout(() => reject(new Error('late')), HEDGE_QUERY_AFTER_MS + 50)) : after(1, 'again'),
    );
    expect(answer).toBe('again');
    await after(HEDGE_QUERY_AFTER_MS + 100, null); // the late rejection is handled (no unhandled rejection fails the run)
  });
});
