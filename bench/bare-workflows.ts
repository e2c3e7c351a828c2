// The ceiling workload (bench only, bundled on its own): the same Temporal shape as one application
// — a parent, its children started in the same dependency waves, the same numbers of activities,
// updates and signals per workflow as measured in our own histories — with no API, no database and
// no business logic. Its rate is what Temporal alone does on this server; ours is compared with it.
import {
  allHandlersFinished,
  condition,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';

export interface BareChildSpec {
  /** Activities before the update, inside the update handler, and after it (before completing). */
  activities: { before: number; inUpdate: number; after: number };
  /** Signals to the parent at the same three points. */
  signals: { before: number; inUpdate: number; after: number };
}

export interface BareSpec {
  /** Children and the ones each waits for (dispatched when all of those have completed). */
  children: { name: string; after: string[] }[];
  /** Activities of the parent: one per wake-up (a signal or a child completing), the rest at the end. */
  parentActivities: number;
  child: BareChildSpec;
}

export const decide = defineUpdate<string, []>('decide');
export const changed = defineSignal<[number]>('changed');

const { touch } = proxyActivities<{ touch(n: number): Promise<void> }>({ startToCloseTimeout: '30s' });

export const bareChildId = (parentId: string, name: string) => `${parentId}:${name}`;

export async function bareParent(spec: BareSpec): Promise<number> {
  let revision = 0;
  let budget = spec.parentActivities;
  setHandler(changed, () => void revision++);
  const started = new Set<string>();
  const done = new Set<string>();
  const publish = async () => {
    if (budget <= 0) return;
    budget--;
    await touch(revision);
  };
  while (done.size < spec.children.length) {
    for (const c of spec.children) {
      if (started.has(c.name) || !c.after.every((a) => done.has(a))) continue;
      started.add(c.name);
      void startChild(bareChild, { workflowId: bareChildId(workflowInfo().workflowId, c.name), args: [spec.child] })
        .then((handle) => handle.result())
        .then(() => {
          done.add(c.name);
          revision++;
        });
    }
    const seen = revision;
    await publish();
    await condition(() => revision !== seen);
  }
  while (budget > 0) await publish();
  return revision;
}

export async function bareChild(spec: BareChildSpec): Promise<string> {
  const parent = workflowInfo().parent!;
  const toParent = getExternalWorkflowHandle(parent.workflowId, parent.runId);
  const run = async (activities: number, signals: number) => {
    for (let i = 0; i < activities; i++) await touch(i);
    for (let i = 0; i < signals; i++) await toParent.signal(changed, i);
  };
  let decided = false;
  setHandler(decide, async () => {
    decided = true;
    await run(spec.activities.inUpdate, spec.signals.inUpdate);
    return 'approved';
  });
  await run(spec.activities.before, spec.signals.before);
  await condition(() => decided);
  await run(spec.activities.after, spec.signals.after);
  await condition(allHandlersFinished);
  return 'approved';
}
