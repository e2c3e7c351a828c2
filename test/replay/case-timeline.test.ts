// The case file's timeline against the history decoder, on the recorded runs (the .v4 histories,
// begun with the case file): the rows the activities would write are taken from the recorded
// activity inputs, read back as the API reads the log, and compared entry for entry with what
// api/history.ts decodes from the same histories. The differences are the ones listed below.
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archivedRows, noticeRows, revokedRow } from '../../activities/case-events.js';
import { timelineFromLog, type CaseEventRow } from '../../api/case-timeline.js';
import { buildTimeline, type HistoryEvent, type TimelineEntry, type WorkflowHistory } from '../../api/history.js';
import type { ApplicationInput } from '../../workflows/application/messages.js';
import type { CaseEvent } from '../../workflows/shared/case-events.js';

const dir = path.join(import.meta.dirname, 'histories');
const load = (file: string): WorkflowHistory => {
  const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
  return { workflowId: file, events: history.events ?? [] };
};
const args = (e: HistoryEvent): unknown[] => (e.activityTaskScheduledEventAttributes?.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p));
const ms = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

/** What the activities of these histories write to case_events, in the order they run. */
function rowsOf(histories: WorkflowHistory[]): CaseEventRow[] {
  const scheduled = histories.flatMap((h) => h.events.filter((e) => e.activityTaskScheduledEventAttributes)).sort((a, b) => ms(a) - ms(b));
  const events: CaseEvent[] = [];
  for (const e of scheduled) {
    // The recorded inputs, as the activity received them (the shapes are the activities' own).

    const [first] = args(e) as [any];
    switch (e.activityTaskScheduledEventAttributes!.activityType!.name) {
      case 'syncCaseFile':
        events.push(...(first.events as CaseEvent[]));
        break;
      case 'sendNotices':
        events.push(...noticeRows(first.notices, first.at ?? new Date(ms(e)).toISOString()));
        break;
      case 'archiveResult':
        events.push(...archivedRows(first));
        break;
      case 'revokeResult':
        events.push(revokedRow(first));
        break;
      case 'recordCaseEvents':
        events.push(...(first.events as CaseEvent[]));
        break;
    }
  }
  const seen = new Set<string>();
  return (
    events
      .filter((e) => !seen.has(e.key) && seen.add(e.key))
      // As migration 0012 left the rows: approvals say 准予 (DECISION_KINDS).
      .map((e, i) => ({
        id: i + 1,
        applicationId: 'x',
        key: e.key,
        at: e.at,
        kind: e.kind,
        item: e.item ?? null,
        actor: e.actor ?? null,
        label: e.kind === 'decision' ? e.label.replace(/^审批通过/, '准予') : e.label,
        detail: e.detail,
        decision: e.decision ?? null,
        recordedAt: e.at,
      }))
  );
}

/**
 * The known differences, each explained:
 * - `at`: the log records the workflow's own clock at the act; the decoder the time the event was
 *   written into the history (the end of the workflow task, milliseconds later). Compared apart.
 * - `dispatched.detail.startedAt`: the child's start as Temporal recorded it; the log has no such
 *   event (the item starts in the same instant it is dispatched).
 * - `ended` (the application's): the decoder dates it at the workflow's completion, after its last
 *   activities; the log at the application's last step. An act of another workflow in between (in
 *   the 告知承诺 run, the revocation made the moment delivery was visible) sorts after the end in
 *   the log and before it in the decoder.
 * - The interleaving of entries from different workflows within the same moment: the log dates an
 *   item's end when the application took it in (its next task), the decoder when Temporal wrote the
 *   child's completion; a decision of another item in between may fall on either side. So the
 *   entries are compared one for one, and their order within the application and each item.
 */
const comparable = ({ at: _at, ...e }: TimelineEntry) => ({ ...e, detail: e.kind === 'dispatched' ? { ...e.detail, startedAt: undefined } : e.detail });

const scenarios = ['completed', 'terminated', 'partially', 'pledged'];

describe('the case file’s timeline equals the history decoder’s on the recorded runs', () => {
  it.each(scenarios)('%s', (scenario) => {
    const files = readdirSync(dir).filter(
      (f) =>
        f.endsWith('.v4.json') &&
        (f === `application-${scenario}.v4.json` || f.startsWith(`item-${scenario}-`) || (scenario === 'pledged' && f.startsWith('post-check-'))),
    );
    const histories = files.map(load);
    expect(histories.length).toBeGreaterThan(2);
    const input = defaultPayloadConverter.fromPayload(
      histories.find((h) => h.workflowId.startsWith('application-'))!.events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!,
    ) as ApplicationInput;
    const decoded = buildTimeline(histories).timeline;
    const logged = timelineFromLog(input.id, rowsOf(histories), {
      applicant: input.applicant,
      form: input.form,
      deliveryAddress: input.delivery.address,
    }).timeline;
    // Entry for entry: every logged entry is one decoded entry, none left over, within 2 s.
    const left = decoded.map((e) => ({ e, key: JSON.stringify(comparable(e)) }));
    for (const e of logged) {
      const key = JSON.stringify(comparable(e));
      const at = left.findIndex((d) => d.key === key);
      expect(at, `${e.kind} ${e.label} ${key}`).not.toBe(-1);
      expect(Math.abs(Date.parse(e.at) - Date.parse(left[at]!.e.at)), `${e.kind} ${e.label}`).toBeLessThan(2000);
      left.splice(at, 1);
    }
    expect(left.map((d) => d.key)).toEqual([]);
    // In the same order, for the application and for each item (their interleaving may differ).
    const byItem = (t: TimelineEntry[], item: string | undefined) => t.filter((e) => e.item === item && e.kind !== 'ended').map((e) => `${e.kind} ${e.label}`);
    for (const item of new Set(decoded.map((e) => e.item))) expect(byItem(logged, item), item ?? 'application').toEqual(byItem(decoded, item));
    expect(logged.filter((e) => e.kind === 'ended')).toHaveLength(1);
  });
});
