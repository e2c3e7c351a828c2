// Identity (API.md): HS256 JWTs; every route but /healthz, /docs and public guides needs one.
import fastifyJwt from '@fastify/jwt';
import { createSigner } from 'fast-jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, Channel, Role } from '../workflows/shared/actor.js';
import { HttpError, forbidden } from './errors.js';

export interface Claims {
  sub: string;
  role: Role;
  dept?: string;
  post?: 'A' | 'B';
  region?: string;
  mandate?: string;
  name?: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: Claims;
    user: Claims;
  }
}

const ROLES: readonly Role[] = ['applicant', 'agent', 'window', 'department', 'coordinator', 'hotline', 'system'];

/** The longest a token may live (exp − iat) unless AUTH_MAX_TOKEN_AGE says otherwise: a working day and a half. */
export const DEFAULT_MAX_TOKEN_AGE_S = 12 * 3600;
/** Clocks of the issuer and the API may differ this much. */
const CLOCK_SKEW_S = 60;

declare module 'fastify' {
  interface FastifyInstance {
    maxTokenAgeS: number;
  }
}

export async function installAuth(app: FastifyInstance, secret: string, maxTokenAgeS = DEFAULT_MAX_TOKEN_AGE_S): Promise<void> {
  await app.register(fastifyJwt, { secret, verify: { algorithms: ['HS256'] } });
  app.decorate('maxTokenAgeS', maxTokenAgeS);
}

/** Signs tokens as the API accepts them: HS256, with iat and an exp `lifetimeS` later (at most the API's maximum). */
export function tokenSigner(secret: string, lifetimeS = DEFAULT_MAX_TOKEN_AGE_S): (claims: object) => string {
  const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: lifetimeS * 1000 });
  return (claims) => sign(claims);
}

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);

/**
 * Verifies the request's Bearer token (or `raw`, a token the route carries in its path) and sets
 * request.user. Refuses a token without `exp`, issued in the future, or living longer than the
 * API's maximum: a leaked token is good for hours, never for ever.
 */
export async function authenticate(request: FastifyRequest, raw?: string): Promise<Claims> {
  let claims: Claims & { exp?: unknown; iat?: unknown };
  try {
    claims = raw === undefined ? await request.jwtVerify() : request.server.jwt.verify<Claims>(raw);
  } catch {
    throw unauthorized('a valid Bearer token is required');
  }
  const now = Math.floor(Date.now() / 1000);
  const maxAge = request.server.maxTokenAgeS;
  if (typeof claims.exp !== 'number') throw unauthorized('token has no expiry (exp)');
  if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > now + CLOCK_SKEW_S)) throw unauthorized('token issued in the future (iat)');
  const issued = typeof claims.iat === 'number' ? claims.iat : now;
  if (claims.exp - issued > maxAge + CLOCK_SKEW_S) throw unauthorized(`token lives longer than the ${maxAge} s allowed (AUTH_MAX_TOKEN_AGE)`);
  if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role)) throw unauthorized('token lacks a valid sub or role claim');
  if (claims.role === 'department' && !claims.dept) throw unauthorized('a department token needs a dept claim');
  // Claims are compared and stored as text: a signed token with a number or an object in them is refused, not a 500.
  const malformed: string[] = (['dept', 'region', 'mandate', 'name'] as const).filter((k) => claims[k] !== undefined && typeof claims[k] !== 'string');
  if (claims.post !== undefined && claims.post !== 'A' && claims.post !== 'B') malformed.push('post');
  if (malformed.length) throw unauthorized(`token claims of the wrong type: ${malformed.join(', ')}`);
  // A region claim scopes what the token sees (api/access.ts): one that names no division would see nothing, silently.
  if (claims.region !== undefined && !(await request.server.regions.has(claims.region))) {
    throw unauthorized(`token claim region ${claims.region} is not an administrative division of the catalogue (GB/T 2260)`);
  }
  request.user = claims;
  return claims;
}

/**
 * A preParsing hook that admits only the given roles (none given: any authenticated person — an
 * integration's `system` token only where a route names it: it posts events and reads nothing). It runs
 * after the rate limit (onRequest: forged tokens spend their address's quota) and before the body is
 * read or validated: without a valid token nothing about the request is told.
 */
export const requireRole =
  (...roles: Role[]) =>
  async (request: FastifyRequest): Promise<void> => {
    const claims = await authenticate(request);
    if (roles.length ? !roles.includes(claims.role) : claims.role === 'system') throw forbidden(`role ${claims.role} may not do this`);
  };

const CHANNELS: readonly Channel[] = ['web', 'app', 'window', 'api'];

/** Who acts, as recorded with every state change; the channel from `X-Channel`, else by role. */
export function actorOf(request: FastifyRequest): Actor {
  const { sub, role, name, dept, post, mandate } = request.user;
  const header = String(request.headers['x-channel'] ?? '');
  const channel = CHANNELS.includes(header as Channel) ? (header as Channel) : role === 'window' ? 'window' : 'api';
  return { sub, role, name, dept, post, mandate, channel };
}
