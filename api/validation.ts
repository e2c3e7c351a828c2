// Two validators: bodies are validated as sent (no coercion: "true" is not true, 1 is not "1"),
// while path and query strings are coerced to the schema's types as usual. Before either, every
// request is checked for what no schema says but everything downstream needs (see textProblems).
import AjvModule, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { badRequest, type ErrorDetail } from './errors.js';

const make = (options: Options) => {
  const ajv = new AjvModule.default({ allErrors: true, removeAdditional: false, useDefaults: true, strict: false, ...options });
  addFormats.default(ajv);
  return ajv;
};

/** Deeper than any real body (a bundle definition nests 5 levels); deep enough to break recursive code past it. */
export const MAX_BODY_DEPTH = 32;

interface Frame {
  value: unknown;
  depth: number;
  key: string;
  parent?: Frame;
}
const pathOf = (frame: Frame): string => (frame.parent ? `${pathOf(frame.parent)}.${frame.key}` : frame.key);

/**
 * Text with U+0000 (PostgreSQL cannot store it; it ends up in the read model, notices, cases) and
 * nesting past MAX_BODY_DEPTH (JSON.stringify, payload converters and hashing recurse). Walked
 * without recursion, at most a few problems named.
 */
export function textProblems(value: unknown, part: 'body' | 'querystring' | 'params' = 'body'): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const stack: Frame[] = [{ value, depth: 0, key: part }];
  while (stack.length && problems.length < 10) {
    const frame = stack.pop()!;
    const { value, depth } = frame;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) problems.push({ field: pathOf(frame), message: 'must not contain U+0000 (NUL)' });
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_BODY_DEPTH) {
        problems.push({ field: pathOf(frame), message: `nests deeper than ${MAX_BODY_DEPTH} levels` });
        continue;
      }
      for (const [key, child] of Object.entries(value)) {
        const next = { value: child, depth: depth + 1, key, parent: frame };
        if (key.includes('\u0000')) problems.push({ field: pathOf(next), message: 'name must not contain U+0000 (NUL)' });
        stack.push(next);
      }
    }
  }
  return problems;
}

export function installValidation(app: FastifyInstance): void {
  const strict = make({ coerceTypes: false });
  const coercing = make({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
  app.addHook('preValidation', async (request) => {
    const problems = [...textProblems(request.params, 'params'), ...textProblems(request.query, 'querystring'), ...textProblems(request.body)];
    if (problems.length) throw badRequest('invalid request', problems);
  });
}
