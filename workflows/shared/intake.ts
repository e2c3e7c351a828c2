// The completeness check at submission (8.1): pure, so the API and the workflows share it.
import type { Answers, BundleDefinition, ItemDefinition } from './bundle.js';
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
  input: { answers: Answers; form: Record<string, unknown>; materials: string[]; commitments: string[] },
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
    if (wanted.has(field.key) && field.required && (value === undefined || value === '')) {
      problems.push({ field: `form.${field.key}`, message: `${field.label} is required` });
    }
  }
  for (const code of [...input.materials, ...input.commitments]) {
    if (!bundle.materials.some((m) => m.code === code)) problems.push({ field: `materials.${code}`, message: 'is not a material of this bundle' });
  }

  const missingAll = missingMaterials(bundle, items, new Set(input.materials));
  const promised = input.commitments.filter((c) => missingAll.some((m) => m.material === c && m.deferrable));
  const missing = missingAll.filter((m) => !promised.includes(m.material));
  return { items, problems, missing, promised };
}
