// Pure rules over a bundle definition: which items apply, which are ready, who depends on whom.
import type { Answers, BundleDefinition, ItemDefinition } from './bundle.js';

/** 智能导办: the items whose `when` matches the applicant's answers (absent `when`: always). */
export function applicableItems(bundle: BundleDefinition, answers: Answers): ItemDefinition[] {
  return bundle.items.filter((item) =>
    Object.entries(item.when ?? {}).every(([key, expected]) => answers[key] === expected),
  );
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
