// The completeness check at submission (8.1): pure, so the API and the workflows share it.
import { FIELD_MAX_LENGTH, type Answers, type BundleDefinition, type Field, type ItemDefinition } from './bundle.js';
import { bundleAppliesIn, itemBelowBundle } from './jurisdiction.js';
import { applicableItems, missingMaterials } from './rules.js';

export interface IntakeProblem {
  field: string;
  message: string;
}

export interface IntakeCheck {
  items: ItemDefinition[];
  /** Bad input: unknown answers, fields or materials, missing required fields. */
  problems: IntakeProblem[];
  /** Required materials neither handed in nor validly promised (一次告知: all of them at once). */
  missing: ReturnType<typeof missingMaterials>;
  promised: string[];
}

export function checkSubmission(
  bundle: BundleDefinition,
  input: { answers: Answers; form: Record<string, unknown>; materials: string[]; commitments: string[]; region?: string },
): IntakeCheck {
  const problems: IntakeProblem[] = [];
  for (const [key, value] of Object.entries(input.answers)) {
    const question = bundle.questions.find((q) => q.key === key);
    if (!question) problems.push({ field: `answers.${key}`, message: 'is not a question of this bundle' });
    else if (typeof value !== question.type) problems.push({ field: `answers.${key}`, message: `must be a ${question.type}` });
  }
  const items = applicableItems(bundle, input.answers);
  if (items.length === 0) problems.push({ field: 'answers', message: 'no item of this bundle applies to these answers' });

  const wanted = new Set(items.flatMap((i) => i.fields));
  for (const key of Object.keys(input.form)) {
    if (!bundle.fields.some((f) => f.key === key)) problems.push({ field: `form.${key}`, message: 'is not a field of this bundle' });
  }
  for (const field of bundle.fields) {
    const value = input.form[field.key];
    if (value === undefined || value === '') {
      if (wanted.has(field.key) && field.required) problems.push({ field: `form.${field.key}`, message: `${field.label} is required` });
      continue;
    }
    const wrong = fieldProblem(field, value);
    if (wrong) problems.push({ field: `form.${field.key}`, message: `${field.label}${wrong}` });
  }
  // 属地: items decided below the bundle's level go to the office of the applicant's region.
  const local = items.filter((i) => itemBelowBundle(i, bundle));
  if (input.region === undefined && local.length) {
    problems.push({ field: 'region', message: `须填写申请人所在区划（属地）：${local.map((i) => i.name).join('、')} 由属地部门办理` });
  }
  if (input.region !== undefined && !bundleAppliesIn(bundle.region, input.region)) {
    problems.push({ field: 'region', message: `is outside the bundle's region ${bundle.region}` });
  }
  for (const code of [...input.materials, ...input.commitments]) {
    if (!bundle.materials.some((m) => m.code === code)) problems.push({ field: `materials.${code}`, message: 'is not a material of this bundle' });
  }

  const missingAll = missingMaterials(bundle, items, new Set(input.materials));
  const promised = input.commitments.filter((c) => missingAll.some((m) => m.material === c && m.deferrable));
  const missing = missingAll.filter((m) => !promised.includes(m.material));
  return { items, problems, missing, promised };
}

/** Why a value does not fit its field (its type, length, range or options), or undefined. */
export function fieldProblem(field: Field, value: unknown): string | undefined {
  switch (field.type) {
    case 'string': {
      if (typeof value !== 'string') return ' must be text';
      if (field.options && !field.options.includes(value)) return ` must be one of: ${field.options.join('、')}`;
      const max = field.maxLength ?? FIELD_MAX_LENGTH;
      return [...value].length > max ? ` must be at most ${max} characters` : undefined;
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return ' must be a number';
      if (field.min !== undefined && value < field.min) return ` must be at least ${field.min}`;
      return field.max !== undefined && value > field.max ? ` must be at most ${field.max}` : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : ' must be true or false';
    case 'date':
      return typeof value === 'string' && isDate(value) ? undefined : ' must be a date, YYYY-MM-DD';
  }
}

/** A real calendar date (2026-02-30 is not one). */
function isDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return day.toISOString().slice(0, 10) === text && Number(m[1]) >= 1900;
}
