import { describe, expect, it } from 'vitest';
import { seedCalendar } from '../../../db/catalogue/calendar.js';
import { newborn } from '../../../db/catalogue/newborn.js';
import type { DecideItemInput, PromisedMaterial, SuspensionReason } from '../../../workflows/item/messages.js';
import { ItemRecord, type Timer } from '../../../workflows/item/state.js';
import type { Actor } from '../../../workflows/shared/actor.js';
import type { ItemDefinition } from '../../../workflows/shared/bundle.js';
import { DEFAULT_POLICY, type Policy } from '../../../workflows/shared/policy.js';
import { addWorkingDays, workingDaysBetween, type WorkingCalendar } from '../../../workflows/shared/working-days.js';
import { refusalOf } from '../../helpers/refusal.js';

// --- fixtures ------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

function item(code: string): ItemDefinition {
  const found = newborn.items.find((i) => i.code === code);
  if (!found) throw new Error(`no item ${code} in the newborn fixture`);
  return found;
}

/** 出生医学证明 (卫健): legal 5, committed 1. */
const birthCert = item('birth-cert');
/** 户口登记 (公安): legal 20, committed 3. */
const hukou = item('hukou');

const officerA: Actor = { sub: 'gaj-a', role: 'department', dept: 'gaj', post: 'A', name: 'A岗' };
const officerA2: Actor = { sub: 'gaj-a2', role: 'department', dept: 'gaj', post: 'A' };
const officerB: Actor = { sub: 'gaj-b', role: 'department', dept: 'gaj', post: 'B', name: 'B岗' };
const wsjkA: Actor = { sub: 'wsjk-a', role: 'department', dept: 'wsjk' };
const wsjkB: Actor = { sub: 'wsjk-b', role: 'department', dept: 'wsjk', post: 'B' };
const otherDept: Actor = { sub: 'ybj-a', role: 'department', dept: 'ybj', post: 'A' };
const windowClerk: Actor = { sub: 'w1', role: 'window' };

/** Mon 2026-03-02 10:00 in Shanghai. */
const MON = '2026-03-02T02:00:00.000Z';

interface Options {
  item?: ItemDefinition;
  policy?: Policy;
  calendar?: WorkingCalendar;
  promised?: PromisedMaterial[];
  blockedBy?: string[];
}

function record(now: string, o: Options = {}): ItemRecord {
  return new ItemRecord(
    {
      applicationId: 'A1',
      item: o.item ?? hukou,
      inputs: {},
      calendar: o.calendar ?? seedCalendar,
      policy: o.policy ?? DEFAULT_POLICY,
      promised: o.promised ?? [],
      blockedBy: o.blockedBy ?? [],
    },
    now,
  );
}

/** End of a Shanghai date (23:59:59.999 +08:00) in UTC. */
const endOf = (date: string): string => `${date}T15:59:59.999Z`;
const plus = (from: string, days: number, cal: WorkingCalendar = seedCalendar): string => addWorkingDays(from, days, cal).deadline;

const approve = (actor: Actor = officerA, result: Record<string, unknown> = { householdNo: 'H-001' }): DecideItemInput => ({
  decision: 'approve',
  result,
  actor,
});
const reject = (reason?: string, actor: Actor = officerA): DecideItemInput => ({ decision: 'reject', reason, actor });
const correction = (missing?: string[], reason = '材料不清晰', actor: Actor = officerA): DecideItemInput => ({
  decision: 'correction',
  missing,
  reason,
  actor,
});
const suspend = (suspension: SuspensionReason | undefined, expectedDays: number | undefined, actor: Actor = officerA): DecideItemInput => ({
  decision: 'suspend',
  suspension,
  expectedDays,
  reason: '送检',
  actor,
});
const resume = (actor: Actor = officerA): DecideItemInput => ({ decision: 'resume', actor });
const extend = (days?: number, approver?: string, reason?: string, actor: Actor = officerA): DecideItemInput => ({
  decision: 'extend',
  days,
  approver,
  reason,
  actor,
});

/** check() then decide(), as the workflow's validator and handler do. */
function act(r: ItemRecord, d: DecideItemInput, now: string): void {
  r.check(d);
  r.decide(d, now);
}

/** Fires the timer nextTimer() announces, at its instant; asserts its kind. */
function fireNext(r: ItemRecord, kind: Timer['kind']): Timer {
  const timer = r.nextTimer();
  expect(timer?.kind).toBe(kind);
  r.fire(timer!, timer!.at);
  return timer!;
}

/** Working days d with after < d <= until, counted from the calendar data alone (not the module). */
function countWorkingDays(after: string, until: string, cal: WorkingCalendar): number {
  let count = 0;
  for (let ms = Date.parse(`${after}T00:00:00Z`) + DAY_MS; ms <= Date.parse(`${until}T00:00:00Z`); ms += DAY_MS) {
    const date = new Date(ms).toISOString().slice(0, 10);
    const year = cal.years[date.slice(0, 4)]!;
    const weekend = [0, 6].includes(new Date(ms).getUTCDay());
    if (!year.holidays.includes(date) && (!weekend || year.workdays.includes(date))) count += 1;
  }
  return count;
}

// --- tests ---------------------------------------------------------------------------------

