// Joint procedures (并联审批, 联合勘验 …; 8.3.2, R-5.2): organised by the lead department, complete
// only when every participating department has agreed. A dissent blocks the procedure's items and
// goes to the lead, who asks the dissenting department to reconsider or rejects the items with the
// dissent as the reason. Each department signs off within `policy.jointDays` working days
// (7, 国发〔1999〕9号), warned and escalated like an item. Pure: no Temporal APIs.
import type { Policy } from '../shared/policy.js';
import { Refusal } from '../shared/refusal.js';
import { addWorkingDays, type WorkingCalendar } from '../shared/working-days.js';
import type { JointClock, JointState, ResolveJointInput, SignOffInput } from './messages.js';

export type JointTimer = { kind: 'joint-warn' | 'joint-overdue'; at: string; joint: string; department: string };

/** The sign-offs that stand: each department's latest, unless the lead sent it back for reconsideration. */
export function standing(j: JointState): JointState['signedOff'] {
  return j.signedOff.filter((s) => !s.reconsideredAt);
}

export function dissents(j: JointState): JointState['signedOff'] {
  return standing(j).filter((s) => s.verdict === 'dissent');
}

/** Departments whose sign-off is still awaited. */
export function awaited(j: JointState): string[] {
  const signed = new Set(standing(j).map((s) => s.department));
  return j.departments.filter((d) => !signed.has(d));
}

export const concluded = (j: JointState): boolean => !!j.completedAt;

/** Starts the sign-off clocks of every department (when the first of the procedure's items is dispatched). */
export function openClocks(j: JointState, now: string, policy: Policy, calendar: WorkingCalendar): void {
  if (j.clocks || concluded(j)) return;
  j.openedAt = now;
  j.clocks = awaited(j).map((department) => clockOf(department, now, policy, calendar));
}

function clockOf(department: string, from: string, policy: Policy, calendar: WorkingCalendar): JointClock {
  const { due, warnAt } = dues(from, policy, calendar);
  return { department, from, due, warnAt };
}

function dues(from: string, policy: Policy, calendar: WorkingCalendar) {
  const days = policy.jointDays;
  const warnDays = Math.max(0, Math.floor(days * policy.warnFraction));
  return { due: addWorkingDays(from, days, calendar).deadline, warnAt: addWorkingDays(from, warnDays, calendar).deadline };
}

export function checkSignOff(j: JointState, { actor, verdict, opinion }: SignOffInput): void {
  if (actor.role !== 'department' || !j.departments.includes(actor.dept ?? '')) {
    throw new Refusal('StateConflict', `${actor.dept ?? actor.role} 不是联合办理程序 ${j.code} 的参与部门`);
  }
  if (concluded(j)) throw new Refusal('StateConflict', `联合办理程序 ${j.code} 已${j.outcome === 'rejected' ? '由牵头部门作出不予批准的决定' : '完成'}`);
  if (standing(j).some((s) => s.department === actor.dept)) throw new Refusal('StateConflict', `${actor.dept} 已会签 ${j.code}`);
  if (verdict === 'dissent' && !opinion?.trim()) throw new Refusal('InvalidDecision', '不同意须说明意见和理由 (opinion)');
}

/** Records the sign-off; 'completed' when every department has agreed, 'dissent' when this one objects. */
export function signOff(j: JointState, { actor, opinion, verdict }: SignOffInput, now: string): 'pending' | 'dissent' | 'completed' {
  j.signedOff.push({ department: actor.dept!, actor, at: now, opinion, ...(verdict ? { verdict } : {}) });
  if (j.clocks) j.clocks = j.clocks.filter((c) => c.department !== actor.dept);
  if (verdict === 'dissent') return 'dissent';
  if (awaited(j).length > 0 || dissents(j).length > 0) return 'pending';
  Object.assign(j, { completedAt: now, outcome: 'agreed' });
  return 'completed';
}

