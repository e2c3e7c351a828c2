// GET /v1/applications/:id/history: the readable timeline and the workflows it was read from.
import { Type } from 'typebox';
import { Json } from './common.js';

const TimelineActor = Type.Object({
  sub: Type.String(),
  role: Type.String(),
  dept: Type.Optional(Type.String()),
  post: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('B')])),
  actingFor: Type.Optional(Type.Literal('A', { description: 'AB岗: post B acted for post A' })),
  mandate: Type.Optional(Type.String({ description: '帮办代办: the mandate an agent acted under' })),
  channel: Type.Optional(Type.String({ description: 'web, app, window or api' })),
});

const TimelineEntry = Type.Object({
  at: Type.String({ description: 'ISO 8601 instant' }),
  kind: Type.String({ description: 'machine kind: submitted, accepted, dispatched, decision, notice, escalation, delivery, ended, …' }),
  item: Type.Optional(Type.String({ description: 'item code, for entries about one item' })),
  actor: Type.Optional(TimelineActor),
  label: Type.String({ description: 'what happened, in Chinese' }),
  detail: Json,
});

const WorkflowRef = Type.Object({
  workflowId: Type.String(),
  type: Type.String(),
  status: Type.String({ description: 'running, completed, failed, canceled, terminated, timed_out, continued_as_new' }),
  link: Type.Optional(Type.String({ description: 'the workflow in the Temporal Web UI' })),
});

export const HistoryView = Type.Object({
  timeline: Type.Array(TimelineEntry, { description: 'oldest first; never personal data' }),
  workflows: Type.Array(WorkflowRef),
});

/** every act by a person — who, role, post, acting for whom, channel, when. */
export const AuditView = Type.Object({
  audit: Type.Array(
    Type.Object({
      at: Type.String(),
      kind: Type.String(),
      action: Type.String({ description: 'what was done, in Chinese' }),
      item: Type.Optional(Type.String()),
      actor: TimelineActor,
    }),
  ),
});
