import { createHmac } from 'node:crypto';
import { DEV_JWT_SECRET } from '../../api/config.js';
import { tokenSigner, type Claims } from '../../api/auth.js';

const sign = tokenSigner(DEV_JWT_SECRET);

/** Signs exactly these claims (HS256 by hand: no exp or iat added), for tokens the API must refuse. */
export function rawToken(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', DEV_JWT_SECRET).update(unsigned).digest('base64url')}`;
}

export const token = (claims: Claims): string => sign(claims);
export const bearer = (claims: Claims) => ({ authorization: `Bearer ${token(claims)}` });
export const dept = (code: string, post: 'A' | 'B' = 'A') => bearer({ sub: `officer-${code}-${post}`, role: 'department', dept: code, post });
