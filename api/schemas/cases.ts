// Rectifications of bad reviews (整改, DB32/T 4660) and 12345 work orders (工单), and the case list.
import { Type } from 'typebox';
import { TICKET_TYPES } from '../../workflows/ticket/messages.js';
import { AppId, Code, OneOf } from './common.js';

export const CaseParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });

export const StepBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 4000 }),
    outcome: Type.Optional(Type.Union([Type.Literal('immediate'), Type.Literal('deadline'), Type.Literal('explanation')])),
    satisfied: Type.Optional(Type.Boolean()),
    reopen: Type.Optional(Type.Boolean()),
    upheld: Type.Optional(Type.Boolean({ description: 'dispute-decision: the department’s appeal holds' })),
  },
  { additionalProperties: false },
);

export const TicketBody = Type.Object(
  {
    type: OneOf(TICKET_TYPES),
    subject: Type.String({ minLength: 1, maxLength: 500 }),
    applicationNumber: Type.Optional(AppId),
    item: Type.Optional(Code),
    department: Type.Optional(Code),
  },
  { additionalProperties: false },
);
export const TicketReplyBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false });
export const TicketCloseBody = Type.Object({ satisfied: Type.Boolean(), note: Type.String({ maxLength: 2000 }) }, { additionalProperties: false });

/** A case's working-day clock (workflows/shared/case-clock.ts). */
const Clock = Type.Object(
  { dueAt: Type.String(), reminded: Type.Optional(Type.Boolean()), escalations: Type.Optional(Type.Integer()) },
  { additionalProperties: true },
);

export const RectificationView = Type.Object(
  {
    id: Type.String(),
    applicationId: Type.String(),
    department: Type.String(),
    item: Type.Optional(Type.String()),
    rating: Type.Integer(),
    status: Type.String({ description: 'assigned, checked, rectified, replied, closed, appealed, disputed' }),
    outcome: Type.Optional(Type.String({ description: 'immediate, deadline, explanation; dismissed when the department’s appeal held' })),
    clock: Clock,
    overdue: Type.Boolean(),
    steps: Type.Array(Type.Object({ step: Type.String(), at: Type.String(), text: Type.Optional(Type.String()) }, { additionalProperties: true })),
    satisfied: Type.Optional(Type.Boolean()),
    closedAt: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export const TicketView = Type.Object(
  {
    id: Type.String(),
    type: OneOf(TICKET_TYPES),
    subject: Type.String({ description: 'ID and mobile numbers masked' }),
    applicationId: Type.Optional(Type.String()),
    department: Type.String(),
    status: Type.Union([Type.Literal('dispatched'), Type.Literal('replied'), Type.Literal('closed')]),
    clock: Clock,
    overdue: Type.Boolean(),
    reply: Type.Optional(Type.Object({ text: Type.String(), at: Type.String() }, { additionalProperties: true })),
    visit: Type.Optional(Type.Object({ satisfied: Type.Boolean(), note: Type.String(), at: Type.String() }, { additionalProperties: true })),
    closedAt: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export const CaseListQuery = Type.Object({
  kind: Type.Optional(Type.Union([Type.Literal('rectification'), Type.Literal('ticket')])),
  department: Type.Optional(Code),
  status: Type.Optional(Type.String({ maxLength: 32 })),
  overdue: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

/** A row of the case list (the `cases` read model). */
export const CaseRow = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'rectification or ticket' }),
  applicationId: Type.Union([Type.String(), Type.Null()]),
  department: Type.String(),
  type: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  dueAt: Type.String(),
  overdue: Type.Boolean(),
  replied: Type.Boolean(),
  rectified: Type.Boolean(),
  visited: Type.Boolean(),
  createdAt: Type.String(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
});
export const CaseList = Type.Object({ cases: Type.Array(CaseRow) });

/** What a hotline agent may say on the phone: status, items and deadlines, the applicant masked. */
export const HotlineView = Type.Object({
  number: Type.String(),
  bundle: Type.String(),
  status: Type.String(),
  applicant: Type.Object({ kind: Type.String(), name: Type.String(), idNumber: Type.String(), phone: Type.Optional(Type.String()) }),
  createdAt: Type.String(),
  deadline: Type.Optional(Type.String()),
  items: Type.Array(
    Type.Object({ name: Type.String(), status: Type.String(), deadline: Type.Optional(Type.String()), overdue: Type.Optional(Type.Boolean()) }),
  ),
  outcome: Type.Optional(Type.String()),
});
