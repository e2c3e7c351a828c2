import { Type } from 'typebox';
import { DECISION_KINDS, type DecisionKind } from '../../workflows/item/messages.js';
import { SUSPENSION_REASONS } from '../../workflows/item/messages.js';
import { MAX_RESULT_BYTES, MAX_RESULT_KEYS } from '../../workflows/shared/limits.js';
import { AppId, Code, Json, RegionCode } from './common.js';

const MaterialRef = Type.Object(
  {
    code: Code,
    uri: Type.Optional(Type.String({ maxLength: 2000 })),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);

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
    /** 属地: the applicant's region, required when a selected item is decided below the bundle's level. */
    region: Type.Optional(RegionCode),
    answers: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Scalar, { maxProperties: 100 })),
    form: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Scalar, { maxProperties: 500 })),
    materials: Type.Array(MaterialRef, { maxItems: 200 }),
    commitments: Type.Optional(Type.Array(Type.Object({ material: Code }, { additionalProperties: false }), { maxItems: 100 })),
    /** 告知承诺: items taken on the applicant's written commitment (granted at once, checked afterwards). */
    pledges: Type.Optional(Type.Array(Type.Object({ item: Code }, { additionalProperties: false }), { maxItems: 50 })),
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
    decision: Type.Union(
      Object.keys(DECISION_KINDS).map((d) => Type.Literal(d as DecisionKind)),
      {
        description: Object.entries(DECISION_KINDS)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      },
    ),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    result: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
        maxProperties: MAX_RESULT_KEYS,
        description: `approve: the result's key facts, at most ${MAX_RESULT_BYTES} bytes as JSON (documents by reference: uri, sha256)`,
      }),
    ),
    missing: Type.Optional(
      Type.Array(Type.Union([Code, Type.Object({ material: Code, reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false })]), {
        minItems: 1,
        maxItems: 100,
        description: 'correction: the materials to correct — codes, or each with its own reason',
      }),
    ),
    suspension: Type.Optional(Type.Union(Object.keys(SUSPENSION_REASONS).map((r) => Type.Literal(r)))),
    expectedDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    approver: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    offline: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const SupplementBody = Type.Object({ materials: Type.Array(MaterialRef, { minItems: 1, maxItems: 200 }) }, { additionalProperties: false });
