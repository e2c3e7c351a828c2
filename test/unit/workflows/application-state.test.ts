import { describe, expect, it } from 'vitest';
import { ApplicationRecord } from '../../../workflows/application/state.js';
import type { ItemState } from '../../../workflows/item/messages.js';
import { enterpriseChange } from '../../../db/catalogue/enterprise-change.js';
import { seedCalendar } from '../../../db/catalogue/calendar.js';
import { completeInput, newbornInput } from '../../fixtures/applications.js';
import { nthWorkingDayEnd } from '../../helpers/working-days-reference.js';

const at = '2026-11-26T03:00:00.000Z';
const actor = { sub: 'o', role: 'department' as const, dept: 'x' };
const outcome = (code: string, department: string, status: 'approved' | 'rejected', result = {}): ItemState => ({
  code,
  name: code,
  department,
  status,
  result,
  decision: { decision: status === 'approved' ? 'approve' : 'reject', reason: status === 'rejected' ? '不符合条件' : undefined, actor, at },
});
/** The parent starts the child, the child reports in. */
const dispatch = (app: ApplicationRecord, code: string) => {
  app.markDispatched(code, at);
  app.applyItemState({ code, name: code, department: app.item(code).department, status: 'in_review', startedAt: at }, at);
};
/** How many times `act` is taken before `check` refuses for a cap (上限); at most 100. */
function timesTaken(check: () => void, act: () => void): number {
  for (let taken = 0; taken < 100; taken++) {
    try {
      check();
    } catch (err) {
      expect(String(err)).toMatch(/上限/);
      return taken;
    }
    act();
  }
  return 100;
}
const statuses = (app: ApplicationRecord) => Object.fromEntries(app.state.items.map((i) => [i.code, i.status]));
const ready = (app: ApplicationRecord) => app.readyItems().map((i) => i.code);

