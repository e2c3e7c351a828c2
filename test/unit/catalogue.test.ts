import { describe, expect, it } from 'vitest';
import { seedBundles } from '../../db/catalogue/index.js';
import { posthumous } from '../../db/catalogue/posthumous.js';
import { restaurant } from '../../db/catalogue/restaurant.js';
import type { BundleDefinition } from '../../workflows/shared/bundle.js';
import { applicableItems, dependentsOf } from '../../workflows/shared/rules.js';
import { validateBundle } from '../../workflows/shared/validate-bundle.js';

const codes = (items: { code: string }[]) => items.map((i) => i.code);
const byCode = (bundles: BundleDefinition[]) => bundles.map((b) => [b.code, b] as const);

const itemsNeeding = (bundle: BundleDefinition, material: string) => codes(bundle.items.filter((item) => item.materials.some((m) => m.code === material)));

/** Working days of the longest `after` chain of committed limits, every item applying. */
function longestChain(bundle: BundleDefinition): number {
  const items = new Map(bundle.items.map((item) => [item.code, item]));
  const finish = (code: string): number => {
    const item = items.get(code)!;
    return item.committedDays + Math.max(0, ...item.after.map(finish));
  };
  return Math.max(...bundle.items.map((item) => finish(item.code)));
}

// newborn (the first seed) predates the two checks below: its 容缺 deadlines (10, 15 days) exceed
// the committed limits of 户口 (3) and 社保卡 (5), and its chain 1 + 3 + 5 exceeds the bundle's 5.
const newBundles = seedBundles.filter((b) => b.code !== 'newborn');

describe('seed catalogue', () => {
  it.each(byCode(seedBundles))('%s is publishable (validateBundle finds nothing)', (_code, bundle) => {
    expect(validateBundle(bundle)).toEqual([]);
  });

  it('has unique bundle codes', () => {
    const all = codes(seedBundles);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(['newborn', 'restaurant', 'retirement', 'posthumous', 'enterprise-change', 'utilities', 'disability']);
  });

  it('is province-wide except one city-level bundle', () => {
    const cityLevel = seedBundles.filter((b) => b.region !== '320000');
    expect(cityLevel.map((b) => [b.code, b.region])).toEqual([['utilities', '320100']]);
  });

  // DOMAIN.md 容缺: the deadline is at most the item's committed limit.
  it.each(byCode(newBundles))("%s: deferred materials fall due within the deferring items' limits", (_code, bundle) => {
    for (const item of bundle.items) {
      for (const m of item.materials.filter((x) => x.deferrable)) {
        const deferDays = bundle.materials.find((x) => x.code === m.code)?.deferDays;
        expect(deferDays, `${item.code}/${m.code}`).toBeLessThanOrEqual(item.committedDays);
      }
    }
  });

  it.each(byCode(newBundles))('%s: the bundle limit covers its longest chain of committed limits', (_code, bundle) => {
    expect(longestChain(bundle)).toBeLessThanOrEqual(bundle.committedDays);
  });
});

describe('开办餐饮店一件事', () => {
  const everything = { outdoorSign: true, largeVenue: true, sellsTobacco: true };

  it('gives a small restaurant without tobacco, sign or large venue exactly two items', () => {
    const small = { outdoorSign: false, largeVenue: false, sellsTobacco: false };
    expect(codes(applicableItems(restaurant, small))).toEqual(['license-check', 'food-permit']);
    expect(codes(applicableItems(restaurant, {}))).toEqual(['license-check', 'food-permit']);
  });

  it('gives all five items with a sign, a large venue and tobacco', () => {
    expect(codes(applicableItems(restaurant, everything))).toEqual(['license-check', 'food-permit', 'outdoor-sign', 'fire-check', 'tobacco-license']);
  });

  it('merges 17 materials into a few', () => {
    const before = applicableItems(restaurant, everything).flatMap((item) => item.materials.map((m) => m.code));
    expect(before).toHaveLength(17);
    expect(new Set(before).size).toBeLessThanOrEqual(7);
  });

  it('cancels every permit when the licence check is rejected', () => {
    const dependents = dependentsOf('license-check', restaurant.items).sort();
    expect(dependents).toEqual(['fire-check', 'food-permit', 'outdoor-sign', 'tobacco-license']);
  });
});

describe('个人身后一件事', () => {
  it('needs the one death-certificate material for several items', () => {
    const needing = itemsNeeding(posthumous, 'death-certificate');
    expect(needing).toEqual(['hukou-cancel', 'cremation', 'pension-stop', 'medical-account']);
  });

  it('stops the pension only after 户口注销, which waits for the death certificate', () => {
    expect(dependentsOf('death-cert', posthumous.items).sort()).toEqual(['hukou-cancel', 'pension-stop']);
    expect(dependentsOf('hukou-cancel', posthumous.items)).toEqual(['pension-stop']);
  });
});
