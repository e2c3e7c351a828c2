import { createSigner } from 'fast-jwt';
import { DEV_JWT_SECRET } from '../../api/config.js';
import type { Claims } from '../../api/auth.js';

const sign = createSigner({ key: DEV_JWT_SECRET, algorithm: 'HS256' });

export const token = (claims: Claims): string => sign(claims);
export const bearer = (claims: Claims) => ({ authorization: `Bearer ${token(claims)}` });
export const dept = (code: string, post: 'A' | 'B' = 'A') => bearer({ sub: `officer-${code}-${post}`, role: 'department', dept: code, post });
