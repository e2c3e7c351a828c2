// The case-file rows the activities write beside what they already do (notices, archiving,
// revocations): pure builders, shared with the replay suite's check of the log against the decoder.
import type { Actor } from '../workflows/shared/actor.js';
import { compact, noticeEvents, safeActor, type CaseEvent } from '../workflows/shared/case-events.js';
import type { Notice } from '../workflows/shared/notices.js';

/** The entries of one batch of notices queued at `at` (the same notice to several audiences is one). */
export function noticeRows(batch: readonly Notice[], at: string): CaseEvent[] {
  const names = new Map(
    batch.map((n) => [n.body.item, n.body.itemName]).filter((e): e is [string, string] => typeof e[0] === 'string' && typeof e[1] === 'string'),
  );
  return noticeEvents(at, batch, (code) => names.get(code));
}

/** The archiving of a result, and the 告知承诺 post-check the item starts right after it. */
export function archivedRows(input: {
  itemCode: string;
  itemName?: string;
  resultType: string;
  resultName: string;
  issuedAt: string;
  postCheck?: { days: number; workflowId: string };
}): CaseEvent[] {
  const about = { at: input.issuedAt, item: input.itemCode };
  const archived: CaseEvent = {
    ...about,
    key: `archived:${input.itemCode}`,
    kind: 'archived',
    label: '结果归集入库',
    detail: compact({ itemName: input.itemName, resultType: input.resultType, resultName: input.resultName }),
  };
  if (!input.postCheck) return [archived];
  const detail = compact({ itemName: input.itemName, postCheckDays: input.postCheck.days, workflowId: input.postCheck.workflowId });
  return [archived, { ...about, key: `post-check:${input.itemCode}:started`, kind: 'post-check', label: '告知承诺核查开始', detail }];
}

export function revokedRow(input: { itemCode: string; itemName?: string; reason: string; at: string; actor?: Actor }): CaseEvent {
  return {
    key: `post-check:${input.itemCode}:revoked`,
    at: input.at,
    kind: 'post-check',
    item: input.itemCode,
    actor: safeActor(input.actor),
    label: '撤销许可（承诺不实）',
    detail: compact({ itemName: input.itemName, outcome: 'revoked', reason: input.reason }),
  };
}