describe('ItemRecord: deadlines from the start', () => {
  it('derives the legal and committed deadlines, the start day not counted', () => {
    const r = record(MON, { item: birthCert });
    expect(r.state).toMatchObject({
      code: 'birth-cert',
      department: 'wsjk',
      status: 'in_review',
      startedAt: MON,
      clock: 'running',
      suspensions: [],
      extensionDays: 0,
      warned: false,
      overdue: false,
      postBActive: false,
      provisional: false,
    });
    // 5 working days after Mon 3/2: Tue 3/3 … Fri 3/6, Mon 3/9.
    expect(r.state.deadline).toBe('2026-03-09T15:59:59.999Z');
    // committed 1: Tue 3/3.
    expect(r.state.committedDeadline).toBe(endOf('2026-03-03'));
    // warn at floor(0.8 × 5) = 4 working days: Fri 3/6.
    expect(r.state.warnAt).toBe(endOf('2026-03-06'));
    // AB岗: post A has policy.postADays (1) working day.
    expect(r.state.postBFrom).toBe(endOf('2026-03-03'));
    expect(r.closed()).toBe(false);
  });

  it('counts from the Shanghai date of the start, not the UTC date', () => {
    // 3/2 23:30 and 00:30 in Shanghai are both Monday: same deadline as 10:00.
    expect(record('2026-03-02T15:30:00.000Z', { item: birthCert }).state.deadline).toBe(endOf('2026-03-09'));
    expect(record('2026-03-01T16:30:00.000Z', { item: birthCert }).state.deadline).toBe(endOf('2026-03-09'));
    // Tue 3/3 00:30 in Shanghai (still Monday in UTC): one day later.
    expect(record('2026-03-02T16:30:00.000Z', { item: birthCert }).state.deadline).toBe(endOf('2026-03-10'));
  });

  it('uses the item budget: 户口 (20 legal, 3 committed) warns at 16 working days', () => {
    const r = record(MON);
    expect(r.state.deadline).toBe(endOf('2026-03-30'));
    expect(r.state.committedDeadline).toBe(endOf('2026-03-05'));
    expect(r.state.warnAt).toBe(endOf('2026-03-24'));
    expect(r.state.warnAt).toBe(plus(MON, Math.floor(0.8 * 20)));
    const social = record(MON, { item: item('social-card') });
    expect(social.state.deadline).toBe(plus(MON, 15));
    expect(social.state.warnAt).toBe(plus(MON, 12));
  });

  it('skips holidays and counts make-up days (Fri 9/18 → Sun 9/20 make-up day … Thu 9/24)', () => {
    const r = record('2026-09-18T02:00:00.000Z', { item: birthCert });
    expect(r.state.deadline).toBe(endOf('2026-09-24'));
    // Over 国庆 10/1–10/7 with make-up Sat 10/10: Wed 9/30 + 5 = 10/8, 10/9, 10/10, 10/12, 10/13.
    expect(record('2026-09-30T02:00:00.000Z', { item: birthCert }).state.deadline).toBe(endOf('2026-10-13'));
  });

  it('marks a deadline in an unpublished year provisional and re-projects when the year is published', () => {
    const r = record('2026-12-28T02:00:00.000Z', { item: birthCert });
    // 12/29, 12/30, 12/31, Fri 1/1 (a weekday, provisionally), Mon 1/4.
    expect(r.state).toMatchObject({ deadline: endOf('2027-01-04'), provisional: true });
    const before = r.revision;
    const published: WorkingCalendar = { years: { ...seedCalendar.years, '2027': { holidays: ['2027-01-01'], workdays: [] } } };
    r.setCalendar(published, '2026-12-29T02:00:00.000Z');
    expect(r.state).toMatchObject({ deadline: endOf('2027-01-05'), provisional: false });
    expect(r.revision).toBeGreaterThan(before);
  });
});

describe('ItemRecord: correction (补正)', () => {
  const start = '2026-02-09T01:00:00.000Z'; // Mon 2/9 09:00 Shanghai
  const requested = '2026-02-11T06:00:00.000Z'; // Wed 2/11 14:00
  const supplied = '2026-02-26T02:00:00.000Z'; // Thu 2/26 10:00

  it('over the 2026 Spring Festival moves the deadline by exactly the suspended working days', () => {
    const r = record(start);
    expect(r.state.deadline).toBe(plus(start, 20));
    expect(r.state.deadline).toBe(endOf('2026-03-13'));

    act(r, correction(['household-book', 'marriage-cert'], '户口簿复印件不清晰'), requested);
    const dueAt = plus(requested, DEFAULT_POLICY.correctionDays);
    // 2/12, 2/13, Sat 2/14 (make-up), [2/15–2/23 holidays], 2/24, 2/25, 2/26, 2/27, Sat 2/28 (make-up), 3/2, 3/3.
    expect(dueAt).toBe(endOf('2026-03-03'));
    expect(r.state).toMatchObject({
      status: 'correction_requested',
      clock: 'suspended',
      correction: { missing: ['household-book', 'marriage-cert'], reason: '户口簿复印件不清晰', requestedAt: requested, dueAt },
    });
    expect(r.state.suspensions).toEqual([{ from: requested, reason: 'correction' }]);
    expect(r.outbox).toHaveLength(1);
    expect(r.outbox[0]).toMatchObject({
      kind: 'correction',
      to: 'applicant',
      body: {
        item: 'hukou',
        missing: [
          { material: 'household-book', reason: '户口簿复印件不清晰' },
          { material: 'marriage-cert', reason: '户口簿复印件不清晰' },
        ],
        dueAt,
        reason: '户口簿复印件不清晰',
      },
    });
    // No deadline timers while the applicant is awaited; only the correction's own limit.
    expect(r.nextTimer()).toEqual({ kind: 'correction-expired', at: dueAt });

    r.supply(['household-book', 'marriage-cert'], supplied);
    expect(r.state.status).toBe('in_review');
    expect(r.state.clock).toBe('running');
    expect(r.state.correction).toBeUndefined();
    expect(r.state.suspensions).toEqual([{ from: requested, to: supplied, reason: 'correction' }]);

    // (2/11, 2/26]: 2/12, 2/13, Sat 2/14, 2/24, 2/25, 2/26 — the festival 2/15–2/23 gives back nothing.
    const suspendedDays = workingDaysBetween('2026-02-11', '2026-02-26', seedCalendar);
    expect(suspendedDays).toBe(countWorkingDays('2026-02-11', '2026-02-26', seedCalendar));
    expect(suspendedDays).toBe(6);
    expect(r.state.deadline).toBe(plus(start, hukou.legalDays + suspendedDays));
    expect(r.state.deadline).toBe(endOf('2026-03-23'));
    expect(r.state.committedDeadline).toBe(plus(start, hukou.committedDays + suspendedDays));
    expect(r.state.committedDeadline).toBe(endOf('2026-02-27'));
    expect(r.state.warnAt).toBe(plus(start, Math.floor(0.8 * hukou.legalDays) + suspendedDays));
    act(r, approve(), '2026-02-27T02:00:00.000Z');
    expect(r.state.status).toBe('approved');
  });

  it('stays requested until every missing material is in', () => {
    const r = record(start);
    act(r, correction(['household-book', 'marriage-cert']), requested);
    const rev = r.revision;
    r.supply(['household-book'], '2026-02-12T02:00:00.000Z');
    expect(r.state.status).toBe('correction_requested');
    expect(r.state.clock).toBe('suspended');
    expect(r.state.correction!.received).toEqual(['household-book']); // kept: the rest may come later
    expect(r.revision).toBeGreaterThan(rev);
    expect(refusalOf(() => r.check(approve())).type).toBe('StateConflict');
    r.supply(['marriage-cert'], '2026-02-13T02:00:00.000Z');
    expect(r.state.status).toBe('in_review');
    expect(r.state.clock).toBe('running');
  });

  it('ends the item rejected by the system when the applicant does not answer in time', () => {
    const r = record(start);
    act(r, correction(['household-book', 'marriage-cert']), requested);
    const timer = r.nextTimer()!;
    expect(timer).toEqual({ kind: 'correction-expired', at: plus(requested, DEFAULT_POLICY.correctionDays) });
    r.fire(timer, timer.at);
    expect(r.state.status).toBe('rejected');
    expect(r.closed()).toBe(true);
    expect(r.state.reason).toContain('household-book');
    expect(r.state.reason).toContain('marriage-cert');
    expect(r.state.reason).toContain('补正');
    expect(r.state.decision).toMatchObject({ decision: 'reject', reason: r.state.reason, at: timer.at, actor: { sub: 'system' } });
    expect(r.state.decisions!.at(-1)).toEqual(r.state.decision);
    expect(r.state.suspensions).toEqual([{ from: requested, to: timer.at, reason: 'correction' }]);
    expect(r.nextTimer()).toBeUndefined();
    expect(refusalOf(() => r.check(approve())).type).toBe('StateConflict');
  });

  it('uses policy.correctionDays for the applicant’s limit', () => {
    const r = record(start, { policy: { ...DEFAULT_POLICY, correctionDays: 3 } });
    act(r, correction(['household-book']), requested);
    // 2/12, 2/13, Sat 2/14 (make-up).
    expect(r.state.correction!.dueAt).toBe(endOf('2026-02-14'));
    expect(r.nextTimer()).toEqual({ kind: 'correction-expired', at: endOf('2026-02-14') });
  });
});

