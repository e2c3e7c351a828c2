// The OpenAPI document (issue #19): every operation named, summarised in Chinese and English,
// tagged by resource; the table of api/operations.ts and the routes agree both ways.
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../api/openapi-document.js';
import { OPERATIONS, TAGS } from '../../api/operations.js';

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  description?: string;
  responses: Record<string, { content?: Record<string, unknown> }>;
};

describe('the OpenAPI document', async () => {
  const doc = (await openApiDocument()) as { paths: Record<string, Record<string, Operation>>; tags: { name: string }[] };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );

  it('gives every operation a unique operationId, a Chinese and English summary and a declared tag', () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    const bad = operations.filter(
      ({ op }) =>
        !op.operationId || !/\p{Script=Han}.* · [A-Za-z]/u.test(op.summary ?? '') || op.tags?.length !== 1 || !TAGS.some((t) => t.name === op.tags![0]),
    );
    expect(bad.map((o) => o.key)).toEqual([]);
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.tags.map((t) => t.name)).toEqual(TAGS.map((t) => t.name));
  });

  it('describes no operation that does not exist', () => {
    const served = new Set(operations.map((o) => o.key));
    expect(Object.keys(OPERATIONS).filter((key) => !served.has(key))).toEqual([]);
  });

  it('says when the state-changing operations are refused', () => {
    const silent = operations.filter(({ key, op }) => /^(POST|PUT) /.test(key) && key !== 'POST /v1/dev/tokens' && !op.description?.includes('Refused:'));
    expect(silent.map((o) => o.key)).toEqual([]);
    expect(doc.paths['/v1/applications/{id}/items/{item}/decisions']!.post!.description).toMatch(/409 .*suspended/);
  });

  it('documents the printable pages as text/html and the rate limit, body size and media type refusals', () => {
    for (const path of ['/v1/bundles/{code}/guide', '/v1/applications/{id}/receipt']) {
      expect(Object.keys(doc.paths[path]!.get!.responses['200']!.content!), path).toContain('text/html');
    }
    const submit = doc.paths['/v1/applications']!.post!.responses;
    expect(Object.keys(submit)).toEqual(expect.arrayContaining(['400', '401', '413', '415', '429']));
  });
});
