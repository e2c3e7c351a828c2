// Re-records the histories replayed by test/replay (npm run record-histories). Run it only when a
// workflow change is meant to be versioned with patched(): the old histories must keep replaying,
// so add new files next to them rather than replacing them, unless the old runs are all gone.
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createActivities } from '../activities/index.js';
import { openDb } from '../db/client.js';
import { newbornInput } from '../test/fixtures/applications.js';
import { createTimeSkippingEnv } from '../test/helpers/workflow-env.js';
import { applicationState } from '../workflows/application/messages.js';
import { decideItem } from '../workflows/item/messages.js';
import { applicationWorkflowId, itemWorkflowId } from '../workflows/shared/ids.js';
import { workflowsPath } from '../worker/create.js';

Runtime.install({ logger: new DefaultLogger('WARN') });
const out = path.join(import.meta.dirname, '..', 'test', 'replay', 'histories');
const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-record-'));
const db = await openDb({ embeddedDir: dir });
await db.migrate();
const env = await createTimeSkippingEnv();
const worker = await Worker.create({
  connection: env.nativeConnection,
  taskQueue: 'record',
  workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') }),
  activities: createActivities({ db: db.db }),
});

type Step = [item: string, decision: 'approve' | 'reject'];
const scenarios: Record<string, Step[]> = {
  completed: [['birth-cert', 'approve'], ['vaccination', 'approve'], ['hukou', 'approve'], ['medical-insurance', 'approve'], ['social-card', 'approve']],
  terminated: [['birth-cert', 'approve'], ['hukou', 'reject']],
  partially: [['vaccination', 'reject'], ['birth-cert', 'approve'], ['hukou', 'approve'], ['medical-insurance', 'approve'], ['social-card', 'approve']],
};

await worker.runUntil(async () => {
  for (const [scenario, steps] of Object.entries(scenarios)) {
    const id = `REC${scenario.toUpperCase()}`;
    const input = newbornInput(id);
    const handle = await env.client.workflow.start('applicationWorkflow', { workflowId: applicationWorkflowId(id), taskQueue: 'record', args: [input] });
    for (const [item, decision] of steps) {
      while ((await handle.query(applicationState)).items.find((i) => i.code === item)?.status !== 'in_review') {
        await new Promise((r) => setTimeout(r, 20));
      }
      const dept = input.bundle.items.find((i) => i.code === item)!.department;
      await env.client.workflow.getHandle(itemWorkflowId(id, item)).executeUpdate(decideItem, {
        args: [{ decision, reason: decision === 'reject' ? '不符合受理条件' : undefined, result: { no: `${item}-1` }, actor: { sub: 'recorder', role: 'department', dept, post: 'A' } }],
      });
    }
    await handle.result();
    const save = async (name: string, workflowId: string) => {
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      writeFileSync(path.join(out, `${name}.json`), historyToJSON(history) + '\n');
      console.log(`recorded ${name} (${history.events?.length} events)`);
    };
    await save(`application-${scenario}`, applicationWorkflowId(id));
    await save(`item-${scenario}-${steps.at(-1)![0]}`, itemWorkflowId(id, steps.at(-1)![0]));
  }
});
await env.teardown();
await db.close();
rmSync(dir, { recursive: true, force: true });
