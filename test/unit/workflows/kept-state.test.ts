import { describe, expect, it } from 'vitest';
import type { ApplicationState } from '../../../workflows/application/messages.js';
import { ApplicationRecord } from '../../../workflows/application/state.js';
import { restoreKept, slimForKeeping, type KeptLogEntry } from '../../../workflows/shared/kept-state.js';
import { newbornInput } from '../../fixtures/applications.js';

const at = (m: number) => `2026-11-26T03:${String(m).padStart(2, '0')}:00.000Z`;
const wsjk = { sub: 'w', role: 'department' as const, dept: 'wsjk' };
const gaj = { sub: 'g', role: 'department' as const, dept: 'gaj' };

/** An ended-looking state with decision lists, a result in the final decision and a joint with opinions, and the log the workflow wrote for it. */
function scenario(): { state: ApplicationState; log: KeptLogEntry[] } {
  const app = new ApplicationRecord(newbornInput('K1'), at(0));
  app.markDispatched('birth-cert', at(1));
  const base = { code: 'birth-cert', name: '出生医学证明', department: 'wsjk', startedAt: at(1) };
  app.applyItemState(
    {
      ...base,
      status: 'in_review',
      decisions: [{ decision: 'suspend', suspension: 'testing', expectedDays: 3, reason: '送检', actor: wsjk, at: at(2) }],
      decisionsFrom: 0,
    },
    at(2),
  );
  const approve = { decision: 'approve' as const, result: { certNo: 'C-1' }, actor: wsjk, at: at(4) };
  app.applyItemState(
    {
      ...base,
      status: 'approved',
      result: { certNo: 'C-1' },
      decision: approve,
      decisions: [{ decision: 'resume', actor: wsjk, at: at(3) }, approve],
      decisionsFrom: 1,
    },
    at(4),
  );
  const state = structuredClone(app.state);
  state.joint = [
    {
      code: 'j1',
      kind: '联合踏勘',
      items: ['birth-cert'],
      departments: ['wsjk', 'gaj'],
      signedOff: [
        { department: 'wsjk', actor: wsjk, at: at(1), opinion: '具备条件' },
        { department: 'gaj', actor: gaj, at: at(2) },
      ],
      completedAt: at(2),
    },
  ];
  const log: KeptLogEntry[] = app.events.map((e) => ({ kind: e.kind, item: e.item ?? null, detail: e.detail, decision: e.decision ?? null }));
  log.push(
    { kind: 'joint-signoff', item: null, detail: { joint: 'j1', opinion: '具备条件' }, decision: null },
    { kind: 'joint-signoff', item: null, detail: { joint: 'j1' }, decision: null },
  );
  return { state, log };
}

describe('the kept state of an ended application', () => {
  it('leaves out what grows with every act and reads back equal from the log', () => {
    const { state, log } = scenario();
    const slim = slimForKeeping(state);
    expect(slim.items.every((i) => i.decisions === undefined)).toBe(true);
    expect(slim.items.find((i) => i.code === 'birth-cert')!.decision).not.toHaveProperty('result');
    expect(slim.joint[0]!.signedOff.every((s) => s.opinion === undefined)).toBe(true);
    expect(JSON.stringify(slim).length).toBeLessThan(JSON.stringify(state).length);
    expect(restoreKept(slim, log)).toEqual(JSON.parse(JSON.stringify(state)));
  });

  it('leaves the lists a state kept whole still holds', () => {
    const { state } = scenario();
    expect(restoreKept(state, [])).toEqual(state);
  });
});
