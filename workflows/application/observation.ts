// What the operators' timeline reads from each read-model write of an application: since those
// writes are local activities (no input kept in the history), the write returns this small summary,
// which the history keeps as the activity's result. Pure; shared by the activity and the API.
import type { ApplicationState } from './messages.js';

export interface ApplicationObservation {
  status: ApplicationState['status'];
  acceptedAt?: string;
  deadline?: string;
  intakeReview?: { outcome?: NonNullable<ApplicationState['intakeReview']>['outcome'] };
  receipt: { items: { code: string }[]; promised: { material: string; due: string }[] };
  /** Only the cancelled items (with why): the rest the timeline reads from the items' own histories. */
  items: { code: string; status: 'cancelled'; reason?: string }[];
  /** Only system delivery events: people's show from their own updates. */
  delivery: { method: ApplicationState['delivery']['method']; events: { event: string; at: string }[] };
}

export function observe(state: ApplicationState): ApplicationObservation {
  return {
    status: state.status,
    acceptedAt: state.acceptedAt,
    deadline: state.deadline,
    intakeReview: state.intakeReview && { outcome: state.intakeReview.outcome },
    receipt: { items: state.receipt.items.map(({ code }) => ({ code })), promised: state.receipt.promised.map(({ material, due }) => ({ material, due })) },
    items: state.items.filter((i) => i.status === 'cancelled').map((i) => ({ code: i.code, status: 'cancelled' as const, reason: i.reason })),
    delivery: { method: state.delivery.method, events: state.delivery.events.filter((e) => !e.actor).map(({ event, at }) => ({ event, at })) },
  };
}