describe('ApplicationRecord', () => {
  it('dispatches every independent item at once, then dependents when their prerequisites are approved', () => {
    const app = new ApplicationRecord(newbornInput('A1'), at);
    expect(ready(app)).toEqual(['birth-cert', 'vaccination']);
    dispatch(app, 'birth-cert');
    dispatch(app, 'vaccination');
    expect(ready(app)).toEqual([]);
    app.completeItem(outcome('birth-cert', 'wsjk', 'approved', { certNo: 'N1' }), at);
    expect(ready(app)).toEqual(['hukou']);
    dispatch(app, 'hukou');
    app.completeItem(outcome('hukou', 'gaj', 'approved', { householdNo: 'H1' }), at);
    expect(ready(app)).toEqual(['medical-insurance', 'social-card']);
    expect(app.itemInput('medical-insurance').inputs).toEqual({ hukou: { householdNo: 'H1' }, 'birth-cert': { certNo: 'N1' } });
  });

  it('terminates the bundle when a terminate item is rejected (8.3.3), cancelling the rest', () => {
    const app = new ApplicationRecord(newbornInput('A2'), at);
    dispatch(app, 'birth-cert');
    dispatch(app, 'vaccination');
    app.completeItem(outcome('birth-cert', 'wsjk', 'approved'), at);
    dispatch(app, 'hukou');
    const toCancel = app.completeItem(outcome('hukou', 'gaj', 'rejected'), at);
    expect(toCancel).toEqual(['vaccination']);
    expect(statuses(app)).toMatchObject({ hukou: 'rejected', 'medical-insurance': 'cancelled', 'social-card': 'cancelled' });
    expect(ready(app)).toEqual([]);
    app.cancelItem('vaccination', '本件事已终止', at);
    expect(app.allItemsClosed()).toBe(true);
    app.finish(at);
    expect(app.state.status).toBe('terminated');
    expect(app.state.outcome).toContain('户口登记');
  });

  it('lets the others go on when a continue item is rejected (8.3.4), ending partially completed', () => {
    const app = new ApplicationRecord(newbornInput('A3', { answers: {} }), at);
    dispatch(app, 'birth-cert');
    dispatch(app, 'vaccination');
    expect(app.completeItem(outcome('vaccination', 'jkzx', 'rejected'), at)).toEqual([]);
    expect(statuses(app)).toEqual({ 'birth-cert': 'in_review', vaccination: 'rejected' });
    app.completeItem(outcome('birth-cert', 'wsjk', 'approved'), at);
    app.finish(at);
    expect(app.state.status).toBe('partially_completed');
  });

  it('never reopens a closed item on a late report, and counts every change in the revision', () => {
    const app = new ApplicationRecord(newbornInput('A4'), at);
    dispatch(app, 'birth-cert');
    const before = app.state.revision;
    app.completeItem(outcome('birth-cert', 'wsjk', 'approved'), at);
    app.applyItemState({ code: 'birth-cert', name: 'x', department: 'wsjk', status: 'in_review' }, at);
    expect(app.item('birth-cert').status).toBe('approved');
    expect(app.state.revision).toBeGreaterThan(before);
  });

  it('takes a withdrawal once: a second one, while the items are still being cancelled, is refused', () => {
    const app = new ApplicationRecord(newbornInput('A5'), at);
    dispatch(app, 'birth-cert');
    app.checkWithdraw();
    expect(app.withdraw('不再需要', { sub: 'o', role: 'applicant' }, at)).toEqual(['birth-cert']);
    expect(app.state.status).toBe('in_review'); // ends once birth-cert's cancellation comes back
    expect(() => app.checkWithdraw()).toThrow(/已撤回/);
  });

  it("pieces an item's decisions together from bounded reports and logs each once, with the decision kept beside it", () => {
    const app = new ApplicationRecord(newbornInput('A6'), at);
    dispatch(app, 'birth-cert');
    const wsjk = { sub: 'w', role: 'department' as const, dept: 'wsjk' };
    const d = (decision: 'suspend' | 'resume' | 'approve', minute: number) => ({ decision, actor: wsjk, at: `2026-11-26T03:0${minute}:00.000Z` });
    const base = { code: 'birth-cert', name: 'x', department: 'wsjk', status: 'in_review' as const };
    app.events.splice(0);
    app.applyItemState({ ...base, decisions: [d('suspend', 1)], decisionsFrom: 0 }, at);
    app.applyItemState({ ...base, decisions: [d('resume', 2)], decisionsFrom: 1 }, at);
    app.applyItemState({ ...base, decisions: [d('resume', 2)], decisionsFrom: 1 }, at); // the same report again changes nothing
    app.completeItem({ ...base, status: 'approved', decision: d('approve', 3) }, at); // an outcome without the list
    expect(app.item('birth-cert').decisions?.map((x) => x.decision)).toEqual(['suspend', 'resume']);
    const logged = app.events.filter((e) => e.kind === 'decision');
    expect(logged.map((e) => e.decision?.decision)).toEqual(['suspend', 'resume']);
    expect(logged.map((e) => e.detail.decision)).toEqual(['suspend', 'resume']);
  });

  it('takes 20 supplements, then refuses (each is forwarded to every running item)', () => {
    const app = new ApplicationRecord(newbornInput('A7'), at);
    dispatch(app, 'birth-cert');
    const input = { materials: [{ code: 'child-photo' }], actor: { sub: 'o', role: 'applicant' as const } };
    const taken = timesTaken(
      () => app.checkSupplement(input),
      () => app.addSupplement(input, at),
    );
    expect(taken).toBe(20);
  });

  it('asks for intake correction at most 5 times, then only acceptance is open', () => {
    const app = new ApplicationRecord(completeInput('A8', enterpriseChange, { insuredEmployees: true, housingFund: true }, { channel: 'web' }), at);
    expect(app.state.status).toBe('received');
    const window = { sub: 'w', role: 'window' as const };
    const material = app.state.received[0]!;
    const correction = { decision: 'correction' as const, missing: [{ material, reason: '复印件不清晰' }], actor: window };
    const rounds = timesTaken(
      () => app.checkReview(correction),
      () => {
        app.review(correction, at);
        app.addSupplement({ materials: [{ code: material }], actor: { sub: 'o', role: 'applicant' } }, at);
        expect(app.state.status).toBe('received');
      },
    );
    expect(rounds).toBe(5);
    app.checkReview({ decision: 'accept', actor: window });
  });
});

