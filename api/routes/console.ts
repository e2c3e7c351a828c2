// The web console (web/): plain HTML, CSS and ES modules served as they are at /console/, from
// the same process as the API. Nothing is built; the files in web/ are the assets.
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

export const consoleRoutes = (): FastifyPluginAsync => async (app) => {
  await app.register(fastifyStatic, {
    root: WEB_ROOT,
    prefix: '/console/',
    index: 'index.html',
    decorateReply: false,
    schemaHide: true,
    cacheControl: true,
    maxAge: 0,
  });
  // The root leads to the console (whose relative module paths need the trailing slash).
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
};