export function checkResolve(j: JointState, { actor, action, department, reason }: ResolveJointInput): void {
  if (actor.role !== 'department' || actor.dept !== j.lead) throw new Refusal('StateConflict', `只有牵头部门 ${j.lead} 可以处理联合办理程序 ${j.code} 的分歧`);
  if (concluded(j)) throw new Refusal('StateConflict', `联合办理程序 ${j.code} 已结束`);
  const open = dissents(j);
  if (open.length === 0) throw new Refusal('StateConflict', `联合办理程序 ${j.code} 没有待处理的不同意意见`);
  if (action === 'reconsider') {
    if (department !== undefined && !open.some((s) => s.department === department)) {
      throw new Refusal('InvalidDecision', `${department} 没有不同意意见待复议 (department)`);
    }
    if (department === undefined && open.length > 1) throw new Refusal('InvalidDecision', `有 ${open.length} 个部门不同意，请指明复议的部门 (department)`);
  }
  if (action === 'reject' && department !== undefined) throw new Refusal('InvalidDecision', '不予批准针对全部事项，不指明部门 (department)');
  if (reason !== undefined && !reason.trim()) throw new Refusal('InvalidDecision', '理由不能为空 (reason)');
}

/**
 * The lead's resolution. `reconsider`: the dissent is sent back, the department signs off again
 * within a new period. `reject`: the procedure ends; the returned reason rejects its items.
 */
export function resolve(
  j: JointState,
  input: ResolveJointInput,
  now: string,
  policy: Policy,
  calendar: WorkingCalendar,
): { reconsidered?: string; rejectReason?: string } {
  const open = dissents(j);
  // reconsider: the department named, or the one dissenting (checkResolve saw to it that there is one).
  const department = input.action === 'reconsider' ? (input.department ?? open[0]!.department) : undefined;
  (j.resolutions ??= []).push({
    action: input.action,
    ...(department ? { department } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    actor: input.actor,
    at: now,
  });
  if (department) {
    for (const s of open) if (s.department === department) s.reconsideredAt = now;
    if (j.clocks) j.clocks.push(clockOf(department, now, policy, calendar));
    return { reconsidered: department };
  }
  Object.assign(j, { completedAt: now, outcome: 'rejected', clocks: [] });
  const why = open.map((s) => `${s.department}不同意：${s.opinion}`).join('；');
  return { rejectReason: `联合办理程序（${j.kind}）未获通过：${why}${input.reason ? `。牵头部门意见：${input.reason}` : ''}` };
}

/** The next sign-off warning or deadline of any open procedure. */
export function nextJointTimer(joints: JointState[]): JointTimer | undefined {
  const timers: JointTimer[] = [];
  for (const j of joints) {
    if (concluded(j)) continue;
    for (const c of j.clocks ?? []) {
      if (!c.warned) timers.push({ kind: 'joint-warn', at: c.warnAt, joint: j.code, department: c.department });
      else if (!c.overdue) timers.push({ kind: 'joint-overdue', at: c.due, joint: j.code, department: c.department });
    }
  }
  return timers.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
}

/** Marks the clock warned or overdue; returns it (undefined if the sign-off came in the meantime). */
export function fireJointTimer(joints: JointState[], timer: JointTimer): JointClock | undefined {
  const clock = joints.find((j) => j.code === timer.joint && !concluded(j))?.clocks?.find((c) => c.department === timer.department);
  if (!clock) return undefined;
  if (timer.kind === 'joint-warn') clock.warned = true;
  else Object.assign(clock, { warned: true, overdue: true });
  return clock;
}

/** Every open sign-off clock counted again on a newly published calendar; returns what moved. */
export function reprojectJoint(joints: JointState[], policy: Policy, calendar: WorkingCalendar): { clock: string; from: string; to: string }[] {
  const moved: { clock: string; from: string; to: string }[] = [];
  for (const j of joints) {
    if (concluded(j)) continue;
    for (const c of j.clocks ?? []) {
      const { due, warnAt } = dues(c.from, policy, calendar);
      if (due !== c.due) moved.push({ clock: `joint:${j.code}:${c.department}`, from: c.due, to: due });
      if (!c.overdue) c.due = due;
      if (!c.warned) c.warnAt = warnAt;
    }
  }
  return moved;
}

/** The department that organises a procedure (5.2): the bundle's lead, else the department of its first item. */
export function leadOf(bundleLead: string | undefined, departments: string[]): string {
  return bundleLead ?? departments[0]!;
}
