// Shared schema primitives; per-resource schemas live beside this file.
import { CODE_PATTERN } from '../../workflows/shared/ids.js';
import { Type, type TLiteral, type TSchemaOptions, type TUnion } from 'typebox';

/** One of a list of strings, from the list the code uses (a status, a kind): one source for both. */
export function OneOf<const T extends readonly string[]>(values: T, options?: TSchemaOptions) {
  type Literals = { -readonly [K in keyof T]: TLiteral<T[K]> };
  return Type.Union(values.map((v) => Type.Literal(v)) as unknown as Literals, options) as TUnion<Literals>;
}

/** A code of the catalogue (department, item, bundle, material, joint procedure): one definition (CODE_PATTERN). */
export const Code = Type.String({
  pattern: CODE_PATTERN,
  description: 'up to 64 characters: A–Z a–z 0–9 and -, e.g. 11320000014000019X, 320115-SJJ, XK-320115-0001A',
});
/** A division of GB/T 2260 (checked against the catalogue's regions: api/regions.ts). */
export const RegionCode = Type.String({
  pattern: '^\\d{6}$',
  description: 'administrative region code (GB/T 2260), e.g. 320000 江苏省, 320100 南京市, 320115 江宁区',
});
/** The `Idempotency-Key` header a retried POST repeats (the same key: the same effect, once). */
export const IdempotencyHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 128 })) });

export const AppId = Type.String({ pattern: '^[A-Z0-9]{6,32}$', description: 'application id (= its number)' });

export const ErrorBody = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Array(Type.Object({ field: Type.Optional(Type.String()), message: Type.String() }))),
  },
  { $id: 'ErrorBody' },
);

/**
 * Refusals of the request itself, answered with ErrorBody by every route: 413 a body over 1 MiB, 415
 * a body that is not JSON, 429 past the rate limit (with Retry-After).
 */
export const requestErrorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
  429: ErrorBody,
} as const;

/**
 * What every route that reaches Temporal or the database answers with ErrorBody: the refusals, and
 * 503 { error: 'unavailable' } (with Retry-After) while either is down or too slow (api/errors.ts).
 */
export const errorResponses = {
  ...requestErrorResponses,
  503: ErrorBody,
} as const;

/** A value or null. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** Any JSON object, serialised as is. */
export const Json = Type.Object({}, { additionalProperties: true });
