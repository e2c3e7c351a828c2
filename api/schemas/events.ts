// 政策服务免申办: a life event an integration posts, and the subject's confirmation of what it proposed.
import { Type } from 'typebox';
import { EVENT_TYPE_PATTERN } from '../../workflows/shared/bundle.js';
import { SubmitApplicationBody } from './applications.js';
import { RegionCode } from './common.js';

export const EventBody = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
      description: "the poster's own id of the event: the same id again proposes nothing new",
    }),
    type: Type.String({ pattern: EVENT_TYPE_PATTERN, description: 'e.g. death-registered, retirement-age-reached' }),
    occurredAt: Type.String({ format: 'date-time' }),
    subject: Type.Object(
      {
        kind: Type.Union([Type.Literal('person'), Type.Literal('organisation')]),
        idNumber: Type.String({ minLength: 6, maxLength: 32, pattern: '^[0-9A-Za-z]+$' }),
        name: Type.String({ minLength: 1, maxLength: 100 }),
        account: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "the subject's login: owns the proposed applications" })),
      },
      { additionalProperties: false, description: 'who is offered the service (for a death: the family member who registered it)' },
    ),
    /** 属地: where the subject lives, when its ID number's first six digits do not say it. */
    region: Type.Optional(RegionCode),
    data: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
        maxProperties: 100,
        description: "the event's data: fields whose source names a path in it are pre-filled",
      }),
    ),
  },
  { additionalProperties: false },
);

export const EventResponse = Type.Object({
  applications: Type.Array(Type.String(), { description: 'one proposed application per bundle the event type triggers' }),
});

const { bundleCode: _b, applicant: _a, applicantAccount: _c, channel: _ch, ...confirmable } = SubmitApplicationBody.properties;

/** The submission's body without what the proposal fixed (bundle, applicant, owner); the channel defaults by role. */
export const ConfirmBody = Type.Object(
  {
    ...confirmable,
    channel: Type.Optional(
      Type.Union([Type.Literal('web'), Type.Literal('app'), Type.Literal('window')], { description: 'default: web (window staff: window)' }),
    ),
  },
  { additionalProperties: false },
);

export const DeclineBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