/** 受理审查 (§32): accept, or name every material not in legal form with the reason, at once. */
export const IntakeReviewBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('accept'), Type.Literal('correction')]),
    missing: Type.Optional(
      Type.Array(Type.Object({ material: Code, reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: 100,
      }),
    ),
  },
  { additionalProperties: false },
);
export const WithdrawBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
export const SignOffBody = Type.Object(
  {
    opinion: Type.Optional(Type.String({ maxLength: 2000 })),
    verdict: Type.Optional(
      Type.Union([Type.Literal('agree'), Type.Literal('dissent')], {
        description: "absent: agree. A dissent (with its opinion) blocks approval of the procedure's items and goes to the lead department",
      }),
    ),
  },
  { additionalProperties: false },
);
export const ResolveJointBody = Type.Object(
  {
    action: Type.Union([Type.Literal('reconsider'), Type.Literal('reject')], {
      description:
        "reconsider: the dissenting department signs off again within jointDays; reject: the procedure's items are rejected with the dissent as reason",
    }),
    department: Type.Optional(Type.String({ minLength: 2, maxLength: 64, description: 'reconsider: the dissenting department (needed when several dissent)' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export const JointParams = Type.Object({ id: AppId, code: Code });
export const DeliveryBody = Type.Object(
  {
    event: Type.Union([Type.Literal('shipped'), Type.Literal('delivered'), Type.Literal('picked-up')]),
    trackingNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    pickupCode: Type.Optional(Type.String({ pattern: '^\\d{6}$', description: 'picked-up: the code the applicant shows' })),
  },
  { additionalProperties: false },
);

const ItemView = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    department: Type.String(),
    status: Type.String(),
    after: Type.Array(Type.String()),
    startedAt: Type.Optional(Type.String()),
    deadline: Type.Optional(Type.String({ description: 'legal deadline (working days, suspensions excluded)' })),
    committedDeadline: Type.Optional(Type.String()),
    overdue: Type.Optional(Type.Boolean()),
    clock: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    decision: Type.Optional(Json),
    result: Type.Optional(Json),
  },
  { additionalProperties: true },
);

/** A joint procedure (8.3.2) as the application shows it. */
const JointView = Type.Object(
  {
    code: Type.String(),
    kind: Type.String(),
    items: Type.Array(Type.String()),
    departments: Type.Array(Type.String()),
    lead: Type.Optional(Type.String({ description: 'the department that organises it and resolves dissents' })),
    signedOff: Type.Array(
      Type.Object(
        {
          department: Type.String(),
          at: Type.String(),
          opinion: Type.Optional(Type.String()),
          verdict: Type.Optional(Type.Union([Type.Literal('agree'), Type.Literal('dissent')])),
          reconsideredAt: Type.Optional(Type.String({ description: 'the lead sent this dissent back: it no longer stands' })),
        },
        { additionalProperties: true },
      ),
    ),
    openedAt: Type.Optional(Type.String()),
    clocks: Type.Optional(
      Type.Array(
        Type.Object({
          department: Type.String(),
          from: Type.String(),
          due: Type.String({ description: 'jointDays working days from `from`' }),
          warnAt: Type.String(),
          warned: Type.Optional(Type.Boolean()),
          overdue: Type.Optional(Type.Boolean()),
        }),
        { description: 'the sign-offs still awaited' },
      ),
    ),
    resolutions: Type.Optional(
      Type.Array(
        Type.Object(
          { action: Type.String(), department: Type.Optional(Type.String()), reason: Type.Optional(Type.String()), at: Type.String() },
          { additionalProperties: true },
        ),
      ),
    ),
    completedAt: Type.Optional(Type.String()),
    outcome: Type.Optional(Type.Union([Type.Literal('agreed'), Type.Literal('rejected')])),
  },
  { additionalProperties: true },
);

export const ApplicationView = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    bundle: Type.Object({ code: Type.String(), version: Type.Integer(), name: Type.String() }),
    status: Type.String(),
    channel: Type.String(),
    applicant: Type.Object({ kind: Type.String(), name: Type.String(), idNumber: Type.String(), phone: Type.Optional(Type.String()) }),
    items: Type.Array(ItemView),
    joint: Type.Optional(Type.Array(JointView)),
    createdAt: Type.String(),
    acceptedAt: Type.Optional(Type.String()),
    deadline: Type.Optional(
      Type.String({ description: "the bundle's committed limit (承诺时限): its working days from acceptance, the time any item's clock stood given back" }),
    ),
    deadlineProvisional: Type.Optional(Type.Boolean({ description: 'the deadline counts over days a calendar not yet published may still change' })),
    endedAt: Type.Optional(Type.String()),
    outcome: Type.Optional(Type.String()),
    proposal: Type.Optional(
      Type.Object(
        {
          event: Type.Object({ id: Type.String(), type: Type.String(), occurredAt: Type.String() }),
          proposedAt: Type.String(),
          expiresAt: Type.String({ description: 'unconfirmed by then, the proposal expires (PROPOSAL_DAYS working days)' }),
          confirmedAt: Type.Optional(Type.String()),
          declinedAt: Type.Optional(Type.String()),
          answers: Type.Optional(Json),
          form: Type.Optional(Json),
          sharedFrom: Type.Optional(Json),
        },
        {
          additionalProperties: true,
          description:
            '政策服务免申办: the event that proposed the application; while proposed, its subject (and window staff) also see the answers and form values it filled in, and where each came from',
        },
      ),
    ),
    links: Type.Optional(Type.Object({ temporal: Type.Optional(Type.String()) })),
  },
  { additionalProperties: true },
);

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
      promised: Type.Array(Type.Object({ material: Type.String(), name: Type.String(), due: Type.String() })),
      shared: Type.Optional(
        Type.Array(Type.Object({ material: Type.String(), certificate: Type.String(), name: Type.String(), number: Type.String() }), {
          description: '免提交: materials taken from the certificate store (电子证照), not asked for',
        }),
      ),
    }),
  ),
  missing: Type.Optional(
    Type.Array(Type.Object({ material: Type.String(), name: Type.String(), items: Type.Array(Type.String()), deferrable: Type.Boolean() })),
  ),
  supplementDue: Type.Optional(Type.String()),
  intakeReview: Type.Optional(
    Type.Object(
      { receivedAt: Type.String(), due: Type.String({ description: '受理审查 (§32): unanswered by then, accepted from receipt' }) },
      { additionalProperties: true },
    ),
  ),
});

export const PostCheckBody = Type.Object(
  { outcome: Type.Union([Type.Literal('confirmed'), Type.Literal('revoked')]), reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) },
  { additionalProperties: false },
);
