// With tracing on, each HTTP request runs inside a server span: the request's whole lifecycle —
// hooks, handler, the Temporal client's calls — sees it as the active span, so the client
// interceptor carries the trace into the workflow. A channel's `traceparent` header continues its trace.
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import http from 'node:http';

export const tracedServerFactory: FastifyServerFactory = (handler) =>
  http.createServer((req, res) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = trace
      .getTracer('yijianshi-api')
      .startSpan(`${req.method} request`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } }, parent);
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), () => handler(req, res));
  });

/** Names each server span by its route template (the URL would make a name per application). */
export function nameServerSpans(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url ?? 'unmatched';
    trace.getActiveSpan()?.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
  });
}
