// A department's inbox: its items by status, and the joint procedures it leads or must sign.
import { Type } from 'typebox';
import { ITEM_STATUSES } from '../../workflows/item/messages.js';
import { Code, OneOf } from './common.js';

export const ItemStatus = OneOf(ITEM_STATUSES);

export const InboxParams = Type.Object({ dept: Code });

export const InboxQuery = Type.Object({
  status: Type.Optional(ItemStatus),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  wait: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'seconds to hold an unchanged inbox (with If-None-Match)' })),
});

export const InboxHeaders = Type.Object({ 'if-none-match': Type.Optional(Type.String({ maxLength: 100 })) });

const Task = Type.Object({
  applicationId: Type.String(),
  number: Type.String(),
  bundle: Type.String(),
  item: Type.String(),
  itemName: Type.String(),
  region: Type.String({ description: 'the competent region (属地) whose office decides the item' }),
  status: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  applicant: Type.String({ description: 'masked' }),
  sheet: Type.String({ description: 'the item’s review sheet' }),
});

const JointTask = Type.Object({
  applicationId: Type.String(),
  number: Type.String(),
  bundle: Type.String(),
  applicant: Type.String({ description: 'masked' }),
  code: Type.String(),
  kind: Type.String(),
  lead: Type.Optional(Type.String()),
  role: Type.Union([Type.Literal('lead'), Type.Literal('sign')], { description: 'lead: organises it and resolves dissents; sign: its sign-off is awaited' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('disputed'), Type.Literal('agreed'), Type.Literal('rejected')], {
    description: 'the inbox lists open ones; disputed: a dissent stands, the lead resolves it',
  }),
  awaiting: Type.Array(Type.String()),
  dissenters: Type.Array(Type.String()),
  due: Type.Union([Type.String(), Type.Null()]),
  overdue: Type.Boolean(),
});

export const Inbox = Type.Object({
  tasks: Type.Array(Task),
  procedures: Type.Array(JointTask, { description: 'joint procedures (8.3.2) this department leads, or whose sign-off awaits it' }),
});