describe('ItemRecord: §45 suspension', () => {
  it('needs a known reason and the expected working days', () => {
    const r = record(MON);
    const rev = r.revision;
    expect(refusalOf(() => r.check(suspend(undefined, 5))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(suspend('holiday' as SuspensionReason, 5))).type).toBe('InvalidDecision');
    // Inherited Object properties are not §45 reasons.
    expect(refusalOf(() => r.check(suspend('toString' as SuspensionReason, 5))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(suspend('constructor' as SuspensionReason, 5))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(suspend('inspection', undefined))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(suspend('inspection', 0))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(suspend('inspection', 2.5))).type).toBe('InvalidDecision');
    expect(() => r.check(suspend('inspection', 5))).not.toThrow();
    expect(r.revision).toBe(rev);
    expect(r.state.clock).toBe('running');
  });

  it('stops the clock with a notice, refuses approval while stopped and gives the days back on resume', () => {
    const r = record(MON);
    r.take(officerA, MON);
    const suspendedAt = '2026-03-04T03:00:00.000Z'; // Wed 3/4
    const resumedAt = '2026-03-11T02:00:00.000Z'; // Wed 3/11
    act(r, suspend('inspection', 5), suspendedAt);
    expect(r.state.clock).toBe('suspended');
    expect(r.state.status).toBe('in_review');
    expect(r.state.suspensions).toEqual([{ from: suspendedAt, reason: 'inspection', expectedDays: 5 }]);
    expect(r.outbox).toHaveLength(1);
    expect(r.outbox[0]).toMatchObject({ kind: 'suspension', to: 'applicant', body: { item: 'hukou', reason: '检验', expectedDays: 5, detail: '送检' } });
    expect(r.outbox[0]!.title).toContain('检验');

    expect(refusalOf(() => r.check(approve())).type).toBe('StateConflict');
    expect(refusalOf(() => r.check(suspend('testing', 3))).type).toBe('StateConflict');
    // No warning or overdue timer runs while the clock stands (and A has taken the task: no postB).
    expect(r.nextTimer()).toBeUndefined();

    act(r, resume(), resumedAt);
    expect(r.state.clock).toBe('running');
    expect(r.state.suspensions).toEqual([{ from: suspendedAt, to: resumedAt, reason: 'inspection', expectedDays: 5 }]);
    // (3/4, 3/11]: 3/5, 3/6, 3/9, 3/10, 3/11.
    const days = workingDaysBetween('2026-03-04', '2026-03-11', seedCalendar);
    expect(days).toBe(5);
    expect(r.state.deadline).toBe(plus(MON, 20 + days));
    // 3/30 + 5 working days, over 清明 4/4–4/6.
    expect(r.state.deadline).toBe(endOf('2026-04-07'));
    expect(r.state.committedDeadline).toBe(plus(MON, 3 + days));
    expect(r.nextTimer()).toEqual({ kind: 'warn', at: plus(MON, 16 + days) });

    expect(refusalOf(() => r.check(resume())).type).toBe('StateConflict');
    act(r, approve(), '2026-03-12T02:00:00.000Z');
    expect(r.state.status).toBe('approved');
  });

  it('keeps a ledger entry per suspension and adds them up', () => {
    const r = record(MON);
    act(r, suspend('expert-review', 3), '2026-03-03T02:00:00.000Z');
    act(r, resume(), '2026-03-05T02:00:00.000Z'); // 3/4, 3/5: 2
    act(r, suspend('hearing', 2), '2026-03-09T02:00:00.000Z');
    act(r, resume(), '2026-03-10T02:00:00.000Z'); // 3/10: 1
    expect(r.state.suspensions).toHaveLength(2);
    expect(r.state.suspensions!.every((s) => s.to)).toBe(true);
    expect(r.state.deadline).toBe(plus(MON, 20 + 3));
    expect(r.outbox.map((n) => n.body.reason)).toEqual(['专家评审', '听证']);
  });
});

