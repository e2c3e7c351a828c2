// POST /v1/dev/tokens: the console's demo login. Signs a token for any role with the configured
// secret, but only while that secret is the development default (AUTH_JWT_SECRET unset); with a
// real secret the route does not exist (404), so a deployment cannot hand out tokens.
import { Type } from 'typebox';
import type { Claims } from '../auth.js';
import type { AppDeps } from '../app.js';
import { routes } from '../route-plugin.js';
import { badRequest } from '../errors.js';
import { assertKnownRegions } from '../regions.js';
import { Code, errorResponses, RegionCode } from '../schemas/common.js';

const DevTokenBody = Type.Object(
  {
    role: Type.Union(['applicant', 'agent', 'window', 'department', 'coordinator', 'hotline', 'system'].map((r) => Type.Literal(r))),
    sub: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.@-]+$' })),
    dept: Type.Optional(Code),
    post: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('B')])),
    region: Type.Optional({ ...RegionCode, description: 'department or coordinator: the region the token covers (absent: the whole province)' }),
    mandate: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

const DevToken = Type.Object({
  token: Type.String(),
  claims: Type.Object({}, { additionalProperties: true }),
  expiresIn: Type.Integer({ description: 'seconds' }),
});

export const devTokenRoutes = routes<Pick<AppDeps, 'config'>>(async (app, deps) => {
  if (!deps.config.jwtSecretIsDefault) return; // a configured secret: no such route (404)
  app.post(
    '/dev/tokens',
    {
      schema: {
        description:
          'Development only (AUTH_JWT_SECRET unset): a token for the given claims, for the console’s demo login. ' +
          'Absent (404) when a real secret is configured.',
        security: [],
        body: DevTokenBody,
        response: { 200: DevToken, ...errorResponses }, // a region is checked against the catalogue's divisions (the database)
      },
    },
    async (request) => {
      const body = request.body;
      if (body.role === 'department' && !body.dept) {
        throw badRequest('a department token needs dept', [{ field: 'body.dept', message: 'is required for role department' }]);
      }
      if (body.role === 'agent' && !body.mandate) {
        throw badRequest('an agent token needs mandate', [{ field: 'body.mandate', message: 'is required for role agent' }]);
      }
      await assertKnownRegions(app.regions, { 'body.region': body.region });
      const claims: Claims = {
        sub: body.sub ?? `demo-${body.role}${body.dept ? `-${body.dept}` : ''}`,
        role: body.role as Claims['role'],
      };
      if (body.role === 'department') Object.assign(claims, { dept: body.dept, post: body.post ?? 'A' });
      if ((body.role === 'coordinator' || body.role === 'department') && body.region) claims.region = body.region;
      if (body.role === 'agent') claims.mandate = body.mandate;
      if (body.name) claims.name = body.name;
      // As long as the API allows (AUTH_MAX_TOKEN_AGE), like `npm run token`.
      const expiresIn = app.maxTokenAgeS;
      const token = app.jwt.sign(claims, { expiresIn });
      return { token, claims, expiresIn };
    },
  );
});
