// Joint procedures (8.3.2, issue #14 row 5): a sign-off agrees or dissents; a dissent blocks the
// procedure and goes to the lead, who sends it back or rejects the items; sign-offs are due within
// jointDays working days (7, 国发〔1999〕9号), warned and escalated. Pure state, no server.
import { describe, expect, it } from 'vitest';
import { seedCalendar } from '../../../db/catalogue/calendar.js';
import { utilities } from '../../../db/catalogue/utilities.js';
import { ApplicationRecord } from '../../../workflows/application/state.js';
import type { Actor } from '../../../workflows/shared/actor.js';
import { completeInput } from '../../fixtures/applications.js';
import { nthWorkingDayEnd } from '../../helpers/working-days-reference.js';
import { refusalOf } from '../../helpers/refusal.js';

/** Mon 2026-03-02, 10:00 in Shanghai. */
const MON = '2026-03-02T02:00:00.000Z';
const officer = (dept: string): Actor => ({ sub: `officer-${dept}`, role: 'department', dept, post: 'A' });

/** Water and power connections with their joint survey (lead: power), both items dispatched. */
function utilitiesApp(submittedAt = MON) {
  const app = new ApplicationRecord(completeInput('J1', utilities, { needWater: true, needPower: true }, { submittedAt }), submittedAt);
  for (const code of ['water-connect', 'power-connect']) app.markDispatched(code, submittedAt);
  return app;
}
const joint = (app: ApplicationRecord) => app.state.joint[0]!;

describe('joint sign-offs: agree or dissent', () => {
  it("names the lead (the bundle's lead department) and opens a clock per department at the first dispatch", () => {
    const app = utilitiesApp();
    expect(joint(app)).toMatchObject({ code: 'joint-survey', departments: ['water', 'power'], lead: 'power', openedAt: MON });
    expect(joint(app).clocks!.map((c) => [c.department, c.due])).toEqual([
      ['water', nthWorkingDayEnd(MON, 7)],
      ['power', nthWorkingDayEnd(MON, 7)],
    ]);
  });

  it('a dissent needs an opinion, blocks completion and goes to the lead department', () => {
    const app = utilitiesApp();
    expect(refusalOf(() => app.checkSignOff({ code: 'joint-survey', verdict: 'dissent', actor: officer('water') })).type).toBe('InvalidDecision');
    app.signOff({ code: 'joint-survey', verdict: 'dissent', opinion: '管网压力不足，不同意接入', actor: officer('water') }, MON);
    expect(app.outbox.filter((n) => n.kind === 'joint')).toEqual([expect.objectContaining({ to: 'lead', department: 'power' })]);
    // The other department's agreement does not complete it.
    expect(app.signOff({ code: 'joint-survey', verdict: 'agree', actor: officer('power') }, MON)).toEqual([]);
    expect(joint(app).completedAt).toBeUndefined();
    // Only the lead resolves.
    expect(refusalOf(() => app.checkResolve({ code: 'joint-survey', action: 'reconsider', actor: officer('water') })).type).toBe('StateConflict');
  });

  it('reconsider: the dissent no longer stands, the department signs again within a new period, then it completes', () => {
    const app = utilitiesApp();
    app.signOff({ code: 'joint-survey', opinion: '同意', actor: officer('power') }, MON);
    app.signOff({ code: 'joint-survey', verdict: 'dissent', opinion: '管网压力不足', actor: officer('water') }, MON);
    expect(refusalOf(() => app.checkSignOff({ code: 'joint-survey', actor: officer('water') })).type).toBe('StateConflict');
    const later = '2026-03-04T02:00:00.000Z'; // Wed
    expect(app.resolveJoint({ code: 'joint-survey', action: 'reconsider', reason: '请结合加压方案复议', actor: officer('power') }, later)).toEqual({
      reject: [],
      cancel: [],
    });
    expect(joint(app).signedOff[1]).toMatchObject({ verdict: 'dissent', reconsideredAt: later });
    expect(joint(app).clocks).toEqual([expect.objectContaining({ department: 'water', from: later, due: nthWorkingDayEnd(later, 7) })]);
    expect(app.outbox.filter((n) => n.kind === 'joint' && n.to === 'department')).toEqual([expect.objectContaining({ department: 'water' })]);
    app.checkSignOff({ code: 'joint-survey', actor: officer('water') });
    expect(app.signOff({ code: 'joint-survey', opinion: '加压后同意', actor: officer('water') }, later)).toEqual(['water-connect', 'power-connect']);
    expect(joint(app)).toMatchObject({ outcome: 'agreed', completedAt: later });
  });

  it('reject: the lead rejects the items with the dissent as the reason', () => {
    const app = utilitiesApp();
    app.signOff({ code: 'joint-survey', verdict: 'dissent', opinion: '管网压力不足', actor: officer('water') }, MON);
    expect(refusalOf(() => app.checkResolve({ code: 'joint-survey', action: 'reject', department: 'water', actor: officer('power') })).type).toBe(
      'InvalidDecision',
    );
    const { reject, reason } = app.resolveJoint({ code: 'joint-survey', action: 'reject', actor: officer('power') }, MON);
    expect(reject).toEqual(['water-connect', 'power-connect']);
    expect(reason).toContain('管网压力不足');
    expect(joint(app)).toMatchObject({ outcome: 'rejected', clocks: [] });
    expect(refusalOf(() => app.checkSignOff({ code: 'joint-survey', actor: officer('power') })).type).toBe('StateConflict');
    expect(refusalOf(() => app.checkResolve({ code: 'joint-survey', action: 'reject', actor: officer('power') })).type).toBe('StateConflict');
  });

  it('several dissents: reconsider names the department', () => {
    const app = utilitiesApp();
    app.signOff({ code: 'joint-survey', verdict: 'dissent', opinion: '压力不足', actor: officer('water') }, MON);
    app.signOff({ code: 'joint-survey', verdict: 'dissent', opinion: '容量不足', actor: officer('power') }, MON);
    expect(refusalOf(() => app.checkResolve({ code: 'joint-survey', action: 'reconsider', actor: officer('power') })).type).toBe('InvalidDecision');
    expect(refusalOf(() => app.checkResolve({ code: 'joint-survey', action: 'reconsider', department: 'gas', actor: officer('power') })).type).toBe(
      'InvalidDecision',
    );
    app.checkResolve({ code: 'joint-survey', action: 'reconsider', department: 'water', actor: officer('power') });
  });
});

