// 电子证照库 (issue #18): the certificates the platform issued. The holder lists its own; a department
// reads one it issued, or one that served an application it has an item in (免提交).
import { Type } from 'typebox';
import { certificateById, certificatesOf, servedDepartment } from '../../db/certificates.js';
import { routes } from '../route-plugin.js';
import { requireRole } from '../auth.js';
import { forbidden, notFound } from '../errors.js';
import { errorResponses, Json, Nullable } from '../schemas/common.js';

const Certificate = Type.Object({
  id: Type.String(),
  type: Type.String({ description: 'the certificate type (a bundle material names it to be satisfied by it)' }),
  name: Type.String(),
  number: Type.String(),
  holder: Type.String({ description: 'the holder’s ID number, masked' }),
  department: Type.String({ description: 'the issuing department' }),
  issuedAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  data: Json,
  applicationId: Type.String({ description: 'the application whose item issued it' }),
  item: Type.String(),
  revokedAt: Nullable(Type.String({ description: '告知承诺 found untrue: revoked with its result' })),
  revokeReason: Nullable(Type.String()),
});

export const certificateRoutes = routes(async (app, deps) => {
  const db = deps.db.db;

  app.get(
    '/certificates',
    {
      preParsing: requireRole('applicant'),
      schema: {
        description: 'The applicant’s own certificates, newest first; revoked and expired ones marked.',
        response: { 200: Type.Object({ certificates: Type.Array(Certificate) }), ...errorResponses },
      },
    },
    async (request) => ({ certificates: await certificatesOf(db, request.user.sub) }),
  );

  app.get(
    '/certificates/:id',
    {
      preParsing: requireRole('applicant', 'department'),
      schema: {
        description: 'One certificate: for its holder, its issuing department, and the departments with an item in an application it served (免提交).',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Certificate, ...errorResponses },
      },
    },
    async (request) => {
      const user = request.user;
      const found = await certificateById(db, request.params.id);
      if (!found) throw notFound('certificate');
      const { owner, ...certificate } = found;
      // Another holder's certificate is not told to exist.
      if (user.role === 'applicant') {
        if (owner !== user.sub) throw notFound('certificate');
        return certificate;
      }
      if (certificate.department !== user.dept && !(await servedDepartment(db, certificate.id, user.dept!))) {
        throw forbidden(`certificate ${certificate.id}: a department reads only those it issued or that served an item it handles`);
      }
      return certificate;
    },
  );
});
