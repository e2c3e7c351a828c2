// Schemas of the search/listing and statistics routes.
import { Type } from 'typebox';
import { APPLICATION_STATUSES } from '../../workflows/application/messages.js';
import { GuideFigures } from './bundles.js';
import { AppId, Code, Nullable, OneOf, RegionCode } from './common.js';

/** A calendar date (a whole day in Asia/Shanghai) or an instant. */
const PeriodBound = (description: string) =>
  Type.String({
    maxLength: 40,
    pattern: '^\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?([Zz]|[+-]\\d{2}:?\\d{2}))?$',
    description,
  });

export const ApplicationStatus = OneOf(APPLICATION_STATUSES);

export const ListingQuery = Type.Object(
  {
    status: Type.Optional(ApplicationStatus),
    bundle: Type.Optional(Code),
    department: Type.Optional(Code),
    overdue: Type.Optional(Type.Boolean({ description: 'true: some item is overdue (超期); false: none is' })),
    number: Type.Optional(AppId),
    applicant: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "the applicant's account (owner)" })),
    from: Type.Optional(PeriodBound('created on or after (a date: from that day 00:00 Asia/Shanghai)')),
    to: Type.Optional(PeriodBound('created before (a date: up to the end of that day, Asia/Shanghai)')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400, description: 'nextCursor of the previous page' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: '1-based page (offset paging); not with cursor' })),
    sort: Type.Optional(
      Type.Union([Type.Literal('created_at'), Type.Literal('-created_at')], {
        default: 'created_at',
        description: 'created_at: newest first (the default); -created_at: oldest first',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ListedApplication = Type.Object({
  id: Type.String(),
  number: Type.String(),
  bundle: Type.String(),
  bundleVersion: Type.Integer(),
  status: Type.String(),
  channel: Type.String(),
  applicant: Type.Object({ name: Type.String({ description: 'masked' }), idNumber: Type.String({ description: 'masked' }) }),
  createdAt: Type.String(),
  acceptedAt: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
  outcome: Nullable(Type.String()),
  overdue: Type.Boolean(),
  departments: Type.Array(Type.String()),
});

export const ListingResponse = Type.Object({
  applications: Type.Array(ListedApplication),
  nextCursor: Type.Optional(Type.String()),
});

export const StatsQuery = Type.Object(
  {
    bundle: Type.Optional(Code),
    department: Type.Optional(Code),
    region: Type.Optional({ ...RegionCode, description: 'drill down: the figures of this region (by competent region, 属地), within the caller’s own' }),
    from: Type.Optional(PeriodBound('period start on created_at (inclusive)')),
    to: Type.Optional(PeriodBound('period end on created_at (a date: inclusive; a date-time: exclusive)')),
  },
  { additionalProperties: false },
);

const Rate = Nullable(Type.Number({ description: 'share in 0..1; null when there is nothing to divide by' }));
const Timing = Type.Object({ count: Type.Integer(), averageHours: Nullable(Type.Number()), p90Hours: Nullable(Type.Number()) });

const ApplicationFigures = {
  volume: Type.Integer(),
  outcomes: Type.Object(Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, Type.Integer()]))),
  ended: Type.Integer(),
  completed: Type.Integer(),
  completionRate: Rate,
  handling: Timing,
};

const ItemFigures = {
  items: Type.Integer(),
  started: Type.Integer(),
  decided: Type.Integer(),
  approved: Type.Integer(),
  rejected: Type.Integer(),
  handling: Timing,
  decidedLate: Type.Integer({ description: 'decided after the legal deadline' }),
  overdue: Type.Integer(),
  overdueRate: Rate,
};

export const StatsResponse = Type.Object({
  filters: Type.Object({
    bundle: Type.Optional(Type.String()),
    department: Type.Optional(Type.String()),
    region: Type.Optional(Type.String()),
    since: Type.Optional(Type.String()),
    until: Type.Optional(Type.String()),
  }),
  ...ApplicationFigures,
  byBundle: Type.Array(Type.Object({ bundle: Type.String(), ...ApplicationFigures })),
  itemTotals: Type.Object(ItemFigures),
  items: Type.Array(
    Type.Object({
      item: Type.String(),
      department: Type.String(),
      name: Type.Optional(Type.String()),
      legalDays: Type.Optional(Type.Integer()),
      committedDays: Type.Optional(Type.Integer()),
      ...ItemFigures,
    }),
  ),
  rejections: Type.Array(Type.Object({ reason: Type.String(), count: Type.Integer() })),
  blockages: Type.Object({
    items: Type.Array(
      Type.Object({
        item: Type.String(),
        department: Type.String(),
        waiting: Type.Integer(),
        inReview: Type.Integer(),
        correctionRequested: Type.Integer(),
        awaitingMaterial: Type.Integer(),
        oldestStartedAt: Nullable(Type.String()),
        longestWaitHours: Nullable(Type.Number()),
      }),
    ),
    longest: Nullable(
      Type.Object({
        applicationId: Type.String(),
        number: Type.String(),
        bundle: Type.String(),
        item: Type.String(),
        itemName: Type.String(),
        department: Type.String(),
        status: Type.String(),
        startedAt: Type.String(),
        waitHours: Type.Number(),
      }),
    ),
  }),
  evaluations: Type.Integer({ description: '好差评 ratings of the applications in scope' }),
  badReviews: Type.Integer({ description: '不满意 or 非常不满意 (rating ≤ 2)' }),
  badReviewRate: Nullable(Type.Number()),
  rectifications: Type.Object({
    total: Type.Integer(),
    replyRate: Nullable(Type.Number()),
    rectificationRate: Nullable(Type.Number()),
    returnVisitRate: Nullable(Type.Number()),
    overdue: Type.Integer(),
  }),
  savings: Type.Array(
    Type.Object({
      bundle: Type.String(),
      version: Type.Integer(),
      name: Type.String(),
      ...GuideFigures.properties,
      tripsBefore: Type.Integer(),
      tripsAfter: Type.Integer(),
      applications: Type.Integer(),
      materialsSaved: Type.Integer(),
      fieldsSaved: Type.Integer(),
      tripsSaved: Type.Integer(),
      materialsShared: Type.Integer({ description: '免提交: materials taken from the certificate store instead of handed in (in materialsSaved)' }),
      tripsShared: Type.Integer({ description: 'trips to the issuing departments those spared: one per application and department (in tripsSaved)' }),
    }),
  ),
});
