import { Type } from 'typebox';
import { AppId, Code, Json } from './common.js';

const Scalar = Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Boolean()]);

export const SubmitApplicationBody = Type.Object(
  {
    bundleCode: Code,
    channel: Type.Union([Type.Literal('web'), Type.Literal('app'), Type.Literal('window'), Type.Literal('api')]),
    applicant: Type.Object(
      {
        kind: Type.Union([Type.Literal('person'), Type.Literal('organisation')]),
        idNumber: Type.String({ minLength: 6, maxLength: 32, pattern: '^[0-9A-Za-z]+$' }),
        name: Type.String({ minLength: 1, maxLength: 100 }),
        phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,20}$' })),
      },
      { additionalProperties: false },
    ),
    /** The applicant's own account, when an agent or the window submits for them. */
    applicantAccount: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    answers: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Scalar, { maxProperties: 100 })),
    form: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Scalar, { maxProperties: 500 })),
    materials: Type.Array(
      Type.Object(
        {
          code: Code,
          uri: Type.Optional(Type.String({ maxLength: 2000 })),
          sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
    commitments: Type.Optional(Type.Array(Type.Object({ material: Code }, { additionalProperties: false }), { maxItems: 100 })),
    delivery: Type.Optional(
      Type.Object(
        {
          method: Type.Union([Type.Literal('electronic'), Type.Literal('window'), Type.Literal('express')]),
          address: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ApplicationParams = Type.Object({ id: AppId });
export const ItemParams = Type.Object({ id: AppId, item: Code });

export const DecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('reject'), Type.Literal('correction')]),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    result: Type.Optional(Json),
    missing: Type.Optional(Type.Array(Code, { maxItems: 100 })),
    offline: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const ItemView = Type.Object({
  code: Type.String(),
  name: Type.String(),
  department: Type.String(),
  status: Type.String(),
  after: Type.Array(Type.String()),
  startedAt: Type.Optional(Type.String()),
  deadline: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  decision: Type.Optional(Json),
  result: Type.Optional(Json),
});

export const ApplicationView = Type.Object({
  id: Type.String(),
  number: Type.String(),
  bundle: Type.Object({ code: Type.String(), version: Type.Integer(), name: Type.String() }),
  status: Type.String(),
  channel: Type.String(),
  applicant: Type.Object({ kind: Type.String(), name: Type.String(), idNumber: Type.String(), phone: Type.Optional(Type.String()) }),
  items: Type.Array(ItemView),
  createdAt: Type.String(),
  acceptedAt: Type.Optional(Type.String()),
  endedAt: Type.Optional(Type.String()),
  outcome: Type.Optional(Type.String()),
  links: Type.Optional(Type.Object({ temporal: Type.Optional(Type.String()) })),
});

export const SubmitResponse = Type.Object({
  id: Type.String(),
  number: Type.String(),
  status: Type.String(),
  receipt: Type.Optional(
    Type.Object({
      number: Type.String(),
      time: Type.String(),
      items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), department: Type.String() })),
      materials: Type.Array(Type.String()),
      promised: Type.Array(Type.String()),
    }),
  ),
});
