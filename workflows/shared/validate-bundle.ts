// Semantic checks on a bundle definition a coordinator publishes (POST /v1/bundles, R-1), run after
// the JSON schema has vouched for its shape, and the lead-department rule (R-1.2, standard 5.2).
// Pure, so the API, the seed and workflow code can all share it.
import type { Answers, BundleDefinition, ItemDefinition, Material, Question } from './bundle.js';

export interface BundleProblem {
  field: string;
  message: string;
}

export type LeadPrinciple = NonNullable<BundleDefinition['leadPrinciple']>;

export interface DerivedLead {
  leadDepartment: string;
  leadPrinciple: LeadPrinciple;
  /** false: taken from the definition; true: computed from the items. */
  derived: boolean;
}

/** Lookups by code; the first entry wins (later duplicates are reported, not used). */
interface Catalogue {
  departments: Set<string>;
  questions: Map<string, Question>;
  materials: Map<string, Material>;
  fields: Set<string>;
  items: Map<string, ItemDefinition>;
}

/** Every problem at once (一次告知 applies to coordinators too): an empty list means publishable. */
export function validateBundle(def: BundleDefinition): BundleProblem[] {
  const cat = catalogue(def);
  return [
    ...positiveDays(def.committedDays, 'committedDays'),
    ...checkLead(def, cat),
    ...duplicates(
      def.departments.map((d) => d.code),
      'departments',
      'code',
      'department code',
    ),
    ...unusedDepartments(def),
    ...duplicates(
      def.questions.map((q) => q.key),
      'questions',
      'key',
      'question key',
    ),
    ...duplicates(
      def.materials.map((m) => m.code),
      'materials',
      'code',
      'material code',
    ),
    ...def.materials.flatMap((m, i) => (m.deferDays === undefined ? [] : positiveDays(m.deferDays, `materials[${i}].deferDays`))),
    ...duplicates(
      def.fields.map((f) => f.key),
      'fields',
      'key',
      'field key',
    ),
    ...def.fields.flatMap((f, i) => fieldShapeProblems(f, `fields[${i}]`)),
    ...(def.items.length === 0 ? [{ field: 'items', message: 'a bundle needs at least one item' }] : []),
    ...duplicates(
      def.items.map((item) => item.code),
      'items',
      'code',
      'item code',
    ),
    ...def.items.flatMap((item, i) => checkItem(item, `items[${i}]`, cat)),
    ...afterCycles(def.items),
    ...duplicates(
      (def.joint ?? []).map((j) => j.code),
      'joint',
      'code',
      'joint procedure code',
    ),
    ...checkJoint(def, cat),
    ...duplicates(
      (def.triggers ?? []).map((t) => t.event),
      'triggers',
      'event',
      'trigger event',
    ),
    ...(def.triggers ?? []).flatMap((t, i) => answerProblems(t.answers, `triggers[${i}].answers`, cat)),
  ];
}

/**
 * The lead department (牵头部门). Given: kept as is ('designated' unless a principle is named).
 * Absent: '首个办理事项部门负责' (first-item, the default) takes the department of the first item
 * that waits for no other; '关键审核事项部门负责' (key-item) takes the department of the item
 * flagged `key: true`. Call after validateBundle (which refuses a key-item bundle without one, and a
 * given lead that breaks its principle): a bundle without items has no lead to derive.
 */
export function deriveLead(def: BundleDefinition): DerivedLead {
  if (def.leadDepartment !== undefined) {
    return { leadDepartment: def.leadDepartment, leadPrinciple: def.leadPrinciple ?? 'designated', derived: false };
  }
  // 'designated' without a department is refused by validateBundle; fall back to the default rule.
  const principle = def.leadPrinciple === 'key-item' ? 'key-item' : 'first-item';
  const item = principle === 'key-item' ? keyItem(def.items) : firstItem(def.items);
  if (!item) throw new Error(`bundle '${def.code}' has no items to derive a lead department from`);
  return { leadDepartment: item.department, leadPrinciple: principle, derived: true };
}

function keyItem(items: ItemDefinition[]): ItemDefinition | undefined {
  return items.find((item) => item.key);
}

function firstItem(items: ItemDefinition[]): ItemDefinition | undefined {
  // Every item waiting on another only happens with a cycle (refused); items[0] keeps this total.
  return items.find((item) => item.after.length === 0) ?? items[0];
}

function catalogue(def: BundleDefinition): Catalogue {
  return {
    departments: new Set(def.departments.map((d) => d.code)),
    questions: firstByKey(def.questions, (q) => q.key),
    materials: firstByKey(def.materials, (m) => m.code),
    fields: new Set(def.fields.map((f) => f.key)),
    items: firstByKey(def.items, (item) => item.code),
  };
}

function firstByKey<T>(list: T[], key: (t: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const t of list) if (!map.has(key(t))) map.set(key(t), t);
  return map;
}

