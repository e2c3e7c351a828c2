// A 12345 work order's rules (standard 9.5), pure: the department replies, the hotline closes;
// the clock reminds before the due date and escalates when it passes.
import { describe, expect, it } from 'vitest';
import { seedCalendar } from '../../../db/catalogue/calendar.js';
import { TicketRecord } from '../../../workflows/ticket/state.js';
import { nthWorkingDayEnd } from '../../helpers/working-days-reference.js';
import { refusalOf } from '../../helpers/refusal.js';

const MON = '2026-03-02T02:00:00.000Z';
const gaj = { sub: 'o', role: 'department' as const, dept: 'gaj' };
const hotline = { sub: 'h', role: 'hotline' as const };
const ticket = () =>
  new TicketRecord({ id: 't1', type: 'consultation', subject: '户口登记进度', department: 'gaj', createdBy: hotline, days: 3, calendar: seedCalendar }, MON);

describe('TicketRecord', () => {
  it('is dispatched to the department with its due date (3 working days for a consultation)', () => {
    const t = ticket();
    expect(t.state.clock.dueAt).toBe(nthWorkingDayEnd(MON, 3));
    expect(t.outbox).toEqual([expect.objectContaining({ to: 'department', department: 'gaj', title: expect.stringContaining('派单') })]);
  });

  it('takes a reply only from its department, with text; the return visit only after it, from the hotline', () => {
    const t = ticket();
    expect(refusalOf(() => t.checkClose({ actor: hotline })).type).toBe('StateConflict');
    expect(refusalOf(() => t.checkReply({ text: '已答复', actor: { ...gaj, dept: 'wsjk' } })).type).toBe('StateConflict');
    expect(refusalOf(() => t.checkReply({ text: ' ', actor: gaj })).type).toBe('InvalidDecision');
    t.reply({ text: '已答复', actor: gaj }, MON);
    expect(t.nextEvent()).toBeUndefined(); // the SLA is met
    expect(refusalOf(() => t.checkClose({ actor: gaj })).type).toBe('StateConflict');
    t.close({ satisfied: true, note: '满意', actor: hotline }, MON);
    expect(t.state).toMatchObject({ status: 'closed', closedAt: MON });
  });

  it('reminds, then escalates to the coordinator and the department, again and again', () => {
    const t = ticket();
    const remind = t.nextEvent()!;
    expect(remind.kind).toBe('remind');
    t.fire(remind);
    const escalate = t.nextEvent()!;
    expect(escalate).toMatchObject({ kind: 'escalate', level: 1, at: nthWorkingDayEnd(MON, 3) });
    t.fire(escalate);
    expect(t.state.overdue).toBe(true);
    expect(t.outbox.slice(-2).map((n) => n.to)).toEqual(['coordinator', 'department']);
    expect(t.nextEvent()).toMatchObject({ kind: 'escalate', level: 2 });
  });
});
