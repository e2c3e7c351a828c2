// Logs with context (issue #19): every line carries the request id (from a channel's X-Request-Id
// when it is a plain token, else generated, and sent back); every line about an application carries
// its number and the workflow the request acts on, so one grep finds a case across the API's lines
// and, by workflow id, the worker's and Temporal's. Personal data stays redacted (app.ts).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { applicationWorkflowId, itemWorkflowId } from '../workflows/shared/ids.js';

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Fastify's genReqId: the channel's id when it is a plain token (never free text into the logs), else a new one. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** From here on, this request's lines name the application and the workflow acted on. */
export function bindApplication(request: FastifyRequest, reply: FastifyReply, applicationNumber: string, item?: string): void {
  const log = request.log.child({ applicationNumber, workflowId: item ? itemWorkflowId(applicationNumber, item) : applicationWorkflowId(applicationNumber) });
  request.log = log;
  reply.log = log;
}

/**
 * Routes under an application (`…/applications/:id…`) bind it as the request arrives; each
 * request is logged once, when answered (Fastify's own arrival line would come before the binding),
 * with its route template rather than its URL (a query string may carry what the logs must not).
 */
export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // The router has the path parameters already: even a refusal before the handler is bound.
    const { id, item } = (request.params ?? {}) as { id?: string; item?: string };
    if (id && /\/applications\/:id(\/|$)/.test(request.routeOptions.url ?? '')) bindApplication(request, reply, id, item);
  });
  app.addHook('onResponse', async (request, reply) => {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime),
    };
    if (reply.statusCode >= 500) reply.log.error(line, 'request failed');
    else reply.log.info(line, 'request completed');
  });
}
