// The codec server the Temporal Web UI calls to show decrypted payloads (POST /codec/decode and
// /codec/encode). Only coordinators (operators) may decode, and every call proves it with a token:
// in the Authorization header (a UI behind single sign-on forwards the operator's), or in the path,
// /codec/ui/<token>/…, for a UI that cannot send one (the embedded run registers such an endpoint
// with a token that expires). The UI's origin only earns CORS headers, never access.
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, requireRole } from '../auth.js';
import { HttpError, badRequest, forbidden } from '../errors.js';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const toPayload = (p: JsonPayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data === undefined ? undefined : Buffer.from(p.data, 'base64'),
});
const toJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
});

const PayloadsBody = {
  type: 'object',
  required: ['payloads'],
  properties: {
    payloads: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        properties: { metadata: { type: 'object', additionalProperties: { type: 'string' } }, data: { type: 'string' } },
      },
    },
  },
} as const;

export const codecRoutes =
  (codec: PayloadCodec | undefined, trustedOrigin: string | undefined): FastifyPluginAsync =>
  async (app) => {
    const cors = (request: FastifyRequest, reply: FastifyReply) => {
      const origin = request.headers.origin;
      if (origin && origin === trustedOrigin) {
        reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true');
        reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization').header('vary', 'Origin');
      }
    };
    const available = () => {
      if (!codec) throw new HttpError(404, 'not_found', 'payload encryption is not configured');
    };
    const coordinator = requireRole('coordinator');
    const guard = async (request: FastifyRequest, reply: FastifyReply) => {
      cors(request, reply);
      available();
      await coordinator(request);
    };
    const pathGuard = async (request: FastifyRequest, reply: FastifyReply) => {
      cors(request, reply);
      available();
      const claims = await authenticate(request, (request.params as { token: string }).token);
      if (claims.role !== 'coordinator') throw forbidden(`role ${claims.role} may not do this`);
    };
    for (const prefix of ['/codec', '/codec/ui/:token']) {
      app.options(`${prefix}/:op`, { schema: { hide: true } }, async (request, reply) => {
        cors(request, reply);
        reply.header('access-control-allow-methods', 'POST, OPTIONS');
        return reply.code(204).send();
      });
    }
    for (const op of ['encode', 'decode'] as const) {
      const handler = async (request: FastifyRequest) => {
        const { payloads } = request.body as { payloads: JsonPayload[] };
        let result;
        try {
          result = await codec![op](payloads.map(toPayload));
        } catch (err) {
          // Ciphertext that is not ours, truncated or tampered with (AES-GCM refuses it): bad input, not a 500.
          throw badRequest(`the payloads cannot be ${op}d`, [{ field: 'body.payloads', message: (err as Error).message }]);
        }
        return { payloads: result.map(toJson) };
      };
      app.post(`/codec/${op}`, { preParsing: guard, schema: { body: PayloadsBody, hide: true } }, handler);
      app.post(`/codec/ui/:token/${op}`, { preParsing: pathGuard, schema: { body: PayloadsBody, hide: true } }, handler);
    }
  };