describe('ItemRecord: extension (§42)', () => {
  it('needs days, an approver and a reason', () => {
    const r = record(MON);
    expect(refusalOf(() => r.check(extend(undefined, '局长', '情况复杂'))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(extend(0, '局长', '情况复杂'))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(extend(1.5, '局长', '情况复杂'))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(extend(5, undefined, '情况复杂'))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(extend(5, '  ', '情况复杂'))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(extend(5, '局长', undefined))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(extend(5, '局长', ' '))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(extend(DEFAULT_POLICY.maxExtensionDays + 1, '局长', '情况复杂'))).type).toBe('StateConflict');
    expect(r.state.extensionDays).toBe(0);
  });

  it('moves every deadline by the extension, up to policy.maxExtensionDays in total', () => {
    const r = record(MON);
    act(r, extend(6, '局长', '情况复杂'), '2026-03-20T02:00:00.000Z');
    expect(r.state.extensionDays).toBe(6);
    expect(r.state.deadline).toBe(plus(MON, 26));
    expect(r.state.committedDeadline).toBe(plus(MON, 9));
    expect(r.state.warnAt).toBe(plus(MON, Math.floor(0.8 * 26)));
    expect(r.state.decisions).toEqual([expect.objectContaining({ decision: 'extend', days: 6, approver: '局长', at: '2026-03-20T02:00:00.000Z' })]);

    // 6 + 5 > 10.
    const refused = refusalOf(() => r.check(extend(5, '局长', '再延长')));
    expect(refused.type).toBe('StateConflict');
    expect(refused.message).toContain('4');
    act(r, extend(4, '局长', '再延长'), '2026-03-23T02:00:00.000Z');
    expect(r.state.extensionDays).toBe(DEFAULT_POLICY.maxExtensionDays);
    expect(r.state.deadline).toBe(plus(MON, 30));
    expect(refusalOf(() => r.check(extend(1, '局长', '还要延长'))).type).toBe('StateConflict');
  });
});

describe('ItemRecord: AB岗', () => {
  it('refuses post B before postBFrom and lets B act for A after the postB timer', () => {
    const r = record(MON);
    const postBFrom = plus(MON, DEFAULT_POLICY.postADays);
    expect(r.state.postBFrom).toBe(postBFrom);
    expect(refusalOf(() => r.check(approve(officerB))).type).toBe('StateConflict');
    expect(refusalOf(() => r.checkTake(officerB)).type).toBe('StateConflict');
    // postB comes before the warning.
    expect(r.nextTimer()).toEqual({ kind: 'postB', at: postBFrom });

    fireNext(r, 'postB');
    expect(r.state.postBActive).toBe(true);
    expect(r.outbox).toEqual([expect.objectContaining({ kind: 'warning', to: 'department', department: 'gaj', body: expect.objectContaining({ post: 'B' }) })]);
    expect(r.nextTimer()?.kind).toBe('warn');

    expect(() => r.checkTake(officerB)).not.toThrow();
    r.take(officerB, '2026-03-04T02:00:00.000Z');
    expect(r.state.assignee).toEqual({ sub: 'gaj-b', post: 'B', at: '2026-03-04T02:00:00.000Z' });
    act(r, approve(officerB), '2026-03-04T03:00:00.000Z');
    expect(r.state.status).toBe('approved');
    expect(r.state.decision).toMatchObject({ decision: 'approve', actingFor: 'A', actor: { sub: 'gaj-b', post: 'B' } });
  });

  it('lets post A take the task, after which there is no postB timer', () => {
    const r = record(MON);
    expect(() => r.checkTake(officerA)).not.toThrow();
    r.take(officerA, '2026-03-02T03:00:00.000Z');
    expect(r.state.assignee).toEqual({ sub: 'gaj-a', post: 'A', at: '2026-03-02T03:00:00.000Z' });
    expect(r.nextTimer()).toEqual({ kind: 'warn', at: r.state.warnAt });
    // Taken: the same officer may take it again, another may not, nor B.
    expect(() => r.checkTake(officerA)).not.toThrow();
    expect(refusalOf(() => r.checkTake(officerA2)).type).toBe('StateConflict');
    expect(refusalOf(() => r.checkTake(officerB)).type).toBe('StateConflict');
    act(r, approve(officerA), '2026-03-03T02:00:00.000Z');
    expect(r.state.decision).toMatchObject({ actor: { sub: 'gaj-a' } });
    expect(r.state.decision).not.toHaveProperty('actingFor');
  });

  it('treats an actor without a post as post A', () => {
    const r = record(MON, { item: birthCert });
    act(r, approve(wsjkA, { certNo: 'N1' }), '2026-03-02T03:00:00.000Z');
    expect(r.state.decision).not.toHaveProperty('actingFor');
    expect(r.state.result).toEqual({ certNo: 'N1' });
  });

  it('refuses another department and other roles', () => {
    const r = record(MON);
    expect(refusalOf(() => r.check(approve(otherDept))).type).toBe('StateConflict');
    expect(refusalOf(() => r.check(reject('不符合', otherDept))).type).toBe('StateConflict');
    expect(refusalOf(() => r.checkTake(otherDept)).type).toBe('StateConflict');
    expect(refusalOf(() => r.check(approve(windowClerk))).type).toBe('StateConflict');
    expect(refusalOf(() => r.checkTake(windowClerk)).type).toBe('StateConflict');
    // A department officer of the right code but the wrong role is refused too.
    expect(refusalOf(() => r.checkTake({ ...officerA, role: 'coordinator' })).type).toBe('StateConflict');
  });

  it('refuses taking a task that is no longer in review', () => {
    const r = record(MON);
    act(r, approve(), '2026-03-02T03:00:00.000Z');
    expect(refusalOf(() => r.checkTake(officerA)).type).toBe('StateConflict');
  });
});

