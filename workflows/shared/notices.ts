// Notices the workflows produce; activities put each into the outbox exactly once (by key).

export type NoticeKind =
  | 'incomplete' // 一次告知: every missing material at once
  | 'accepted' // 受理通知, with promised materials and their deadlines
  | 'expired'
  | 'correction' // 补正告知
  | 'suspension' // §45: the reason and expected time
  | 'material-overdue'
  | 'returned' // 退件
  | 'warning' // 预警 to the department
  | 'overdue' // 超期 escalation: post B, lead department, coordinator
  | 'withdrawn'
  | 'outcome' // the one final feedback
  | 'delivery'
  | 'revoked'
  | 'joint' // a joint procedure's dissent: to the lead department; its request to reconsider: to the dissenter
  | 'rectification' // 好差评 整改: assignment, reply, reminders, escalations
  | 'ticket' // 12345 work orders
  | 'proposed' // 政策服务免申办: an event proposed a bundle; the subject confirms or declines
  | 'proposal-expired';

export type Audience = 'applicant' | 'department' | 'lead' | 'coordinator';

export interface Notice {
  /** Unique per application: retries and replays never send a notice twice. */
  key: string;
  kind: NoticeKind;
  to: Audience;
  /** Department code for department notices. */
  department?: string;
  title: string;
  body: Record<string, unknown>;
}

/** A case's notice (a rectification's, a ticket's): keyed by the case and its running number; a department notice goes to the case's department. */
export function caseNotice(
  kind: 'rectification' | 'ticket',
  id: string,
  seq: number,
  department: string,
  to: Audience,
  title: string,
  body: Record<string, unknown>,
): Notice {
  return { key: `${kind}:${id}:${seq}`, kind, to, department: to === 'department' ? department : undefined, title, body };
}
