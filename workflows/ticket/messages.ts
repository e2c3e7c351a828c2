// 12345 hotline work orders (standard 9.5): 受理 → 派单 → 办理 → 回复 → 督办 → 办结 → 回访.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor.js';
import type { CaseClock } from '../shared/case-clock.js';
import type { WorkingCalendar } from '../shared/working-days.js';

export const TICKET_TYPES = ['urgent', 'consultation', 'help', 'suggestion', 'complaint', 'report'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

/** Working days per type (one bureau's limits, DOMAIN.md); urgent is the same day. Data, not law. */
export const TICKET_DAYS: Record<TicketType, number> = { urgent: 0, consultation: 3, help: 3, suggestion: 5, complaint: 13, report: 13 };
export const TICKET_LABELS: Record<TicketType, string> = {
  urgent: '紧急',
  consultation: '咨询',
  help: '求助',
  suggestion: '建议',
  complaint: '投诉',
  report: '举报',
};

export interface TicketInput {
  id: string;
  type: TicketType;
  subject: string;
  /** The application the ticket is about, if any (its number; never personal data here). */
  applicationId?: string;
  department: string;
  createdBy: Actor;
  days: number;
  calendar: WorkingCalendar;
}

export interface TicketState {
  id: string;
  type: TicketType;
  subject: string;
  applicationId?: string;
  department: string;
  status: 'dispatched' | 'replied' | 'closed';
  clock: CaseClock;
  overdue: boolean;
  reply?: { text: string; actor: Actor; at: string };
  visit?: { satisfied: boolean; note: string; actor: Actor; at: string };
  closedAt?: string;
}

export const replyTicket = defineUpdate<TicketState, [{ text: string; actor: Actor }]>('replyTicket');
export const closeTicket = defineUpdate<TicketState, [{ satisfied: boolean; note: string; actor: Actor }]>('closeTicket');
export const ticketState = defineQuery<TicketState>('ticketState');