describe('ItemRecord: 容缺 promised materials', () => {
  const due = plus(MON, hukou.committedDays); // end of Thu 3/5
  const promised = (): PromisedMaterial[] => [{ material: 'household-book', name: '户口簿', due }];

  it('holds the result of an approval until the promised material is in', () => {
    const r = record(MON, { promised: promised() });
    act(r, approve(officerA, { householdNo: 'H-9' }), '2026-03-03T02:00:00.000Z');
    expect(r.state.status).toBe('awaiting_material');
    expect(r.closed()).toBe(false);
    expect(r.state.result).toEqual({ householdNo: 'H-9' });
    expect(r.state.clock).toBe('running');
    expect(r.nextTimer()).toEqual({ kind: 'material-due', at: due, material: 'household-book' });
    expect(refusalOf(() => r.check(reject('改主意'))).type).toBe('StateConflict');

    const rev = r.revision;
    r.supply(['parent-id'], '2026-03-04T01:00:00.000Z');
    expect(r.state.status).toBe('awaiting_material');
    expect(r.revision).toBe(rev);

    r.supply(['household-book'], '2026-03-04T02:00:00.000Z');
    expect(r.state.status).toBe('approved');
    expect(r.closed()).toBe(true);
    expect(r.state.promised).toEqual([{ material: 'household-book', name: '户口簿', due, receivedAt: '2026-03-04T02:00:00.000Z' }]);
    expect(r.nextTimer()).toBeUndefined();
  });

  it('does not share the promised list with the input', () => {
    const list = promised();
    const r = record(MON, { promised: list });
    r.supply(['household-book'], '2026-03-03T02:00:00.000Z');
    expect(r.state.promised![0]!.receivedAt).toBe('2026-03-03T02:00:00.000Z');
    expect(list[0]!.receivedAt).toBeUndefined();
  });

  it('suspends the item when the material is late, then returns it (退件) after the grace period', () => {
    const r = record(MON, { promised: promised() });
    act(r, approve(), '2026-03-03T02:00:00.000Z');

    const dueTimer = fireNext(r, 'material-due');
    expect(dueTimer).toEqual({ kind: 'material-due', at: due, material: 'household-book' });
    expect(r.state.promised![0]!.overdueAt).toBe(due);
    expect(r.state.status).toBe('awaiting_material');
    expect(r.state.clock).toBe('suspended');
    expect(r.state.suspensions).toEqual([{ from: due, reason: 'material' }]);
    expect(r.outbox).toEqual([
      expect.objectContaining({
        kind: 'material-overdue',
        to: 'applicant',
        body: expect.objectContaining({ material: 'household-book', graceDays: DEFAULT_POLICY.materialGraceDays }),
      }),
    ]);

    const returnAt = plus(due, DEFAULT_POLICY.materialGraceDays);
    expect(returnAt).toBe(endOf('2026-03-26'));
    expect(r.nextTimer()).toEqual({ kind: 'material-returned', at: returnAt, material: 'household-book' });
    fireNext(r, 'material-returned');
    expect(r.state.status).toBe('rejected');
    expect(r.closed()).toBe(true);
    expect(r.state.reason).toContain('退件');
    expect(r.state.reason).toContain('户口簿');
    expect(r.state.decision).toMatchObject({ decision: 'reject', actor: { sub: 'system' }, at: returnAt });
    expect(r.outbox.map((n) => [n.kind, n.to])).toEqual([
      ['material-overdue', 'applicant'],
      ['returned', 'applicant'],
    ]);
    expect(r.outbox[1]!.body).toMatchObject({ material: 'household-book' });
  });

  it('resumes the clock when a late material arrives during the grace period', () => {
    const r = record(MON, { promised: promised() });
    r.take(officerA, MON);
    fireNext(r, 'material-due'); // before any decision: still in review
    expect(r.state.status).toBe('in_review');
    expect(r.state.clock).toBe('suspended');
    expect(refusalOf(() => r.check(approve())).type).toBe('StateConflict');
    const late = '2026-03-10T02:00:00.000Z'; // (3/5, 3/10]: 3/6, 3/9, 3/10
    r.supply(['household-book'], late);
    expect(r.state.clock).toBe('running');
    expect(r.state.suspensions).toEqual([{ from: due, to: late, reason: 'material' }]);
    expect(r.state.deadline).toBe(plus(MON, 20 + 3));
    act(r, approve(), '2026-03-10T03:00:00.000Z');
    expect(r.state.status).toBe('approved');
  });
});

describe('ItemRecord: joint procedures', () => {
  it('refuses approval until every joint procedure is signed off', () => {
    const r = record(MON, { blockedBy: ['joint-survey', 'joint-review'] });
    expect(refusalOf(() => r.check(approve())).type).toBe('StateConflict');
    expect(() => r.check(reject('不符合条件'))).not.toThrow();
    r.jointCompleted('joint-survey');
    expect(r.state.blockedBy).toEqual(['joint-review']);
    expect(refusalOf(() => r.check(approve())).type).toBe('StateConflict');
    r.jointCompleted('joint-review');
    expect(r.state.blockedBy).toEqual([]);
    act(r, approve(), '2026-03-03T02:00:00.000Z');
    expect(r.state.status).toBe('approved');
  });
});

