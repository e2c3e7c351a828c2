// Identity (API.md): HS256 JWTs; every route but /healthz, /docs and public guides needs one.
import fastifyJwt from '@fastify/jwt';
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

const ROLES: readonly Role[] = ['applicant', 'agent', 'window', 'department', 'coordinator', 'hotline'];

export async function installAuth(app: FastifyInstance, secret: string): Promise<void> {
  await app.register(fastifyJwt, { secret, verify: { algorithms: ['HS256'] } });
}

/** A preHandler that admits only the given roles (none given: any authenticated user). */
export const requireRole =
  (...roles: Role[]) =>
  async (request: FastifyRequest): Promise<void> => {
    try {
      await request.jwtVerify();
    } catch {
      throw new HttpError(401, 'unauthorized', 'a valid Bearer token is required');
    }
    const claims = request.user;
    if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role)) {
      throw new HttpError(401, 'unauthorized', 'token lacks a valid sub or role claim');
    }
    if (claims.role === 'department' && !claims.dept) throw new HttpError(401, 'unauthorized', 'a department token needs a dept claim');
    // Claims are compared and stored as text: a signed token with a number or an object in them is refused, not a 500.
    const malformed: string[] = (['dept', 'region', 'mandate', 'name'] as const).filter((k) => claims[k] !== undefined && typeof claims[k] !== 'string');
    if (claims.post !== undefined && claims.post !== 'A' && claims.post !== 'B') malformed.push('post');
    if (malformed.length) throw new HttpError(401, 'unauthorized', `token claims of the wrong type: ${malformed.join(', ')}`);
    if (roles.length && !roles.includes(claims.role)) throw forbidden(`role ${claims.role} may not do this`);
  };

const CHANNELS: readonly Channel[] = ['web', 'app', 'window', 'api'];

/** Who acts, as recorded with every state change; the channel from `X-Channel`, else by role. */
export function actorOf(request: FastifyRequest): Actor {
  const { sub, role, name, dept, post, mandate } = request.user;
  const header = String(request.headers['x-channel'] ?? '');
  const channel = CHANNELS.includes(header as Channel) ? (header as Channel) : role === 'window' ? 'window' : 'api';
  return { sub, role, name, dept, post, mandate, channel };
}

/** Is a coordinator's region (absent: the whole province) covering this region code? */
export function regionCovers(scope: string | undefined, region: string): boolean {
  if (!scope) return true;
  const prefix = scope.replace(/0+$/, '');
  return region.startsWith(prefix);
}
