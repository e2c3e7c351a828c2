// Reading a guide request (GET /v1/bundles/:code/guide): the situation answers arrive as query
// text and are typed by the bundle's questions; the Accept header picks JSON or the printable page.
import type { Answers, Question } from '../workflows/shared/bundle.js';
import type { ErrorDetail } from './errors.js';

type Answer = Answers[string];

/** 'true'/'false' for boolean questions, a decimal for number questions; options are compared as text. */
function typedAnswer(question: Question, text: string): { value: Answer } | { problem: string } {
  let value: Answer = text;
  if (question.type === 'boolean') {
    if (text !== 'true' && text !== 'false') return { problem: 'must be true or false' };
    value = text === 'true';
  } else if (question.type === 'number') {
    value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) return { problem: 'must be a number' };
  }
  if (question.options && !question.options.includes(String(value))) {
    return { problem: `must be one of ${question.options.join(', ')}` };
  }
  return { value };
}

/** Every query parameter but `version` answers a question; each that does not, or not in its type, is named. */
export function parseAnswers(questions: Question[], query: Record<string, unknown>): { answers: Answers; problems: ErrorDetail[] } {
  const answers: Answers = {};
  const problems: ErrorDetail[] = [];
  for (const [key, raw] of Object.entries(query)) {
    if (key === 'version') continue;
    const field = `querystring.${key}`;
    const question = questions.find((q) => q.key === key);
    if (!question) {
      problems.push({ field, message: `unknown question; this bundle asks ${questions.map((q) => q.key).join(', ') || 'nothing'}` });
      continue;
    }
    const typed = typedAnswer(question, String(raw));
    if ('problem' in typed) problems.push({ field, message: typed.problem });
    else answers[key] = typed.value;
  }
  return { answers, problems };
}

/** True when the client ranks text/html above JSON (a browser); a bare wildcard keeps the JSON default. */
export function prefersHtml(accept: string | undefined): boolean {
  const quality = (type: string) =>
    (accept ?? '')
      .split(',')
      .map((part) => part.split(';').map((s) => s.trim()))
      .filter(([range]) => range?.toLowerCase() === type)
      .map(([, ...params]) => Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1))
      .reduce((best, q) => Math.max(best, Number.isNaN(q) ? 0 : q), 0);
  const html = quality('text/html');
  return html > 0 && html >= quality('application/json');
}
