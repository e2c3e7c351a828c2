// The codec server the Temporal Web UI calls to show decrypted payloads (POST /codec/decode and
// /codec/encode). Only coordinators (operators) may decode; on the embedded run the UI of this
// machine is trusted as well, since it cannot send tokens.
import type { PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { requireRole } from '../auth.js';
import { HttpError, badRequest } from '../errors.js';

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
    const guard = async (request: FastifyRequest, reply: FastifyReply) => {
      cors(request, reply);
      if (!codec) throw new HttpError(404, 'not_found', 'payload encryption is not configured');
      if (trustedOrigin && request.headers.origin === trustedOrigin && !request.headers.authorization) return;
      await requireRole('coordinator')(request);
    };
    app.options('/codec/:op', { schema: { hide: true } }, async (request, reply) => {
      cors(request, reply);
      reply.header('access-control-allow-methods', 'POST, OPTIONS');
      return reply.code(204).send();
    });
    for (const op of ['encode', 'decode'] as const) {
      app.post(`/codec/${op}`, { preHandler: guard, schema: { body: PayloadsBody, hide: true } }, async (request) => {
        const { payloads } = request.body as { payloads: JsonPayload[] };
        let result;
        try {
          result = await codec![op](payloads.map(toPayload));
        } catch (err) {
          // Ciphertext that is not ours, truncated or tampered with (AES-GCM refuses it): bad input, not a 500.
          throw badRequest(`the payloads cannot be ${op}d: ${(err as Error).message}`);
        }
        return { payloads: result.map(toJson) };
      });
    }
  };