describe('ApplicationRecord: every clock follows the calendar (issue #16)', () => {
  const nth = nthWorkingDayEnd;
  /** Mon 2026-03-02, 10:00 in Shanghai. */
  const MON = '2026-03-02T02:00:00.000Z';
  const withHoliday = (date: string) => ({
    years: { ...seedCalendar.years, '2026': { ...seedCalendar.years['2026']!, holidays: [...seedCalendar.years['2026']!.holidays, date] } },
  });
  const waiting = (code: string, from: string, to?: string): ItemState => ({
    code,
    name: code,
    department: 'wsjk',
    status: 'in_review',
    startedAt: MON,
    suspensions: [{ from, ...(to ? { to } : {}), reason: 'inspection' }],
  });

  it("derives the committed limit from its budget, the items' waits merged, and the calendar", () => {
    const app = new ApplicationRecord(newbornInput('D1', { submittedAt: MON }), MON);
    expect(app.state.deadline).toBe(nth('2026-03-02', 5)); // committed 5 working days: Mon 3/9
    dispatch(app, 'birth-cert');
    dispatch(app, 'vaccination');
    // birth-cert stood Tue 10:00 → Thu 10:00 (gives back Wed, Thu); vaccination Wed → Fri (adds Fri only).
    app.applyItemState(waiting('birth-cert', '2026-03-03T02:00:00.000Z', '2026-03-05T02:00:00.000Z'), '2026-03-05T02:00:00.000Z');
    expect(app.state.deadline).toBe(nth('2026-03-02', 7));
    app.applyItemState({ ...waiting('vaccination', '2026-03-04T02:00:00.000Z', '2026-03-06T02:00:00.000Z'), department: 'jkzx' }, '2026-03-06T02:00:00.000Z');
    expect(app.state.deadline).toBe(nth('2026-03-02', 8)); // Thu 3/12, not 3/13: the shared Thu counts once
    expect(app.state.deadlineProvisional).toBeUndefined();
  });

  it('is provisional in late December until the next notice, and moves when it is published', () => {
    const accepted = '2026-12-18T02:00:00.000Z'; // Fri: 5 working days → Fri 12/25
    const app = new ApplicationRecord(newbornInput('D2', { submittedAt: accepted }), accepted);
    expect(app.state).toMatchObject({ deadline: '2026-12-25T15:59:59.999Z', deadlineProvisional: true });
    // The 2027 notice makes 12/25 a holiday (a made-up notice): Mon 12/28, settled.
    app.setCalendar({ years: { ...seedCalendar.years, '2027': { holidays: ['2026-12-25', '2027-01-01'], workdays: [] } } }, '2026-12-19T02:00:00.000Z');
    expect(app.state.deadline).toBe('2026-12-28T15:59:59.999Z');
    expect(app.state.deadlineProvisional).toBeUndefined();
    expect(app.events.at(-1)).toMatchObject({
      kind: 'calendar',
      detail: { moved: [{ clock: 'deadline', from: '2026-12-25T15:59:59.999Z', to: '2026-12-28T15:59:59.999Z' }] },
    });
  });

  it('moves the supplement, intake-review, 容缺 material and delivery clocks with a newly published holiday', () => {
    const later = '2026-03-02T03:00:00.000Z';
    const incomplete = new ApplicationRecord(newbornInput('D3', { submittedAt: MON, materials: [{ code: 'parent-id' }] }), MON);
    expect(incomplete.state.supplementDue).toBe(nth('2026-03-02', 10));
    incomplete.setCalendar(withHoliday('2026-03-03'), later);
    expect(incomplete.state.supplementDue).toBe(nth('2026-03-02', 10, ['2026-03-03']));

    const received = new ApplicationRecord(newbornInput('D4', { submittedAt: MON, bundle: { ...newbornInput('x').bundle, intakeReview: true } }), MON);
    expect(received.state.intakeReview!.due).toBe(nth('2026-03-02', 5));
    received.setCalendar(withHoliday('2026-03-03'), later);
    expect(received.state.intakeReview!.due).toBe(nth('2026-03-02', 5, ['2026-03-03']));

    const promised = new ApplicationRecord(
      newbornInput('D5', {
        submittedAt: MON,
        materials: newbornInput('x').materials.filter((m) => m.code !== 'marriage-cert'),
        commitments: ['marriage-cert'],
      }),
      MON,
    );
    const [material] = promised.state.receipt.promised;
    const days = material!.days!;
    expect(material!.due).toBe(nth('2026-03-02', days));
    promised.setCalendar(withHoliday('2026-03-03'), later);
    expect(promised.state.receipt.promised[0]!.due).toBe(nth('2026-03-02', days, ['2026-03-03']));
    expect(promised.state.deadline).toBe(nth('2026-03-02', 5, ['2026-03-03']));

    const delivered = new ApplicationRecord(newbornInput('D6', { submittedAt: MON, answers: {}, delivery: { method: 'window' } }), MON);
    for (const code of ['birth-cert', 'vaccination']) {
      dispatch(delivered, code);
      delivered.completeItem(outcome(code, delivered.item(code).department, 'approved'), MON);
    }
    delivered.finish(MON);
    expect(delivered.openDeliveryClock(MON)).toBe(nth('2026-03-02', 30));
    delivered.setCalendar(withHoliday('2026-03-03'), later);
    expect(delivered.state.delivery.dueAt).toBe(nth('2026-03-02', 30, ['2026-03-03']));
  });

  it('keeps the old clocks in an execution begun before the patch (replay)', () => {
    const app = new ApplicationRecord(newbornInput('D7', { submittedAt: MON }), MON, { reproject: false });
    dispatch(app, 'birth-cert');
    app.applyItemState(waiting('birth-cert', '2026-03-03T02:00:00.000Z', '2026-03-05T02:00:00.000Z'), '2026-03-05T02:00:00.000Z');
    app.setCalendar(withHoliday('2026-03-03'), '2026-03-05T03:00:00.000Z');
    expect(app.state.deadline).toBe(nth('2026-03-02', 5));
  });
});
