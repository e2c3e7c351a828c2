// Mints a development token: npm run token -- role=department dept=gaj post=A sub=officer-1
import { createSigner } from 'fast-jwt';
import { loadApiConfig } from '../api/config.js';

const claims: Record<string, string> = { role: 'applicant', sub: 'demo-applicant' };
for (const arg of process.argv.slice(2)) {
  const [key, value] = arg.split('=');
  if (!key || value === undefined) {
    console.error('usage: npm run token -- role=<role> [sub=<id>] [dept=<code>] [post=A|B] [region=<code>] [mandate=<ref>]');
    process.exit(2);
  }
  claims[key] = value;
}
if (claims.role !== 'applicant' && claims.sub === 'demo-applicant') claims.sub = `demo-${claims.role}${claims.dept ? `-${claims.dept}` : ''}`;
console.log(createSigner({ key: loadApiConfig().jwtSecret, algorithm: 'HS256', expiresIn: 7 * 24 * 3600 * 1000 })(claims));