describe('ItemRecord: warning and overdue', () => {
  it('warns before the deadline, escalates when overdue, and then lets post B decide before postBFrom', () => {
    // Post A has longer than the item's limit, so only the escalation can bring B in.
    const policy: Policy = { ...DEFAULT_POLICY, postADays: 10 };
    const r = record(MON, { item: birthCert, policy });
    expect(r.state.postBFrom).toBe(endOf('2026-03-16'));

    const warn = fireNext(r, 'warn');
    expect(warn.at).toBe(endOf('2026-03-06'));
    expect(r.state.warned).toBe(true);
    expect(r.outbox).toEqual([
      expect.objectContaining({ kind: 'warning', to: 'department', department: 'wsjk', body: expect.objectContaining({ deadline: endOf('2026-03-09') }) }),
    ]);
    expect(refusalOf(() => r.check(approve(wsjkB))).type).toBe('StateConflict');

    const overdue = fireNext(r, 'overdue');
    expect(overdue.at).toBe(endOf('2026-03-09'));
    expect(r.state.overdue).toBe(true);
    const escalations = r.outbox.filter((n) => n.kind === 'overdue');
    expect(escalations.map((n) => n.to)).toEqual(['department', 'lead', 'coordinator']);
    expect(escalations[0]).toMatchObject({ department: 'wsjk', body: { escalateTo: 'B岗', deadline: endOf('2026-03-09') } });
    expect(escalations[1]!.department).toBeUndefined();
    expect(new Set(r.outbox.map((n) => n.key)).size).toBe(r.outbox.length);

    // The only timer left is postB; the deadline timers fired once.
    expect(r.nextTimer()).toEqual({ kind: 'postB', at: endOf('2026-03-16') });
    const at = '2026-03-10T02:00:00.000Z';
    expect(Date.parse(at)).toBeLessThan(Date.parse(r.state.postBFrom!));
    act(r, approve(wsjkB, { certNo: 'N1' }), at);
    expect(r.state.status).toBe('approved');
    expect(r.state.decision).toMatchObject({ actingFor: 'A', actor: { sub: 'wsjk-b' } });
  });

  it('orders the timers: postB, warn, overdue', () => {
    const r = record(MON, { item: birthCert });
    const kinds: string[] = [];
    let last = 0;
    for (let timer = r.nextTimer(); timer; timer = r.nextTimer()) {
      expect(Date.parse(timer.at)).toBeGreaterThanOrEqual(last);
      last = Date.parse(timer.at);
      kinds.push(timer.kind);
      r.fire(timer, timer.at);
    }
    expect(kinds).toEqual(['postB', 'warn', 'overdue']);
    expect(r.state.status).toBe('in_review');
  });
});

describe('ItemRecord: an expired limit stays expired (issue #16)', () => {
  /** 5 working days (birth-cert's legal limit) from a Shanghai date at 10:00. */
  const from = (date: string): ItemRecord =>
    record(new Date(`${date}T10:00:00+08:00`).toISOString(), { item: birthCert, policy: { ...DEFAULT_POLICY, postADays: 30 } });
  const sh = (date: string, time = '10:00'): string => new Date(`${date}T${time}:00+08:00`).toISOString();

  it('a suspension after the limit ran out keeps the deadline, the item overdue and a later decision late', () => {
    // Accepted Fri 3/27/2026: the limit runs out Fri 4/3.
    const r = from('2026-03-27');
    expect(r.state.deadline).toBe(endOf('2026-04-03'));
    fireNext(r, 'warn');
    fireNext(r, 'overdue');
    expect(r.state.overdue).toBe(true);
    act(r, suspend('inspection', 3, wsjkA), sh('2026-04-04'));
    expect(r.state.deadline).toBe(endOf('2026-04-03'));
    act(r, resume(wsjkA), sh('2026-04-08'));
    expect(r.state.deadline).toBe(endOf('2026-04-03'));
    expect(r.state.overdue).toBe(true);
    act(r, approve(wsjkA, { certNo: 'N1' }), sh('2026-04-08', '15:00'));
    // What the statistics read: decided after the deadline.
    expect(Date.parse(r.state.decision!.at)).toBeGreaterThan(Date.parse(r.state.deadline!));
  });

  it('a correction asked after the limit ran out gives nothing back either', () => {
    const r = from('2026-03-27');
    fireNext(r, 'warn');
    fireNext(r, 'overdue');
    act(r, { decision: 'correction', missing: ['delivery-record'], reason: '不清晰', actor: wsjkA }, sh('2026-04-07'));
    r.supply(['delivery-record'], sh('2026-04-09'));
    expect(r.state.status).toBe('in_review');
    expect(r.state.deadline).toBe(endOf('2026-04-03'));
  });

  it('an extension is refused once the limit has run out (§42: approved within the limit)', () => {
    const r = from('2026-03-27');
    fireNext(r, 'warn');
    fireNext(r, 'overdue');
    expect(refusalOf(() => r.check(extend(5, '局长', '情况复杂', wsjkA))).message).toContain('已超过办理时限');
  });

  it('a suspension on the last day restarts the clock at the resumption: the deadline never falls inside it', () => {
    // Accepted Mon 3/23: out on Mon 3/30. Suspended that day, resumed Sun 4/5 (清明 4/4–4/6).
    const r = from('2026-03-23');
    expect(r.state.deadline).toBe(endOf('2026-03-30'));
    act(r, suspend('inspection', 3, wsjkA), sh('2026-03-30'));
    act(r, resume(wsjkA), sh('2026-04-05'));
    expect(r.state.deadline).toBe(endOf('2026-04-07'));
    expect(r.nextTimer()).toMatchObject({ kind: 'warn' });
    expect(r.state.overdue).toBe(false);
  });

  it('an execution begun before the ledger rules keeps the old count (replay)', () => {
    const legacy = new ItemRecord(
      { applicationId: 'A1', item: birthCert, inputs: {}, calendar: seedCalendar, policy: { ...DEFAULT_POLICY, postADays: 30 }, promised: [], blockedBy: [] },
      sh('2026-03-27'),
      { ledger: false, reproject: false },
    );
    fireNext(legacy, 'warn');
    fireNext(legacy, 'overdue');
    act(legacy, suspend('inspection', 3, wsjkA), sh('2026-04-04'));
    act(legacy, resume(wsjkA), sh('2026-04-08'));
    expect(legacy.state.deadline).toBe(endOf('2026-04-08'));
  });
});

