// Determinism guard: histories recorded from real runs must replay against today's workflow code.
// Re-record only for a change meant to be versioned with patched(): npm run record-histories.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker } from '@temporalio/worker';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS_ANSWER_SETTLED,
  ANNOUNCED_ITEMS,
  BOUNDED_ITEM_REPORTS,
  CASE_FILE,
  CLOCKS_REPROJECTED,
  JOINT_SIGN_OFF_CLOCKS,
  LEDGER_RULES,
  PLEDGE_AWAITS_MATERIALS,
  POST_CHECK_ANSWERS_RECORDED,
  UNCHANGED_SYNC_SKIPPED,
  BASELINE_V12,
} from '../../workflows/shared/patches.js';
import { workflowBundle } from '../helpers/system.js';

const dir = path.join(import.meta.dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
/** The patch ids a history's markers record, in order. */
const patches = (file: string): string[] =>
  (load(file).events as { markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads: { data: string }[] }> } }[])
    .map((e) => e.markerRecordedEventAttributes)
    .filter((m) => m?.markerName === 'core_patch')
    .map((m) => JSON.parse(Buffer.from(m!.details!['patch-data']!.payloads[0]!.data, 'base64').toString()).id);

async function replay(histories: { workflowId: string; history: unknown }[]) {
  const failures: { workflowId: string; error: unknown }[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: await workflowBundle() },
    histories.map((h) => ({ ...h, history: historyFromJSON(h.history) })),
  )) {
    if (result.error) failures.push({ workflowId: result.workflowId, error: result.error });
  }
  return failures;
}

describe('replay of recorded histories', () => {
  it('has histories of every workflow type', () => {
    expect(files.filter((f) => f.startsWith('application-')).length).toBeGreaterThanOrEqual(4);
    expect(files.filter((f) => f.startsWith('item-')).length).toBeGreaterThanOrEqual(4);
    for (const type of ['post-check-', 'rectification-', 'ticket-'])
      expect(
        files.some((f) => f.startsWith(type)),
        type,
      ).toBe(true);
  });

  it('holds recordings of the patched code too (v2: items announced by the application; v3: unchanged syncs skipped; v4: the case file, bounded item reports; v5: post-check answers once recorded; v6: the ledger rules; v7: every clock re-projected; v8: a pledge awaits its promised materials; v9: actions answer settled; v10: joint sign-off clocks, a dissent resolved)', () => {
    expect(new Set(patches('application-completed.v4.json'))).toEqual(new Set([CASE_FILE, ANNOUNCED_ITEMS, UNCHANGED_SYNC_SKIPPED]));
    expect(patches('item-completed-hukou.v4.json')).toEqual([BOUNDED_ITEM_REPORTS]);
    expect(patches('item-completed-hukou.v6.json')).toEqual([LEDGER_RULES, BOUNDED_ITEM_REPORTS]);
    expect(patches('item-completed-hukou.v7.json')).toEqual([LEDGER_RULES, CLOCKS_REPROJECTED, BOUNDED_ITEM_REPORTS]);
    expect(patches('application-settled.v9.json')).toEqual(expect.arrayContaining([ACTIONS_ANSWER_SETTLED]));
    expect(new Set(patches('application-joint.v10.json'))).toEqual(
      new Set([CLOCKS_REPROJECTED, JOINT_SIGN_OFF_CLOCKS, CASE_FILE, ANNOUNCED_ITEMS, UNCHANGED_SYNC_SKIPPED]),
    );
    expect(patches('item-pledged-awaiting.v8.json')).toEqual([LEDGER_RULES, CLOCKS_REPROJECTED, PLEDGE_AWAITS_MATERIALS, BOUNDED_ITEM_REPORTS]);
    expect(new Set(patches('application-completed.v7.json'))).toEqual(new Set([CLOCKS_REPROJECTED, CASE_FILE, ANNOUNCED_ITEMS, UNCHANGED_SYNC_SKIPPED]));
    expect(patches('item-completed-social-card.v2.json')).toEqual([]);
    expect(patches('post-check-revoked.v4.json')).toEqual([]); // a revocation is recorded by its activity; a confirmation behind the patch
    expect(patches('post-check-revoked.v5.json')).toEqual([POST_CHECK_ANSWERS_RECORDED]);
    expect(patches('application-completed.v3.json')).toEqual([ANNOUNCED_ITEMS, UNCHANGED_SYNC_SKIPPED]);
    expect(patches('application-completed.v2.json')).toEqual([ANNOUNCED_ITEMS]);
    expect(patches('application-completed.json')).toEqual([]);
  });

  it('v12: an execution begun on the baseline records one patch marker and one TemporalChangeVersion upsert, whatever it ran', () => {
    const v12 = files.filter((f) => f.endsWith('.v12.json'));
    expect(v12.filter((f) => f.startsWith('application-')).length).toBeGreaterThanOrEqual(4);
    expect(v12.filter((f) => f.startsWith('item-')).length).toBeGreaterThanOrEqual(4);
    expect(v12.some((f) => f.startsWith('post-check-'))).toBe(true);
    for (const file of v12.filter((f) => /^(application|item|post-check)-/.test(f))) {
      expect(patches(file), file).toEqual([BASELINE_V12]);
      const upserts = (load(file).events as { upsertWorkflowSearchAttributesEventAttributes?: { searchAttributes?: { indexedFields?: object } } }[])
        .map((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {})
        .filter((fields) => 'TemporalChangeVersion' in fields);
      expect(upserts, file).toHaveLength(1);
    }
  });

  it('replays every recorded history without a determinism failure', async () => {
    const failures = await replay(files.map((file) => ({ workflowId: file, history: load(file) })));
    expect(failures).toEqual([]);
  });

  it('fails when the history no longer matches the code (negative control)', async () => {
    // As if the workflow now started a different set of children: the first child's id is changed
    // in the recorded history, which the workflow code would never produce.
    const history = load('application-completed.json');
    const start = history.events.find((e: Record<string, unknown>) => e.startChildWorkflowExecutionInitiatedEventAttributes);
    start.startChildWorkflowExecutionInitiatedEventAttributes.workflowId += '-renamed';
    const failures = await replay([{ workflowId: 'mutated', history }]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBeInstanceOf(DeterminismViolationError);
  });
});
