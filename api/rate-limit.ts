// Rate limiting (API.md "Errors": 429): per user — the verified JWT `sub`, else the client address —
// per minute, counted before the body is read. /healthz and /metrics stay exempt for probes, load balancers and Prometheus.
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

/** Whose quota a request spends: a forged or expired token counts against its address, not a made-up sub. */
function quotaKey(app: FastifyInstance, request: FastifyRequest): string {
  const [scheme, token] = (request.headers.authorization ?? '').split(' ');
  if (scheme?.toLowerCase() === 'bearer' && token) {
    try {
      const { sub } = app.jwt.verify<{ sub?: unknown }>(token);
      if (typeof sub === 'string' && sub) return `sub:${sub}`;
    } catch {
      // not a token of ours: fall back to the address
    }
  }
  return `ip:${normalizeIP(request.ip)}`;
}

export async function installRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    hook: 'onRequest',
    keyGenerator: (request) => quotaKey(app, request),
    allowList: (request) => request.routeOptions.url === '/healthz' || request.routeOptions.url === '/metrics',
    errorResponseBuilder: (_request, context) =>
      new HttpError(context.statusCode, 'rate_limited', `too many requests: at most ${context.max} a minute; retry in ${context.after}`),
  });
}
