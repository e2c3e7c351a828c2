import { describe, expect, it } from 'vitest';
import { parseAnswers, prefersHtml } from '../../api/guide-request.js';
import type { Question } from '../../workflows/shared/bundle.js';

const questions: Question[] = [
  { key: 'insured', label: '参保', type: 'boolean' },
  { key: 'area', label: '面积', type: 'number' },
  { key: 'kind', label: '类型', type: 'string', options: ['a', 'b'] },
  { key: 'size', label: '档次', type: 'number', options: ['1', '2'] },
];

describe('parseAnswers', () => {
  it('types each answer by its question and ignores version', () => {
    expect(parseAnswers(questions, { insured: 'false', area: '300.5', kind: 'b', size: '2', version: 3 })).toEqual({
      answers: { insured: false, area: 300.5, kind: 'b', size: 2 },
      problems: [],
    });
  });

  it('names every unknown key and unparsable value', () => {
    const { problems } = parseAnswers(questions, { insured: 'yes', area: '', kind: 'c', size: '3', colour: 'red' });
    expect(problems).toEqual([
      { field: 'querystring.insured', message: 'must be true or false' },
      { field: 'querystring.area', message: 'must be a number' },
      { field: 'querystring.kind', message: 'must be one of a, b' },
      { field: 'querystring.size', message: 'must be one of 1, 2' },
      { field: 'querystring.colour', message: 'unknown question; this bundle asks insured, area, kind, size' },
    ]);
  });
});

describe('prefersHtml', () => {
  it('serves browsers the page and API clients JSON', () => {
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
    expect(prefersHtml('text/html;q=0')).toBe(false);
  });
});
