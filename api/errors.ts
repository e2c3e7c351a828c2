// The one error funnel: every 4xx/5xx body is { error, message, details? } (API.md).
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyError, FastifyInstance } from 'fastify';

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

export const badRequest = (message: string, details?: ErrorDetail[]) => new HttpError(400, 'bad_request', message, details);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);

/** Temporal refusals mapped to the contract's codes; anything else stays a 500. */
export function fromTemporal(err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError) return notFound('application');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return conflict('application already exists');
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    if (err.cause.type === 'StateConflict') return conflict(err.cause.message);
    if (err.cause.type === 'InvalidDecision') return badRequest(err.cause.message);
  }
  return err;
}

interface AjvIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

function validationDetails(issues: AjvIssue[], context: string | undefined): ErrorDetail[] {
  return issues.map((issue) => {
    const base = (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
    const field = [context, base, extra].filter(Boolean).join('.');
    const message = issue.params?.additionalProperty ? 'is not allowed' : (issue.message ?? 'is invalid');
    return { field, message };
  });
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );

  app.setErrorHandler((raw: FastifyError, request, reply) => {
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
      return reply.code(status).send({ error: code, message: err.message });
    }
    request.log.error({ err, method: request.method, url: request.routeOptions.url, params: request.params }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error; the incident was logged' });
  });
}
