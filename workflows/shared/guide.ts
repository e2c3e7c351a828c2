// The merged guide (办事指南, 一次告知, SPEC R-2): for one applicant's answers, the items that apply,
// one set of materials, one form and the figures a coordinator shows. Pure: no Node, no packages.
import type { Answers, BundleVersion, Field, ItemDefinition, Question } from './bundle.js';
import { applicableItems, prerequisites, undecidedQuestions } from './rules.js';
import { itemBelowBundle, itemLevel, type Level } from './jurisdiction.js';

export interface GuideBundle {
  code: string;
  name: string;
  version: number;
  lifecycle: BundleVersion['lifecycle'];
  stage: string;
  region: string;
  leadDepartment?: string;
  leadDepartmentName?: string;
  committedDays: number;
}

/** An item as the guide shows it: its definition's public facts, its department's name. */
export interface GuideItem extends Pick<
  ItemDefinition,
  'code' | 'name' | 'department' | 'kind' | 'legalBasis' | 'conditions' | 'fee' | 'legalDays' | 'committedDays' | 'result'
> {
  departmentName: string;
  /** Items this one waits for, among the items that apply. */
  after: string[];
  /** The level of the office that decides it; `local`: below the bundle's, so the applicant's region (属地) routes it and is asked for. */
  level: Level;
  local: boolean;
}

export interface GuideMaterial {
  code: string;
  name: string;
  sample?: string;
  /** True if any selecting item requires it; false: 选交 (only in the situations the sample says). */
  required: boolean;
  /** 容缺: true only if every item needing it allows it to be promised instead. */
  deferrable: boolean;
  /** Working days to hand in a promised material; only on deferrable materials. */
  deferDays?: number;
  items: string[];
  /** 免提交: the certificate store holds it for this applicant; it is taken from there, not asked for. */
  held?: HeldCertificate;
}

/** A certificate in force the store holds for the applicant (电子证照). */
export interface HeldCertificate {
  certificate: string;
  name: string;
  number: string;
}

export interface GuideField {
  key: string;
  label: string;
  type: Field['type'];
  required: boolean;
  items: string[];
  /** The platform already knows it (数据共享, 国务院令716号 §7): the applicant is not asked again. */
  prefilled: boolean;
  value?: unknown;
  /** Where a pre-filled value comes from (the applicant's login, one of its certificates). */
  sharedFrom?: SharedFrom;
}

/** The shared data a value came from: an identity claim of the applicant's login, or a certificate of the store. */
export type SharedFrom =
  | { kind: 'identity'; claim: string }
  | { kind: 'certificate'; certificate: string; name: string; number: string }
  /** 政策服务免申办: the event that proposed the application. */
  | { kind: 'event'; event: string; type: string };

export interface GuideFigures {
  items: number;
  materialsBefore: number;
  materialsAfter: number;
  fieldsBefore: number;
  fieldsAfter: number;
  /** Sum of the items' legal limits: what the applicant would face item by item. */
  legalDays: number;
  /** The bundle's committed limit. */
  committedDays: number;
}

export interface GuideQuestion {
  key: string;
  label: string;
  type: Question['type'];
  options?: string[];
  answer?: string | number | boolean;
}

export interface Guide {
  bundle: GuideBundle;
  items: GuideItem[];
  materials: GuideMaterial[];
  form: { fields: GuideField[] };
  figures: GuideFigures;
  url: string;
  questions: GuideQuestion[];
  /** The bundle takes no new applications (停止受理) since this instant. */
  retired?: { since: string; notice: string };
  /** Items that apply or not by an answer not given yet (视情形而定): never silently left out. */
  undecided: { code: string; name: string; departmentName: string; dependsOn: { key: string; label: string }[] }[];
}

export interface GuideOptions {
  /** The electronic guide's address, encoded in the printable page's QR code. */
  url: string;
  /** Field values the platform already holds (identity from the token, earlier results). */
  known?: Record<string, unknown>;
  /** Where each known value comes from, when it is shared data. */
  sources?: ReadonlyMap<string, SharedFrom>;
  /** When the bundle was retired, if it was. */
  retiredAt?: string;
  /** The applicant's certificates in force, by certificate type: the materials they satisfy are marked held. */
  held?: ReadonlyMap<string, HeldCertificate>;
}

const hasOwn = (record: Record<string, unknown> | undefined, key: string): boolean => record !== undefined && Object.prototype.hasOwnProperty.call(record, key);

