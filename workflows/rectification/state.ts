// The rectification's steps and who may take each: 核实 → 整改 → 答复 → 回访, with 申诉复核. Pure.
import type { Actor } from '../shared/actor.js';
import { caseClock, recountClock } from '../shared/case-clock.js';
import type { WorkingCalendar } from '../shared/working-days.js';
import { caseNotice, type Notice } from '../shared/notices.js';
import { OUTCOME_LABELS, type RectificationInput, type RectificationState, type RectificationStatus, type Step, type StepInput } from './messages.js';
import { Refusal } from '../shared/refusal.js';

export type { Step };

const RULES: Record<Step, { from: RectificationStatus[]; to: RectificationStatus; who: (a: Actor, r: RectificationRecord) => boolean; label: string }> = {
  check: { from: ['assigned'], to: 'checked', who: (a, r) => r.isDepartment(a), label: '核实' },
  rectify: { from: ['checked'], to: 'rectified', who: (a, r) => r.isDepartment(a), label: '整改' },
  reply: { from: ['rectified'], to: 'replied', who: (a, r) => r.isDepartment(a), label: '答复评价人' },
  'return-visit': { from: ['replied'], to: 'closed', who: (a) => a.role === 'hotline' || a.role === 'coordinator', label: '回访' },
  appeal: { from: ['replied', 'closed'], to: 'appealed', who: (a, r) => a.role === 'applicant' && a.sub === r.input.evaluator, label: '申诉复核' },
  'appeal-decision': { from: ['appealed'], to: 'closed', who: (a) => a.role === 'coordinator', label: '复核决定' },
  // DB32/T 4660: the department rated may appeal a review it holds unfounded, before it rectifies.
  dispute: { from: ['assigned', 'checked'], to: 'disputed', who: (a, r) => r.isDepartment(a), label: '部门申诉' },
  'dispute-decision': { from: ['disputed'], to: 'closed', who: (a) => a.role === 'coordinator', label: '申诉裁定' },
};

export class RectificationRecord {
  readonly state: RectificationState;
  readonly outbox: Notice[] = [];
  revision = 0;
  /** Where a dispute returns to when not upheld. */
  private beforeDispute?: RectificationStatus;
  /** The calendar in force: the input's until a newer one is published. */
  calendar: WorkingCalendar;
  private noticeSeq = 0;

  constructor(
    readonly input: RectificationInput,
    now: string,
  ) {
    this.calendar = input.calendar;
    this.state = {
      id: input.id,
      applicationId: input.applicationId,
      department: input.department,
      item: input.item,
      rating: input.rating,
      status: 'assigned',
      clock: caseClock(now, input.days, input.calendar),
      overdue: false,
      steps: [],
    };
    this.notify('department', `差评整改：申请 ${input.applicationId} 收到${input.rating === 1 ? '非常不满意' : '不满意'}评价`, { comment: input.comment });
  }

  isDepartment(a: Actor): boolean {
    return a.role === 'department' && a.dept === this.input.department;
  }

  /** Why the step is refused (state or actor: a conflict; missing input: invalid), or undefined. */
  /** Throws the Refusal of a step the state or the input does not allow. */
  check(step: Step, input: StepInput): void {
    const refused = this.refusal(step, input);
    if (refused) throw new Refusal(refused.type, refused.message);
  }

  refusal(step: Step, input: StepInput): { type: 'StateConflict' | 'InvalidDecision'; message: string } | undefined {
    const rule = RULES[step];
    const conflict = (message: string) => ({ type: 'StateConflict' as const, message });
    const invalid = (message: string) => ({ type: 'InvalidDecision' as const, message });
    if (!rule.from.includes(this.state.status)) return conflict(`整改当前状态为 ${this.state.status}，不能${rule.label}`);
    if (!rule.who(input.actor, this)) return conflict(`${input.actor.role}${input.actor.dept ? `(${input.actor.dept})` : ''} 不能${rule.label}`);
    if (step === 'appeal' && this.state.status === 'closed' && this.state.satisfied !== false) return conflict('评价人已表示满意，无需申诉');
    if (!input.text?.trim()) return invalid(`${rule.label}须填写说明 (text)`);
    if (step === 'rectify' && !input.outcome) return invalid('整改须选择结果：立行立改、限期整改或解释说明 (outcome)');
    if (step === 'return-visit' && input.satisfied === undefined) return invalid('回访须记录评价人是否满意 (satisfied)');
    if (step === 'dispute-decision' && input.upheld === undefined) return invalid('申诉裁定须说明申诉是否成立 (upheld)');
    return undefined;
  }

  apply(step: Step, input: StepInput, now: string): void {
    const s = this.state;
    const from = s.status;
    s.steps.push({
      step,
      at: now,
      actor: input.actor,
      detail: { text: input.text, outcome: input.outcome, satisfied: input.satisfied, reopen: input.reopen, upheld: input.upheld },
    });
    s.status = RULES[step].to;
    if (step === 'rectify') s.outcome = input.outcome;
    if (step === 'reply') this.notify('applicant', '差评整改答复', { outcome: s.outcome && OUTCOME_LABELS[s.outcome], reply: input.text });
    if (step === 'return-visit') s.satisfied = input.satisfied;
    if (step === 'appeal') this.notify('coordinator', '评价人申诉复核', { reason: input.text });
    if (step === 'dispute') {
      this.beforeDispute = from;
      this.notify('coordinator', '部门对差评提出申诉，请裁定', { reason: input.text });
    }
    if (step === 'dispute-decision') {
      if (input.upheld) {
        s.outcome = 'dismissed';
        this.notify('applicant', '差评申诉裁定：经核实，部门申诉成立', { reason: input.text });
      } else {
        // Not upheld: the rectification goes on where it stood.
        s.status = this.beforeDispute ?? 'assigned';
        this.notify('department', '差评申诉裁定：申诉不成立，请继续整改', { reason: input.text });
      }
    }
    if (step === 'appeal-decision' && input.reopen) {
      // The coordinator upholds the appeal: the department rectifies again, on a new clock.
      Object.assign(s, { status: 'assigned', outcome: undefined, satisfied: undefined, overdue: false, clock: caseClock(now, this.input.days, this.calendar) });
      this.notify('department', '申诉复核：重新整改', { reason: input.text });
    }
    if (s.status === 'closed') s.closedAt = now;
    this.revision += 1;
  }

  /** A newly published calendar: the clock (and the appeal window) count on it from now on. */
  setCalendar(calendar: WorkingCalendar): void {
    this.calendar = calendar;
    this.state.clock = recountClock(this.state.clock, calendar);
    this.revision += 1;
  }

  remind(): void {
    this.state.clock.reminded = true;
    this.notify('department', `整改即将到期（${this.state.clock.dueAt}）`, {});
    this.revision += 1;
  }

  escalate(level: number): void {
    this.state.overdue = true;
    this.state.clock.escalations = level;
    this.notify('coordinator', `整改超期督办（第 ${level} 次）`, { department: this.input.department });
    this.notify('lead', `整改超期督办（第 ${level} 次）`, { department: this.input.department });
    this.revision += 1;
  }

  private notify(to: Notice['to'], title: string, body: Record<string, unknown>): void {
    const { id, department } = this.input;
    this.outbox.push(caseNotice('rectification', id, ++this.noticeSeq, department, to, title, { rectification: id, ...body }));
  }
}