describe('ItemRecord: a published calendar moves every clock (issue #16.4)', () => {
  const withHoliday = (date: string): WorkingCalendar => ({
    years: { ...seedCalendar.years, '2026': { ...seedCalendar.years['2026']!, holidays: [...seedCalendar.years['2026']!.holidays, date] } },
  });
  const moved = withHoliday('2026-03-03');

  it('moves the AB岗 hand-over, the warning and the deadline', () => {
    const r = record(MON, { item: birthCert });
    expect(r.state.postBFrom).toBe(endOf('2026-03-03'));
    r.setCalendar(moved, '2026-03-02T03:00:00.000Z');
    expect(r.state.postBFrom).toBe(endOf('2026-03-04'));
    expect(r.state.deadline).toBe(endOf('2026-03-10'));
    expect(r.state.warnAt).toBe(endOf('2026-03-09'));
  });

  it('moves the correction due date and a 容缺 material due date (from its clock)', () => {
    const promised: PromisedMaterial[] = [{ material: 'household-book', name: '户口簿', due: endOf('2026-03-05'), from: MON, days: 3 }];
    const r = record(MON, { promised });
    act(r, correction(['parent-id']), '2026-03-02T03:00:00.000Z');
    expect(r.state.correction!.dueAt).toBe(endOf('2026-03-16'));
    r.setCalendar(moved, '2026-03-02T04:00:00.000Z');
    expect(r.state.correction!.dueAt).toBe(endOf('2026-03-17'));
    expect(r.state.promised![0]!.due).toBe(endOf('2026-03-06'));
    // The timers follow: the material's due date is the next thing to happen.
    expect(r.nextTimer()).toEqual({ kind: 'material-due', at: endOf('2026-03-06'), material: 'household-book' });
  });
});

describe('ItemRecord: a correction names the item’s own materials, each with its reason (issue #14 row 2)', () => {
  it('refuses a material the item does not have, naming the field', () => {
    const r = record(MON);
    const refusal = refusalOf(() => r.check(correction(['ghost'])));
    expect(refusal).toMatchObject({ type: 'InvalidDecision', message: expect.stringContaining('ghost (missing)') });
    expect(r.state.status).toBe('in_review');
  });

  it('takes a reason per material, and tells each in the one notice', () => {
    const r = record(MON);
    const d: DecideItemInput = {
      decision: 'correction',
      missing: [
        { material: 'household-book', reason: '户口簿内页缺少户主页' },
        { material: 'marriage-cert', reason: '结婚证照片模糊' },
      ],
      actor: officerA,
    };
    act(r, d, MON);
    expect(r.state.correction).toMatchObject({
      missing: ['household-book', 'marriage-cert'],
      reasons: { 'household-book': '户口簿内页缺少户主页', 'marriage-cert': '结婚证照片模糊' },
    });
    expect(r.outbox.at(-1)).toMatchObject({
      kind: 'correction',
      body: {
        missing: [
          { material: 'household-book', reason: '户口簿内页缺少户主页' },
          { material: 'marriage-cert', reason: '结婚证照片模糊' },
        ],
      },
    });
    // Answered material by material, as before.
    r.supply(['household-book', 'marriage-cert'], '2026-03-03T02:00:00.000Z');
    expect(r.state.status).toBe('in_review');
  });

  it('still takes the old shape, one reason for all', () => {
    const r = record(MON);
    act(r, correction(['parent-id']), MON);
    expect(r.outbox.at(-1)).toMatchObject({ body: { missing: [{ material: 'parent-id', reason: '材料不清晰' }] } });
    // Without any reason at all it is refused.
    expect(refusalOf(() => record(MON).check({ decision: 'correction', missing: ['parent-id'], actor: officerA })).message).toContain('(reason)');
  });
});

describe('ItemRecord: a 告知承诺 grant with a promised 容缺 material (issue #14 row 3)', () => {
  const promised = (): PromisedMaterial[] => [{ material: 'household-book', name: '户口簿', due: plus(MON, 3), from: MON, days: 3 }];

  it('waits for the material: its deadline fires, and the result is issued only once it arrives', () => {
    const r = record(MON, { promised: promised() });
    r.grantOnPledge(MON);
    expect(r.state.status).toBe('awaiting_material');
    expect(r.closed()).toBe(false);
    expect(r.nextTimer()).toMatchObject({ kind: 'material-due', material: 'household-book' });
    r.supply(['household-book'], '2026-03-03T02:00:00.000Z');
    expect(r.state.status).toBe('approved');
    expect(r.state.result).toEqual({ grantedOnCommitment: true });
  });

  it('keeps the breach rule: still missing after the grace period, the item is returned', () => {
    const r = record(MON, { promised: promised() });
    r.grantOnPledge(MON);
    fireNext(r, 'material-due');
    expect(r.state.clock).toBe('suspended');
    fireNext(r, 'material-returned');
    expect(r.state.status).toBe('rejected');
  });

  it('completes at once with nothing promised, and in executions begun before the patch', () => {
    const plain = record(MON);
    plain.grantOnPledge(MON);
    expect(plain.state.status).toBe('approved');
    const legacy = new ItemRecord(
      { applicationId: 'A1', item: hukou, inputs: {}, calendar: seedCalendar, policy: DEFAULT_POLICY, promised: promised(), blockedBy: [] },
      MON,
      { ledger: true, reproject: true, pledgeAwaitsMaterials: false },
    );
    legacy.grantOnPledge(MON);
    expect(legacy.state.status).toBe('approved');
  });
});

