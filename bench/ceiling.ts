// The ceiling: the bare workload (bench/bare-workflows.ts) driven straight through the Temporal
// client at the same concurrency — start the parent, update each child as soon as its prerequisites
// were updated (retrying while the child does not exist yet, at our departments' polling interval:
// a tighter retry loads the very server it measures), wait for the parent's result.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { bareChildId, type BareSpec } from './bare-workflows.js';
import { BARE_QUEUE } from './system.js';
import { Progress, now, sleep, summarize, type Summary } from './stats.js';

export interface CeilingResult {
  n: number;
  concurrency: number;
  completed: number;
  wallSeconds: number;
  rate: number;
  /** workflow.start of the parent. */
  start: Summary;
  /** executeUpdate on a child (the successful call). */
  update: Summary;
  /** Update calls refused because the child did not exist yet (the driver's equivalent of polling). */
  notFoundRetries: number;
  endToEnd: Summary;
  spec: BareSpec;
  ids: string[];
}

export async function runCeiling(
  client: Client,
  spec: BareSpec,
  options: { n: number; concurrency: number; label: string; run: string; pollMs: number },
): Promise<CeilingResult> {
  const { n, concurrency } = options;
  const start: number[] = [];
  const update: number[] = [];
  const e2e: number[] = [];
  const ids: string[] = [];
  let retries = 0;
  let next = 0;
  let completed = 0;
  let firstStart = Infinity;
  let lastDone = 0;
  const progress = new Progress(options.label, n);

  const decide = async (workflowId: string) => {
    for (let attempt = 0; ; attempt++) {
      const t0 = now();
      try {
        await client.workflow.getHandle(workflowId).executeUpdate('decide', { args: [] });
        update.push(now() - t0);
        return;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError) || attempt > 2000) throw err;
        retries++;
        await sleep(options.pollMs);
      }
    }
  };

  const unit = async () => {
    while (next < n) {
      const seq = next++;
      const workflowId = `bare-${options.run}-${seq}`;
      ids.push(workflowId);
      const t0 = now();
      firstStart = Math.min(firstStart, t0);
      const handle = await client.workflow.start('bareParent', { taskQueue: BARE_QUEUE, workflowId, args: [spec] });
      start.push(now() - t0);
      const decided = new Map<string, Promise<void>>();
      for (const child of spec.children) {
        decided.set(
          child.name,
          Promise.all(child.after.map((a) => decided.get(a)!)).then(() => decide(bareChildId(workflowId, child.name))),
        );
      }
      await Promise.all(decided.values());
      await handle.result();
      const at = now();
      e2e.push(at - t0);
      lastDone = Math.max(lastDone, at);
      completed++;
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, unit));
  const wallSeconds = (lastDone - firstStart) / 1000;
  return {
    n,
    concurrency,
    completed,
    wallSeconds: Math.round(wallSeconds * 100) / 100,
    rate: Math.round((completed / wallSeconds) * 100) / 100,
    start: summarize(start),
    update: summarize(update),
    notFoundRetries: retries,
    endToEnd: summarize(e2e),
    spec,
    ids,
  };
}
