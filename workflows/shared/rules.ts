// Pure rules over a bundle definition: which items apply, which are ready, who depends on whom.
import type { Answers, BundleDefinition, ItemDefinition } from './bundle.js';

/** 智能导办: the items whose `when` matches the applicant's answers (absent `when`: always). */
export function applicableItems(bundle: BundleDefinition, answers: Answers): ItemDefinition[] {
  return bundle.items.filter((item) => Object.entries(item.when ?? {}).every(([key, expected]) => answers[key] === expected));
}

/**
 * Questions some item's `when` depends on that the answers leave open, each with the items it
 * decides. An unanswered question is not a "no": the applicant is asked (API 400), and the guide
 * shows those items as depending on the answer.
 */
export function undecidedQuestions(bundle: BundleDefinition, answers: Answers): { key: string; label: string; items: ItemDefinition[] }[] {
  return bundle.questions
    .filter((q) => answers[q.key] === undefined)
    .map((q) => ({ key: q.key, label: q.label, items: bundle.items.filter((item) => item.when !== undefined && q.key in item.when) }))
    .filter((q) => q.items.length > 0);
}

/** Prerequisites restricted to the items that apply: an `after` item that does not apply is not awaited. */
export function prerequisites(item: ItemDefinition, applicable: ReadonlySet<string>): string[] {
  return item.after.filter((code) => applicable.has(code));
}

/** Every item that transitively waits on `code` (its dependents are cancelled if it is rejected). */
export function dependentsOf(code: string, items: ItemDefinition[]): string[] {
  const found = new Set<string>();
  const visit = (c: string) => {
    for (const item of items) {
      if (item.after.includes(c) && !found.has(item.code)) {
        found.add(item.code);
        visit(item.code);
      }
    }
  };
  visit(code);
  return [...found];
}

/** Materials required by the given items that the applicant did not hand in, with the items needing each. */
export function missingMaterials(
  bundle: BundleDefinition,
  items: ItemDefinition[],
  received: ReadonlySet<string>,
): { material: string; name: string; items: string[]; deferrable: boolean }[] {
  const missing = new Map<string, { material: string; name: string; items: string[]; deferrable: boolean }>();
  for (const item of items) {
    for (const m of item.materials) {
      if (!m.required || received.has(m.code)) continue;
      const entry = missing.get(m.code) ?? {
        material: m.code,
        name: bundle.materials.find((x) => x.code === m.code)?.name ?? m.code,
        items: [],
        deferrable: true,
      };
      entry.items.push(item.code);
      // A material is deferrable for the bundle only if every item needing it allows it.
      entry.deferrable &&= m.deferrable;
      missing.set(m.code, entry);
    }
  }
  return [...missing.values()];
}

/** The certificate type an item's result is kept as in the store (电子证照), or undefined when it is not kept: not a certificate, not shareable. */
export function certificateTypeOf(item: Pick<ItemDefinition, 'code' | 'result'>): string | undefined {
  const { result } = item;
  return result.type === 'certificate' || result.shareable ? (result.certificate ?? item.code) : undefined;
}
