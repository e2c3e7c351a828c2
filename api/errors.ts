// The one error funnel: every 4xx/5xx body is { error, message, details? } (API.md).
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, isGrpcServiceError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ErrorDetail {
  field?: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}

/** Every 400 names each bad field (API.md). */
export const badRequest = (message: string, details: ErrorDetail[]) => new HttpError(400, 'bad_request', message, details);

/**
 * The fields a workflow's refusal names: the state machines say them in parentheses, as
 * `须说明理由 (reason)` or `(approver, reason)` or `(suspension: inspection, …)`; none named: the body.
 */
export function refusalDetails(message: string): ErrorDetail[] {
  const named = /\(([a-zA-Z]+(?:, ?[a-zA-Z]+)*)(?::[^)]*)?\)/.exec(message)?.[1];
  return named ? named.split(/, ?/).map((name) => ({ field: `body.${name}`, message })) : [{ field: 'body', message }];
}
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);

/** Temporal refusals mapped to the contract's codes; anything else stays a 500. */
export function fromTemporal(err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError) return notFound('application');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return conflict('application already exists');
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === 'StateConflict') return conflict(err.cause.message);
    if (err.cause.type === 'InvalidDecision') return badRequest(err.cause.message, refusalDetails(err.cause.message));
  }
  return err;
}

/**
 * gRPC status codes (numbers from @grpc/grpc-js, not a direct dependency) that mean "Temporal cannot
 * take this now": unreachable, too slow, or overloaded (e.g. "consistent query buffer is full" while a
 * workflow catches up after an outage). The client has already retried these before giving up.
 */
const GRPC_TRY_LATER = new Set([
  14, // UNAVAILABLE
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  // CANCELLED: the API cancels no call itself, but the server ends one at its deadline (a query to a
  // workflow whose worker was just killed) with RST_STREAM CANCEL before the client's timer fires.
  1,
]);
/** A query the server cannot hand to any worker (FAILED_PRECONDITION): the workers are down for now. */
const NO_WORKER = /no poller seen for task queue recently/;
/** postgres.js and socket error codes for a database connection that is refused, lost or ended. */
const DB_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);
/** SQLSTATE class 08 (connection exception); 57P01-57P03: admin shutdown, crash shutdown, cannot connect now. */
const DB_UNAVAILABLE_STATE = /^(08[0-9A-Z]{3}|57P0[123])$/;

/**
 * Which dependency is down, when `err` (or an error in its cause chain) says so rather than that the
 * request is wrong: Temporal unreachable or overloaded (see GRPC_TRY_LATER; usually wrapped in a
 * ServiceError) or PostgreSQL refusing, closing or shutting down a connection (postgres.js errors,
 * wrapped by drizzle in a DrizzleQueryError). Such a request may succeed when retried: 503, not 500.
 */
export function unavailableDependency(err: unknown, depth = 0): 'temporal' | 'database' | undefined {
  if (!(err instanceof Error) || depth > 8) return undefined;
  if (isGrpcServiceError(err)) return GRPC_TRY_LATER.has(err.code) || NO_WORKER.test(err.details ?? '') ? 'temporal' : undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (DB_CONNECTION_CODES.has(code) || DB_UNAVAILABLE_STATE.test(code))) return 'database';
  if (err instanceof AggregateError) {
    // net's connection attempts to several addresses fail together
    for (const inner of err.errors) {
      const found = unavailableDependency(inner, depth + 1);
      if (found) return found;
    }
  }
  return unavailableDependency(err.cause, depth + 1);
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: { missingProperty?: string; additionalProperty?: string; allowedValue?: unknown };
}

/**
 * One detail per bad field: a value outside a union of constants (`?status=bogus`) makes one
 * issue per constant and one for the union, which become one detail listing what is allowed.
 */
function validationDetails(issues: AjvIssue[], context: string | undefined): ErrorDetail[] {
  const byField = new Map<string, { messages: string[]; allowed: unknown[] }>();
  for (const issue of issues) {
    const base = (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
    const field = [context, base, extra].filter(Boolean).join('.');
    const entry = byField.get(field) ?? { messages: [], allowed: [] };
    byField.set(field, entry);
    if (issue.keyword === 'const') entry.allowed.push(issue.params?.allowedValue);
    else if (issue.keyword !== 'anyOf') {
      const message = issue.params?.additionalProperty ? 'is not allowed' : (issue.message ?? 'is invalid');
      if (!entry.messages.includes(message)) entry.messages.push(message);
    }
  }
  return [...byField].map(([field, { messages, allowed }]) => ({
    field,
    message: allowed.length ? `must be one of: ${allowed.map(String).join(', ')}` : messages.join('; ') || 'is invalid',
  }));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }));

  app.setErrorHandler((raw: FastifyError, request, reply) => {
    const down = unavailableDependency(raw);
    if (down) {
      request.log.warn({ err: raw, method: request.method, url: request.routeOptions.url }, `${down} unavailable`);
      const message = `${down === 'temporal' ? 'the workflow service' : 'the database'} is unavailable; retry later`;
      return reply.code(503).header('retry-after', '5').send({ error: 'unavailable', message });
    }
    const err = fromTemporal(raw) as FastifyError | HttpError;
    if (err instanceof HttpError) {
      return reply.code(err.statusCode).send({ error: err.code, message: err.message, details: err.details });
    }
    if (err.validation) {
      const details = validationDetails(err.validation as AjvIssue[], err.validationContext);
      return reply.code(400).send({ error: 'bad_request', message: 'invalid request', details });
    }
    const status = err.statusCode ?? 500;
    if (status < 500) {
      const code = status === 413 ? 'payload_too_large' : status === 429 ? 'rate_limited' : status === 415 ? 'unsupported_media_type' : 'bad_request';
      // A body Fastify could not parse (not JSON, empty): the body is the bad field.
      return reply.code(status).send({ error: code, message: err.message, ...(status === 400 ? { details: [{ field: 'body', message: err.message }] } : {}) });
    }
    request.log.error({ err, method: request.method, url: request.routeOptions.url, params: request.params }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error; the incident was logged' });
  });
}

/**
 * Errors the router raises before any route or hook runs (a malformed percent-encoding, a path
 * segment over the length limit): Fastify's `frameworkErrors` option, so they too get our body.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const message = tooLong ? 'a path segment is too long' : 'the URL is not valid';
  reply.code(status).send({ error: tooLong ? 'uri_too_long' : 'bad_request', message, ...(status === 400 ? { details: [{ field: 'url', message }] } : {}) });
}
