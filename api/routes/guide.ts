// The public guide (办事指南, 一次告知, R-2): the merged items, materials and form for one
// situation, as JSON or as a printable page. No token needed; an applicant's token pre-fills.
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { heldCertificates } from '../../db/certificates.js';
import type { Claims } from '../auth.js';
import { sharedValues } from '../shared-data.js';
import { getBundle } from '../../db/bundles.js';
import { buildGuide } from '../../workflows/shared/guide.js';
import { routes } from '../route-plugin.js';
import { publicBase } from '../config.js';
import { badRequest, notFound } from '../errors.js';
import { renderGuidePage } from '../guide-page.js';
import { parseAnswers, prefersHtml } from '../guide-request.js';
import { BundleParams, GuideQuery, GuideView } from '../schemas/bundles.js';
import { errorResponses } from '../schemas/common.js';

/**
 * 数据共享 with a light touch: the only thing a token tells about the applicant is their name, so an
 * applicant's `name` claim fills form fields keyed `applicantName` or `name`. Other roles act for
 * someone else, so their name is not the applicant's. An absent or invalid token pre-fills nothing.
 */
/** The applicant whose token came with the request (a public route: an absent or bad token is no one). */
async function applicantOf(request: FastifyRequest): Promise<Claims | undefined> {
  if (!request.headers.authorization) return undefined;
  try {
    await request.jwtVerify();
  } catch {
    return undefined;
  }
  return request.user.role === 'applicant' ? request.user : undefined;
}

export const guideRoutes = routes(async (app, deps) => {
  const db = deps.db.db;
  app.get(
    '/bundles/:code/guide',
    {
      schema: {
        description:
          'Public. The query parameters are the situation answers (`?insured=true`), plus `version`. ' +
          'JSON by default; with `Accept: text/html` the printable page with a QR code of `url`.',
        security: [],
        params: BundleParams,
        querystring: GuideQuery,
        response: {
          200: {
            content: {
              'application/json': { schema: GuideView },
              'text/html': { schema: Type.String({ description: 'the printable guide' }) },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      const { version } = request.query;
      const bundle = await getBundle(db, code, version);
      if (!bundle) throw notFound(`bundle ${code}${version ? ` version ${version}` : ''}`);
      const { answers, problems } = parseAnswers(bundle.questions, request.query);
      if (problems.length) throw badRequest('the answers do not fit the bundle’s questions', problems);

      // The canonical address of this guide: answers in the bundle's question order, then the version.
      const query = new URLSearchParams();
      for (const q of bundle.questions) if (q.key in answers) query.set(q.key, String(answers[q.key]));
      if (version !== undefined) query.set('version', String(version));
      const path = request.url.split('?')[0]!;
      // Printed into the QR code: the configured public address, never a client's Host header.
      const url = `${publicBase(deps.config, request)}${path}${query.size ? `?${query}` : ''}`;

      // For an applicant: its own certificates in force (the materials they satisfy are not asked for,
      // 免提交) and the values of its login and certificates the form's fields take (数据共享).
      const applicant = await applicantOf(request);
      const now = new Date().toISOString();
      const certificates = applicant ? await heldCertificates(db, { owner: applicant.sub }, undefined, now) : undefined;
      const shared = applicant ? await sharedValues(db, bundle, { claims: applicant }, now, certificates) : new Map();
      const guide = buildGuide(bundle, answers, {
        url,
        known: Object.fromEntries([...shared].map(([key, v]) => [key, v.value])),
        sources: new Map([...shared].map(([key, v]) => [key, v.from])),
        held: certificates && new Map([...certificates].map(([type, c]) => [type, { certificate: c.id, name: c.name, number: c.number }])),
        retiredAt: bundle.retiredAt,
      });
      reply.header('vary', 'Accept, Authorization');
      if (prefersHtml(request.headers.accept)) {
        return reply.type('text/html; charset=utf-8').send(await renderGuidePage(guide));
      }
      return reply.type('application/json; charset=utf-8').send(guide);
    },
  );
});
