// Bundle definitions as coordinators publish them (API.md "Bundle definitions"), the listing and the guide.
// The shape only: references between parts (items → departments, materials, fields, other items)
// and the `after` graph are checked by validateBundle, which names every problem at once.
import { Type } from 'typebox';
import { LEVELS } from '../../workflows/shared/jurisdiction.js';
import { EVENT_TYPE_PATTERN } from '../../workflows/shared/bundle.js';
import { Code, Json, OneOf, RegionCode } from './common.js';
import { MAX_BUNDLE_ITEMS, MAX_BUNDLE_JOINTS } from '../../workflows/shared/limits.js';

/** Question and form-field keys are camelCase identifiers (they name answers and form values). */
export const Key = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' });

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Days = Type.Integer({ description: 'working days', maximum: 3650 });
const Scalar = Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]);
const strict = { additionalProperties: false } as const;

const Department = Type.Object({ code: Code, name: Text(100) }, strict);

const Question = Type.Object(
  {
    key: Key,
    label: Text(200),
    type: Type.Enum(['boolean', 'string', 'number']),
    options: Type.Optional(Type.Array(Text(200), { minItems: 1, maxItems: 50 })),
  },
  strict,
);

const Material = Type.Object(
  {
    code: Code,
    name: Text(200),
    sample: Type.Optional(Type.String({ maxLength: 2000 })),
    deferDays: Type.Optional(Days),
    certificate: Type.Optional({ ...Code, description: '免提交: the certificate type that satisfies it, when the store holds one for the applicant' }),
  },
  strict,
);

/** A dot path into a certificate's or an event's data. */
const DataPath = Type.String({ pattern: '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$', maxLength: 200 });

/** 政策服务免申办: an event type that proposes the bundle, with answers already given. */
const Trigger = Type.Object(
  {
    event: Type.String({ pattern: EVENT_TYPE_PATTERN, description: 'the life event type (POST /v1/events `type`)' }),
    answers: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]), { maxProperties: 50 }),
    ),
  },
  strict,
);

const Field = Type.Object(
  {
    key: Key,
    label: Text(200),
    type: Type.Enum(['string', 'number', 'boolean', 'date']),
    required: Type.Optional(Type.Boolean()),
    maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'string: the longest value (default 500)' })),
    min: Type.Optional(Type.Number({ description: 'number: the smallest value' })),
    max: Type.Optional(Type.Number({ description: 'number: the largest value' })),
    options: Type.Optional(Type.Array(Text(200), { minItems: 1, maxItems: 100, uniqueItems: true, description: 'string: the values it may take' })),
    source: Type.Optional(
      Type.Union(
        [
          Type.Object({ claim: Type.Literal('name') }, strict),
          Type.Object({ certificate: Code, path: DataPath }, strict),
          Type.Object({ event: DataPath }, strict),
        ],
        {
          description:
            "数据共享: an identity claim of the login, a certificate type and the path of the value in its data, or the path of the value in the proposing event's data; pre-fills the form",
        },
      ),
    ),
  },
  strict,
);

const ItemMaterial = Type.Object({ code: Code, required: Type.Boolean(), deferrable: Type.Boolean() }, strict);

const Item = Type.Object(
  {
    code: Code,
    name: Text(200),
    department: Code,
    kind: Text(50),
    legalBasis: Type.Optional(Type.String({ maxLength: 2000 })),
    conditions: Type.Optional(Type.String({ maxLength: 2000 })),
    fee: Type.Optional(Type.String({ maxLength: 500 })),
    legalDays: Days,
    committedDays: Days,
    result: Type.Object(
      {
        type: Text(50),
        name: Text(200),
        certificate: Type.Optional({ ...Code, description: 'the certificate type it issues into the store (default: the item code)' }),
        shareable: Type.Optional(Type.Boolean({ description: 'kept in the certificate store though not of type certificate' })),
        validYears: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'how long a kept certificate is valid (absent: no expiry)' })),
      },
      strict,
    ),
    materials: Type.Array(ItemMaterial, { maxItems: 100 }),
    fields: Type.Array(Key, { maxItems: 200 }),
    when: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Scalar, { maxProperties: 50 })),
    after: Type.Array(Code, { maxItems: 100 }),
    onReject: Type.Enum(['terminate', 'continue']),
    commitment: Type.Optional(Type.Object({ postCheckDays: Days }, strict)),
    level: Type.Optional(
      OneOf(LEVELS, {
        description: "the level of the office that decides it (absent: the bundle region's level); below the bundle's, the applicant's region routes it",
      }),
    ),
    key: Type.Optional(Type.Boolean({ description: 'the key item (5.2): its department leads under leadPrinciple key-item; one per bundle' })),
  },
  strict,
);

const Joint = Type.Object({ code: Code, kind: Text(50), items: Type.Array(Code, { maxItems: 100 }) }, strict);

