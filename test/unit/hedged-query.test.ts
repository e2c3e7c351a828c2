// The hedged query (api/application-access.ts QueryHedge): a query held past three times the recent
// median (at least 150 ms) is asked again, and the first answer wins; a prompt answer asks once.
import { describe, expect, it } from 'vitest';
import { QueryHedge } from '../../api/application-access.js';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const FLOOR = QueryHedge.FLOOR_MS;

describe('QueryHedge', () => {
  it('asks once when the answer comes in time', async () => {
    let asked = 0;
    expect(await new QueryHedge().run(() => (asked++, after(5, 'state')))).toBe('state');
    expect(asked).toBe(1);
  });

  it('asks again when the first is held, and takes the second’s prompt answer', async () => {
    let asked = 0;
    const started = Date.now();
    const answer = await new QueryHedge().run(() => (asked++ === 0 ? after(5_000, 'held') : after(5, 'again')));
    expect(answer).toBe('again');
    expect(asked).toBe(2);
    expect(Date.now() - started).toBeLessThan(FLOOR + 1_000);
  });

  it('waits three times the recent median before asking again, never less than the floor', () => {
    const hedge = new QueryHedge(5);
    expect(hedge.delay()).toBe(FLOOR);
    for (const ms of [20, 30, 40]) hedge.record(ms);
    expect(hedge.delay()).toBe(FLOOR);
    // A loaded system: every query slow; the few held ones do not move the median.
    for (const ms of [400, 500, 600, 2000, 2100]) hedge.record(ms);
    expect(hedge.delay()).toBe(3 * 600);
  });

  it('passes a prompt failure on without asking again', async () => {
    let asked = 0;
    await expect(new QueryHedge().run(() => (asked++, Promise.reject(new Error('not found'))))).rejects.toThrow('not found');
    expect(asked).toBe(1);
  });

  it('does not fail the request when the held first query fails after the second answered', async () => {
    let asked = 0;
    const answer = await new QueryHedge().run(() =>
      asked++ === 0 ? new Promise<string>((_r, reject) => setTimeout(() => reject(new Error('late')), FLOOR + 50)) : after(1, 'again'),
    );
    expect(answer).toBe('again');
    await after(FLOOR + 100, null); // the late rejection is handled (no unhandled rejection fails the run)
  });
});
