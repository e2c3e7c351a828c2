// What no schema says but everything downstream needs: no NUL in text, no absurd nesting.
import { describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH, textProblems } from '../../api/validation.js';

describe('textProblems', () => {
  it('passes ordinary bodies, unicode and all', () => {
    expect(textProblems({ name: '张三 𠮷', items: [{ code: 'a', when: { x: true } }], n: 1, none: null })).toEqual([]);
    expect(textProblems(undefined)).toEqual([]);
  });

  it('names every NUL, in values and in property names', () => {
    const body = JSON.parse('{"a":{"b":["ok","x\\u0000"]},"k\\u0000":1}');
    expect(textProblems(body)).toEqual(
      expect.arrayContaining([
        { field: 'body.a.b.1', message: 'must not contain U+0000 (NUL)' },
        { field: 'body.k\u0000', message: 'name must not contain U+0000 (NUL)' },
      ]),
    );
    expect(textProblems({ applicant: 'a\u0000' }, 'querystring')).toEqual([{ field: 'querystring.applicant', message: 'must not contain U+0000 (NUL)' }]);
  });

  it(`refuses nesting past ${MAX_BODY_DEPTH} levels without recursing itself`, () => {
    const deep = (n: number) => JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`);
    expect(textProblems(deep(MAX_BODY_DEPTH))).toEqual([]);
    expect(textProblems(deep(MAX_BODY_DEPTH + 1))).toHaveLength(1);
    expect(textProblems({ result: deep(200_000) })[0]!.message).toMatch(/deeper than 32/);
  });
});
