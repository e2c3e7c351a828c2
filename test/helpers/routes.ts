// Every route the app registers, read from the app itself (Fastify's route tree), so that tables of
// routes in tests cannot silently miss one that was added later.
import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  /** The route pattern as registered, e.g. /v1/applications/:id/items/:item/decisions. */
  url: string;
}

/**
 * Parses `printRoutes({ commonPrefix: false })`: one line per radix-tree node, four characters of
 * indentation per level, the node's path piece and then its methods in parentheses; a route's
 * path is the pieces from the root down to its node.
 */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const tree = app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: RegisteredRoute[] = [];
  for (const line of tree.split('\n')) {
    const marker = line.indexOf('── ');
    if (marker < 0) continue;
    const depth = Math.round((marker - 1) / 4);
    const rest = line.slice(marker + 3);
    const open = rest.lastIndexOf(' (');
    const piece = open >= 0 && rest.endsWith(')') ? rest.slice(0, open) : rest;
    stack.length = depth;
    stack.push(piece);
    if (open < 0 || !rest.endsWith(')')) continue;
    const url = stack.join('');
    for (const method of rest.slice(open + 2, -1).split(',')) routes.push({ method: method.trim(), url });
  }
  return routes;
}

export const routeKey = (r: RegisteredRoute): string => `${r.method} ${r.url}`;