describe('joint sign-off clocks (jointDays = 7 working days)', () => {
  it('warns the department at 80 %, then at the deadline tells the department, the lead and the coordinator', () => {
    const app = utilitiesApp();
    app.signOff({ code: 'joint-survey', actor: officer('power') }, MON);
    const warn = app.nextTimer()!;
    expect(warn).toMatchObject({ kind: 'joint-warn', department: 'water', at: nthWorkingDayEnd(MON, 5) });
    app.fire(warn);
    expect(app.outbox.at(-1)).toMatchObject({ kind: 'warning', to: 'department', department: 'water' });
    const overdue = app.nextTimer()!;
    expect(overdue).toMatchObject({ kind: 'joint-overdue', department: 'water', at: nthWorkingDayEnd(MON, 7) });
    app.fire(overdue);
    expect(app.outbox.filter((n) => n.kind === 'overdue').map((n) => [n.to, n.department])).toEqual([
      ['department', 'water'],
      ['lead', 'power'],
      ['coordinator', undefined],
    ]);
    expect(joint(app).clocks![0]).toMatchObject({ department: 'water', overdue: true });
    expect(app.nextTimer()).toBeUndefined();
  });

  it('moves with a newly published calendar', () => {
    const app = utilitiesApp();
    const holiday = {
      years: { ...seedCalendar.years, '2026': { ...seedCalendar.years['2026']!, holidays: [...seedCalendar.years['2026']!.holidays, '2026-03-03'] } },
    };
    app.setCalendar(holiday, MON);
    expect(joint(app).clocks!.map((c) => c.due)).toEqual([nthWorkingDayEnd(MON, 7, ['2026-03-03']), nthWorkingDayEnd(MON, 7, ['2026-03-03'])]);
    expect(app.events.at(-1)).toMatchObject({
      kind: 'calendar',
      detail: { moved: expect.arrayContaining([expect.objectContaining({ clock: 'joint:joint-survey:water' })]) },
    });
  });

  it('an application begun before the clocks has none', () => {
    const app = new ApplicationRecord(completeInput('J2', utilities, { needWater: true, needPower: true }, { submittedAt: MON }), MON, {
      reproject: true,
      jointClocks: false,
    });
    app.markDispatched('water-connect', MON);
    expect(joint(app).clocks).toBeUndefined();
    expect(app.nextTimer()).toBeUndefined();
  });
});