/** POST /v1/bundles: one definition (API.md); the stored version adds `version`. */
export const BundleDefinitionBody = Type.Object(
  {
    code: Code,
    name: Text(200),
    lifecycle: Type.Enum(['individual', 'enterprise']),
    stage: Text(50),
    region: RegionCode,
    leadDepartment: Type.Optional(Code),
    leadPrinciple: Type.Optional(Type.Enum(['first-item', 'key-item', 'designated'])),
    committedDays: Days,
    intakeReview: Type.Optional(Type.Boolean({ description: '受理审查 (行政许可法 §32): online submissions wait for window staff, at most 5 working days' })),
    departments: Type.Array(Department, { maxItems: 50 }),
    questions: Type.Array(Question, { maxItems: 50 }),
    materials: Type.Array(Material, { maxItems: 200 }),
    fields: Type.Array(Field, { maxItems: 300 }),
    items: Type.Array(Item, { maxItems: MAX_BUNDLE_ITEMS }),
    joint: Type.Optional(Type.Array(Joint, { maxItems: MAX_BUNDLE_JOINTS })),
    triggers: Type.Optional(Type.Array(Trigger, { maxItems: 20, description: '政策服务免申办: life events that propose this bundle to their subject' })),
  },
  strict,
);

export const BundleParams = Type.Object({ code: Code });
/** A bundle version as its column holds it (a 32-bit integer): a larger one is 400, not a database error. */
const Version = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
export const VersionQuery = Type.Object({ version: Type.Optional(Version) });
export const ListBundlesQuery = Type.Object({
  region: Type.Optional(RegionCode),
});

export const BundleSummary = Type.Object({
  code: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  lifecycle: Type.String(),
  stage: Type.String(),
  region: Type.String(),
  committedDays: Type.Integer(),
  items: Type.Integer({ description: 'number of items' }),
});

/** The stored definition as published, with its version. */
export const PublishedBundle = Type.Object(
  {
    code: Type.String(),
    version: Type.Integer(),
    created: Type.Boolean({ description: 'false: identical to the latest version, nothing new was published' }),
    leadDepartment: Type.String(),
    leadPrinciple: Type.String(),
    leadDerived: Type.Boolean({ description: 'true: leadDepartment was absent and derived from the items (leadPrinciple)' }),
  },
  { additionalProperties: true },
);

export const RetiredBundle = Type.Object({
  code: Type.String(),
  versions: Type.Integer({ description: 'versions now retired' }),
  retiredAt: Type.String(),
});

/** What a bundle spares the applicant (workflows/shared/guide.ts GuideFigures): the guide's figures, and the statistics' savings per bundle. */
export const GuideFigures = Type.Object({
  items: Type.Integer(),
  materialsBefore: Type.Integer(),
  materialsAfter: Type.Integer(),
  fieldsBefore: Type.Integer(),
  fieldsAfter: Type.Integer(),
  legalDays: Type.Integer({ description: "the sum of the items' legal limits: what the applicant would face item by item" }),
  committedDays: Type.Integer({ description: "the bundle's committed limit" }),
});

// The guide (workflows/shared/guide.ts); objects stay open so a field added there is not dropped here.
const open = { additionalProperties: true } as const;
export const GuideView = Type.Object(
  {
    bundle: Type.Object({ code: Type.String(), name: Type.String(), version: Type.Integer(), region: Type.String() }, open),
    items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), department: Type.String(), after: Type.Array(Type.String()) }, open)),
    materials: Type.Array(
      Type.Object({ code: Type.String(), name: Type.String(), required: Type.Boolean(), deferrable: Type.Boolean(), items: Type.Array(Type.String()) }, open),
    ),
    form: Type.Object({
      fields: Type.Array(
        Type.Object(
          {
            key: Type.String(),
            label: Type.String(),
            type: Type.String(),
            required: Type.Boolean(),
            items: Type.Array(Type.String()),
            prefilled: Type.Boolean(),
          },
          open,
        ),
      ),
    }),
    figures: GuideFigures,
    url: Type.String({ description: 'this guide, answers included (the printable page’s QR code)' }),
    questions: Type.Array(Json),
    undecided: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        departmentName: Type.String(),
        dependsOn: Type.Array(Type.Object({ key: Type.String(), label: Type.String() })),
      }),
      { description: 'items that apply or not by an answer not given yet (视情形而定)' },
    ),
    retired: Type.Optional(Type.Object({ since: Type.String({ description: 'when the bundle stopped taking applications' }), notice: Type.String() })),
  },
  open,
);

/** The guide's query: the situation answers, each converted to its question's type, and a version. */
export const GuideQuery = Type.Object({ version: Type.Optional(Version) }, { additionalProperties: Type.String({ maxLength: 200 }) });
