// The 一件事: one accepted application dispatched to every department at once (一次分办, 8.2),
// reviewed in parallel or in the bundle's order (8.3), ending with one feedback (8.4).
import {
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import type { ItemOutcome } from '../item/messages.js';
import { itemWorkflow } from '../item/workflow.js';
import { itemWorkflowId } from '../shared/ids.js';
import { applicationState, itemChanged, type ApplicationInput, type ApplicationState } from './messages.js';
import { ApplicationRecord } from './state.js';

const { syncApplication, notifyApplicant } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { maximumInterval: '1m' },
});

export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationState> {
  const app = new ApplicationRecord(input, now());
  const running = new Map<string, CancellationScope>();
  setHandler(applicationState, () => app.state);
  setHandler(itemChanged, (report) => app.applyItemState(report));

  const cancelItems = (codes: string[]) => codes.forEach((code) => running.get(code)?.cancel());
  const dispatch = () => {
    for (const item of app.readyItems()) {
      app.markDispatched(item.code);
      const scope = new CancellationScope();
      running.set(item.code, scope);
      scope.run(() => runItem(input, app, item.code)).then(
        (outcome) => cancelItems(app.completeItem(outcome)),
        (err) => {
          if (!isCancellation(err)) log.error('item workflow failed', { item: item.code, error: String(err) });
          app.cancelItem(item.code, isCancellation(err) ? '本件事已终止' : '系统错误');
        },
      );
    }
  };

  dispatch();
  app.setStatus('in_review');
  let synced = -1;
  while (!app.allItemsClosed()) {
    if (synced !== app.state.revision) {
      synced = app.state.revision;
      await syncApplication(app.state);
    }
    await condition(() => synced !== app.state.revision || app.allItemsClosed());
    dispatch();
  }

  app.finish(now());
  await syncApplication(app.state);
  await notifyApplicant({
    applicationId: app.state.id,
    key: 'final',
    kind: 'outcome',
    body: { status: app.state.status, outcome: app.state.outcome, items: app.state.items.map(({ code, name, status, reason }) => ({ code, name, status, reason })) },
  });
  return app.state;
}

async function runItem(input: ApplicationInput, app: ApplicationRecord, code: string): Promise<ItemOutcome> {
  const handle = await startChild(itemWorkflow, {
    workflowId: itemWorkflowId(input.id, code),
    args: [{ applicationId: input.id, item: app.definition(code), inputs: app.inputsFor(code) }],
  });
  return handle.result();
}

const now = () => new Date().toISOString();
