// Mints a development token: npm run token -- role=department dept=gaj post=A sub=officer-1
import { tokenSigner } from '../api/auth.js';
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
// As long as the API allows (AUTH_MAX_TOKEN_AGE, 12 h by default).
const config = loadApiConfig();
console.log(tokenSigner(config.jwtSecret, config.maxTokenAgeS)(claims));
