import { describe, expect, it } from 'vitest';
import { newborn } from '../../../db/catalogue/newborn.js';
import { applicableItems, dependentsOf, missingMaterials, prerequisites } from '../../../workflows/shared/rules.js';

const codes = (items: { code: string }[]) => items.map((i) => i.code);

describe('applicableItems (智能导办)', () => {
  it('selects items by the answers, and items without `when` always', () => {
    expect(codes(applicableItems(newborn, {}))).toEqual(['birth-cert', 'vaccination']);
    expect(codes(applicableItems(newborn, { localHukou: true, insured: true }))).toEqual(['birth-cert', 'vaccination', 'hukou', 'medical-insurance']);
  });

  it('does not select an item when the answer differs in type', () => {
    expect(codes(applicableItems(newborn, { localHukou: 'true' }))).not.toContain('hukou');
  });
});

describe('dependencies', () => {
  it('finds dependents transitively', () => {
    expect(dependentsOf('birth-cert', newborn.items).sort()).toEqual(['hukou', 'medical-insurance', 'social-card']);
    expect(dependentsOf('hukou', newborn.items).sort()).toEqual(['medical-insurance', 'social-card']);
    expect(dependentsOf('vaccination', newborn.items)).toEqual([]);
  });

  it('ignores prerequisites that do not apply to this applicant', () => {
    const insurance = newborn.items.find((i) => i.code === 'medical-insurance')!;
    expect(prerequisites(insurance, new Set(['birth-cert', 'medical-insurance']))).toEqual(['birth-cert']);
  });
});

describe('missingMaterials (一次告知)', () => {
  it('lists every missing material once, with every item that needs it', () => {
    const items = applicableItems(newborn, { localHukou: true, socialCard: true });
    const missing = missingMaterials(newborn, items, new Set(['delivery-record']));
    expect(missing.map((m) => m.material)).toEqual(['parent-id', 'household-book', 'marriage-cert', 'child-photo']);
    expect(missing[0]).toEqual({
      material: 'parent-id',
      name: '父母双方居民身份证',
      items: ['birth-cert', 'vaccination', 'hukou', 'social-card'],
      deferrable: false,
    });
    expect(missing.find((m) => m.material === 'household-book')!.deferrable).toBe(true);
  });
});