export function buildGuide(bundle: BundleVersion, answers: Answers, options: GuideOptions): Guide {
  const selected = applicableItems(bundle, answers);
  const applicable = new Set(selected.map((item) => item.code));
  const departmentName = (code: string) => bundle.departments.find((d) => d.code === code)?.name ?? code;

  const items = selected.map((item) => guideItem(item, bundle, departmentName(item.department), applicable));

  const materials = new Map<string, GuideMaterial>();
  const fields = new Map<string, GuideField>();
  let materialsBefore = 0;
  let fieldsBefore = 0;
  for (const item of selected) {
    materialsBefore += item.materials.length;
    for (const m of item.materials) {
      let entry = materials.get(m.code);
      if (!entry) {
        const def = bundle.materials.find((x) => x.code === m.code);
        entry = { code: m.code, name: def?.name ?? m.code, required: false, deferrable: true, items: [] };
        if (def?.sample !== undefined) entry.sample = def.sample;
        const held = def?.certificate ? options.held?.get(def.certificate) : undefined;
        if (held) entry.held = held;
        materials.set(m.code, entry);
      }
      if (!entry.items.includes(item.code)) entry.items.push(item.code);
      entry.required ||= m.required;
      entry.deferrable &&= m.deferrable;
    }
    fieldsBefore += item.fields.length;
    for (const key of item.fields) {
      let entry = fields.get(key);
      if (!entry) {
        const def = bundle.fields.find((f) => f.key === key);
        const prefilled = hasOwn(options.known, key);
        entry = { key, label: def?.label ?? key, type: def?.type ?? 'string', required: def?.required === true, items: [], prefilled };
        if (prefilled) entry.value = options.known![key];
        const from = prefilled ? options.sources?.get(key) : undefined;
        if (from) entry.sharedFrom = from;
        fields.set(key, entry);
      }
      if (!entry.items.includes(item.code)) entry.items.push(item.code);
    }
  }
  for (const entry of materials.values()) {
    const deferDays = bundle.materials.find((x) => x.code === entry.code)?.deferDays;
    if (entry.deferrable && deferDays !== undefined) entry.deferDays = deferDays;
  }

  const guideBundle: GuideBundle = {
    code: bundle.code,
    name: bundle.name,
    version: bundle.version,
    lifecycle: bundle.lifecycle,
    stage: bundle.stage,
    region: bundle.region,
    committedDays: bundle.committedDays,
  };
  if (bundle.leadDepartment !== undefined) {
    guideBundle.leadDepartment = bundle.leadDepartment;
    guideBundle.leadDepartmentName = departmentName(bundle.leadDepartment);
  }

  return {
    bundle: guideBundle,
    items,
    materials: [...materials.values()],
    form: { fields: [...fields.values()] },
    figures: {
      items: items.length,
      materialsBefore,
      materialsAfter: materials.size,
      fieldsBefore,
      fieldsAfter: fields.size,
      legalDays: selected.reduce((sum, item) => sum + item.legalDays, 0),
      committedDays: bundle.committedDays,
    },
    url: options.url,
    questions: bundle.questions.map((q) => {
      const question: GuideQuestion = { key: q.key, label: q.label, type: q.type };
      if (q.options !== undefined) question.options = [...q.options];
      if (hasOwn(answers, q.key)) question.answer = answers[q.key];
      return question;
    }),
    undecided: undecidedItems(bundle, answers, applicable, departmentName),
    ...(options.retiredAt ? { retired: { since: options.retiredAt, notice: '本一件事已停止受理，指南仅供查阅；请向窗口咨询现行办理方式' } } : {}),
  };
}

function guideItem(item: ItemDefinition, bundle: BundleVersion, departmentName: string, applicable: ReadonlySet<string>): GuideItem {
  const out: GuideItem = {
    code: item.code,
    name: item.name,
    department: item.department,
    departmentName,
    kind: item.kind,
    legalDays: item.legalDays,
    committedDays: item.committedDays,
    result: { type: item.result.type, name: item.result.name },
    after: prerequisites(item, applicable),
    level: itemLevel(item, bundle),
    local: itemBelowBundle(item, bundle),
  };
  if (item.legalBasis !== undefined) out.legalBasis = item.legalBasis;
  if (item.conditions !== undefined) out.conditions = item.conditions;
  if (item.fee !== undefined) out.fee = item.fee;
  return out;
}

/** Items not applicable yet because a question they depend on is unanswered, with those questions. */
function undecidedItems(
  bundle: BundleVersion,
  answers: Answers,
  applicable: ReadonlySet<string>,
  departmentName: (code: string) => string,
): Guide['undecided'] {
  const open = undecidedQuestions(bundle, answers);
  return (
    bundle.items
      .filter((item) => !applicable.has(item.code))
      .map((item) => ({ item, dependsOn: open.filter((q) => q.items.includes(item)).map(({ key, label }) => ({ key, label })) }))
      // An item another answer already rules out is not undecided.
      .filter(
        ({ item, dependsOn }) =>
          dependsOn.length > 0 && Object.entries(item.when ?? {}).every(([key, want]) => answers[key] === undefined || answers[key] === want),
      )
      .map(({ item, dependsOn }) => ({ code: item.code, name: item.name, departmentName: departmentName(item.department), dependsOn }))
  );
}