/** 'x' for codes and strings, bare for numbers and booleans. */
function show(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** Time limits and deferrals are counted in whole working days. */
function positiveDays(value: number, field: string): BundleProblem[] {
  if (Number.isInteger(value) && value > 0) return [];
  return [{ field, message: `must be a positive integer of working days, got ${value}` }];
}

function duplicates(codes: string[], list: string, key: string, what: string): BundleProblem[] {
  const first = new Map<string, number>();
  return codes.flatMap((code, i) => {
    const j = first.get(code);
    if (j === undefined) {
      first.set(code, i);
      return [];
    }
    return [{ field: `${list}[${i}].${key}`, message: `duplicate ${what} ${show(code)}, already at ${list}[${j}]` }];
  });
}

/**
 * 5.2: the lead follows its principle. first-item: the department of an item dispatched first (one
 * that waits for no other); key-item: the department of the one item flagged `key: true`.
 */
function checkLead(def: BundleDefinition, cat: Catalogue): BundleProblem[] {
  const keys = def.items.flatMap((item, i) => (item.key ? [i] : []));
  const problems: BundleProblem[] = keys
    .slice(1)
    .map((i) => ({ field: `items[${i}].key`, message: `one key item per bundle; items[${keys[0]}] is already the key item` }));
  if (def.leadPrinciple === 'key-item' && keys.length === 0) {
    problems.push({ field: 'items', message: `leadPrinciple 'key-item' needs one item flagged key: true` });
  }
  if (def.leadDepartment === undefined) {
    if (def.leadPrinciple === 'designated') problems.push({ field: 'leadDepartment', message: `leadPrinciple 'designated' needs a leadDepartment` });
    return problems;
  }
  if (!cat.departments.has(def.leadDepartment)) return [...problems, { field: 'leadDepartment', message: `unknown department ${show(def.leadDepartment)}` }];
  const lead = show(def.leadDepartment);
  if (def.leadPrinciple === 'first-item') {
    const first = [...new Set(def.items.filter((item) => item.after.length === 0).map((item) => item.department))];
    if (!first.includes(def.leadDepartment)) {
      problems.push({
        field: 'leadDepartment',
        message: `leadPrinciple 'first-item': ${lead} has no item dispatched first (those of ${first.join(', ')} are)`,
      });
    }
  }
  const key = def.items[keys[0] ?? -1];
  if (def.leadPrinciple === 'key-item' && key && key.department !== def.leadDepartment) {
    problems.push({ field: 'leadDepartment', message: `leadPrinciple 'key-item': the key item ${show(key.code)} is ${show(key.department)}'s, not ${lead}'s` });
  }
  return problems;
}

/** A listed department with no item is a stray entry (the lead, too, must own an item). */
function unusedDepartments(def: BundleDefinition): BundleProblem[] {
  const used = new Set(def.items.map((item) => item.department));
  const seen = new Set<string>();
  return def.departments.flatMap((d, i) => {
    if (seen.has(d.code)) return []; // the duplicate is reported on its own
    seen.add(d.code);
    return used.has(d.code) ? [] : [{ field: `departments[${i}].code`, message: `department ${show(d.code)} is used by no item` }];
  });
}

function checkItem(item: ItemDefinition, at: string, cat: Catalogue): BundleProblem[] {
  return [
    ...(cat.departments.has(item.department) ? [] : [{ field: `${at}.department`, message: `unknown department ${show(item.department)}` }]),
    ...itemLimits(item, at),
    ...itemMaterials(item, at, cat),
    ...item.fields.flatMap((key, k) => (cat.fields.has(key) ? [] : [{ field: `${at}.fields[${k}]`, message: `unknown field ${show(key)}` }])),
    ...itemAfter(item, at, cat),
    ...itemWhen(item, at, cat),
  ];
}

function itemLimits(item: ItemDefinition, at: string): BundleProblem[] {
  const problems = [...positiveDays(item.legalDays, `${at}.legalDays`), ...positiveDays(item.committedDays, `${at}.committedDays`)];
  // Compare only valid limits, so one bad number is one problem.
  if (problems.length === 0 && item.committedDays > item.legalDays) {
    problems.push({
      field: `${at}.committedDays`,
      message: `committed limit ${item.committedDays} exceeds the legal limit ${item.legalDays} working days (承诺时限 must not exceed 法定时限)`,
    });
  }
  if (item.commitment) problems.push(...positiveDays(item.commitment.postCheckDays, `${at}.commitment.postCheckDays`));
  return problems;
}

function itemMaterials(item: ItemDefinition, at: string, cat: Catalogue): BundleProblem[] {
  return item.materials.flatMap((m, k) => {
    const material = cat.materials.get(m.code);
    if (!material) return [{ field: `${at}.materials[${k}].code`, message: `unknown material ${show(m.code)}` }];
    // 容缺 needs a due date: without deferDays a promise could never fall due.
    if (m.deferrable && material.deferDays === undefined) {
      const message = `material ${show(m.code)} is deferrable but the bundle gives it no deferDays`;
      return [{ field: `${at}.materials[${k}].deferrable`, message }];
    }
    return [];
  });
}

function itemAfter(item: ItemDefinition, at: string, cat: Catalogue): BundleProblem[] {
  return item.after.flatMap((code, k) => {
    const field = `${at}.after[${k}]`;
    if (code === item.code) return [{ field, message: `item ${show(code)} waits for itself (cycle ${code} → ${code})` }];
    return cat.items.has(code) ? [] : [{ field, message: `unknown item ${show(code)}` }];
  });
}

function itemWhen(item: ItemDefinition, at: string, cat: Catalogue): BundleProblem[] {
  return answerProblems(item.when, `${at}.when`, cat);
}

/** Answers to the bundle's questions (an item's `when`, a trigger's `answers`): known questions, values of their type and options. */
function answerProblems(answers: Answers | undefined, at: string, cat: Catalogue): BundleProblem[] {
  return Object.entries(answers ?? {}).flatMap(([key, value]) => {
    const field = `${at}.${key}`;
    const question = cat.questions.get(key);
    if (!question) return [{ field, message: `unknown question ${show(key)}` }];
    if (typeof value !== question.type) {
      return [{ field, message: `${show(value)} does not match question ${show(key)} of type ${question.type}` }];
    }
    // Options are strings; compare as text so a number question with options '1', '2' accepts 1.
    if (question.options && !question.options.includes(String(value))) {
      return [{ field, message: `${show(value)} is not an option of question ${show(key)} (${question.options.join(', ')})` }];
    }
    return [];
  });
}

/**
 * Depth-first search over `after` (an item → the items it waits for). Each back edge closes one
 * cycle, reported once at the `after` entry that closes it; a cycle reachable from several items
 * is still found once. Self-loops and unknown items are left to itemAfter.
 */
function afterCycles(items: ItemDefinition[]): BundleProblem[] {
  const index = new Map<string, number>();
  items.forEach((item, i) => {
    if (!index.has(item.code)) index.set(item.code, i);
  });
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const problems: BundleProblem[] = [];

  const visit = (code: string, i: number): void => {
    state.set(code, 'open');
    path.push(code);
    items[i]!.after.forEach((next, k, after) => {
      const j = index.get(next);
      if (next === code || j === undefined || after.indexOf(next) !== k) return; // self, unknown, repeated
      if (state.get(next) === 'open') {
        const cycle = [...path.slice(path.indexOf(next)), next].join(' → ');
        problems.push({ field: `items[${i}].after[${k}]`, message: `cycle in after: ${cycle}` });
      } else if (!state.has(next)) visit(next, j);
    });
    path.pop();
    state.set(code, 'done');
  };

  for (const [code, i] of index) if (!state.has(code)) visit(code, i);
  return problems;
}

/** 联合办理 (8.3.2): several known items of several departments sign off together. */
function checkJoint(def: BundleDefinition, cat: Catalogue): BundleProblem[] {
  return (def.joint ?? []).flatMap((joint, n) => {
    const at = `joint[${n}]`;
    const problems = joint.items.flatMap((code, k) => (cat.items.has(code) ? [] : [{ field: `${at}.items[${k}]`, message: `unknown item ${show(code)}` }]));
    const distinct = [...new Set(joint.items)];
    if (distinct.length < 2) {
      problems.push({ field: `${at}.items`, message: `joint procedure ${show(joint.code)} needs at least two items, has ${distinct.length}` });
    } else if (problems.length === 0) {
      // Judged only when every item is known: an unknown one may belong to another department.
      const departments = [...new Set(distinct.map((code) => cat.items.get(code)!.department))];
      if (departments.length === 1) {
        const message = `all items of joint procedure ${show(joint.code)} belong to department ${show(departments[0]!)}`;
        problems.push({ field: `${at}.items`, message: `${message}; a joint procedure needs several departments` });
      }
    }
    return problems;
  });
}

/** A field's constraints fit its type: a range only on numbers (min ≤ max), length and options only on text. */
function fieldShapeProblems(field: BundleDefinition['fields'][number], at: string): BundleProblem[] {
  const problems: BundleProblem[] = [];
  if (field.type !== 'number' && (field.min !== undefined || field.max !== undefined))
    problems.push({ field: `${at}.min`, message: 'a range applies to number fields only' });
  if (field.min !== undefined && field.max !== undefined && field.min > field.max)
    problems.push({ field: `${at}.max`, message: `must not be below min (${field.min})` });
  if (field.type !== 'string' && (field.maxLength !== undefined || field.options !== undefined)) {
    problems.push({ field: `${at}.${field.options !== undefined ? 'options' : 'maxLength'}`, message: 'length and options apply to string fields only' });
  }
  return problems;
}