describe('ItemRecord: decision validation', () => {
  it('refuses a rejection without reason and a correction without missing materials or reason', () => {
    const r = record(MON);
    const rev = r.revision;
    expect(refusalOf(() => r.check(reject(undefined))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(reject('   '))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(correction(undefined))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(correction([]))).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check({ decision: 'correction', missing: ['household-book'], actor: officerA })).type).toBe('InvalidDecision');
    expect(refusalOf(() => r.check(correction(['household-book'], ' '))).type).toBe('InvalidDecision');
    expect(() => r.check(reject('不符合登记条件'))).not.toThrow();
    expect(() => r.check(correction(['household-book']))).not.toThrow();
    expect(r.revision).toBe(rev);
    expect(r.state.decisions).toEqual([]);
  });

  it('records a rejection with its reason', () => {
    const r = record(MON);
    act(r, reject('不符合登记条件'), '2026-03-03T02:00:00.000Z');
    expect(r.state).toMatchObject({ status: 'rejected', reason: '不符合登记条件', decision: { decision: 'reject', actor: { sub: 'gaj-a' } } });
    expect(r.closed()).toBe(true);
  });

  const all = (): DecideItemInput[] => [
    approve(),
    reject('不符合'),
    correction(['household-book']),
    suspend('inspection', 5),
    resume(),
    extend(2, '局长', '复杂'),
  ];

  it.each([
    ['approved', (r: ItemRecord) => act(r, approve(), '2026-03-03T02:00:00.000Z')],
    ['rejected', (r: ItemRecord) => act(r, reject('不符合'), '2026-03-03T02:00:00.000Z')],
    ['correction_requested', (r: ItemRecord) => act(r, correction(['household-book']), '2026-03-03T02:00:00.000Z')],
  ] as const)('refuses every decision once the item is %s', (status, bring) => {
    const r = record(MON);
    bring(r);
    expect(r.state.status).toBe(status);
    for (const d of all()) expect(refusalOf(() => r.check(d)).type).toBe('StateConflict');
  });

  it('refuses every decision while the result waits for a promised material', () => {
    const r = record(MON, { promised: [{ material: 'household-book', name: '户口簿', due: plus(MON, 3) }] });
    act(r, approve(), '2026-03-03T02:00:00.000Z');
    expect(r.state.status).toBe('awaiting_material');
    for (const d of all()) expect(refusalOf(() => r.check(d)).type).toBe('StateConflict');
  });
});

describe('ItemRecord: revision', () => {
  it('increases on every change and only on a change', () => {
    const r = record(MON, { blockedBy: ['joint-survey'], promised: [{ material: 'marriage-cert', name: '结婚证', due: plus(MON, 20) }] });
    const seen = [r.revision];
    const changed = () => {
      expect(r.revision).toBeGreaterThan(seen.at(-1)!);
      seen.push(r.revision);
    };
    const unchanged = () => expect(r.revision).toBe(seen.at(-1));

    expect(r.revision).toBeGreaterThan(0);
    r.check(reject('x'));
    unchanged();
    refusalOf(() => r.check(approve()));
    unchanged();
    r.take(officerA, MON);
    changed();
    r.jointCompleted('joint-survey');
    changed();
    act(r, correction(['household-book']), '2026-03-03T02:00:00.000Z');
    changed();
    r.supply(['parent-id'], '2026-03-03T03:00:00.000Z');
    unchanged();
    r.supply(['household-book'], '2026-03-04T02:00:00.000Z');
    changed();
    act(r, extend(1, '局长', '复杂'), '2026-03-04T03:00:00.000Z');
    changed();
    act(r, suspend('appraisal', 2), '2026-03-04T04:00:00.000Z');
    changed();
    act(r, resume(), '2026-03-05T02:00:00.000Z');
    changed();
    r.setCalendar(seedCalendar, '2026-03-05T03:00:00.000Z');
    changed();
    r.fire(r.nextTimer()!, r.nextTimer()!.at);
    changed();
    act(r, approve(), '2026-03-06T02:00:00.000Z');
    changed();
    r.supply(['marriage-cert'], '2026-03-06T03:00:00.000Z');
    changed();
    expect(r.state.status).toBe('approved');
  });
});

describe('ItemRecord: bounds that keep the history small', () => {
  const at = (minute: number) => new Date(Date.parse('2026-03-03T02:00:00.000Z') + minute * 60_000).toISOString();

  it('refuses a result over 8 KiB as UTF-8 JSON (Chinese: 3 bytes a character) and takes one at the bound', () => {
    // 8 KiB = 8192 bytes; {"licence":"…"} is 14 bytes around the text.
    const over = refusalOf(() => record(MON).check(approve(officerA, { licence: '证'.repeat(2727) }))); // 14 + 8181 = 8195
    expect(over.type).toBe('InvalidDecision');
    expect(over.message).toContain('8192');
    const r = record(MON);
    act(r, approve(officerA, { licence: '证'.repeat(2726) }), at(1)); // 14 + 8178 = 8192
    expect(r.state.status).toBe('approved');
  });

  it('caps suspensions, corrections and extensions at 10 together, and still lets the clock resume and the item be decided', () => {
    const r = record(MON);
    let minute = 0;
    act(r, extend(1, '局长', '案情复杂'), at(++minute));
    for (let i = 0; i < 9; i++) {
      act(r, suspend('testing', 1), at(++minute));
      if (i < 8) act(r, resume(), at(++minute));
    }
    // 1 extension + 9 suspensions = 10: the 11th interim decision of any kind is refused …
    for (const d of [suspend('hearing', 1), extend(1, '局长', '再延'), correction(['birth-certificate'])])
      expect(refusalOf(() => r.check(d)).message).toContain('上限');
    // … resuming is not, nor is the final decision once the clock runs again.
    act(r, resume(), at(++minute));
    act(r, approve(), at(++minute));
    expect(r.state.status).toBe('approved');
    expect(r.state.decisions).toHaveLength(1 + 9 + 9 + 1);
  });
});
