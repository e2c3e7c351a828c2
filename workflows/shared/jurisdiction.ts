// Jurisdiction (属地管理): which office of a department is competent for an item. A 6-digit
// administrative code (GB/T 2260) is PP CC DD — province, city, county — and an item sits at a
// level: the office competent for an applicant is the one of the applicant's region cut to that
// level (a county item for a 江宁 family: 320115; a city item: 320100; a province item: 320000).
// Pure: the workflow computes it from its input, the API to check a submission before starting one.
import type { BundleDefinition, ItemDefinition } from './bundle.js';

export const LEVELS = ['province', 'city', 'county', 'township'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_LABELS: Record<Level, string> = { province: '省级', city: '市级', county: '县级', township: '乡镇（街道）' };

/** The level of a region code's own office: 320000 province, 320100 city, 320115 county. */
export function levelOfRegion(region: string): Exclude<Level, 'township'> {
  if (region.endsWith('0000')) return 'province';
  if (region.endsWith('00')) return 'city';
  return 'county';
}

/** Is `a` above `b` (province above city above county above township)? */
export const isAbove = (a: Level, b: Level): boolean => LEVELS.indexOf(a) < LEVELS.indexOf(b);

/**
 * A region cut to a level: the code of the office at that level serving it. Township offices sit in
 * their county (the catalogue holds no township codes): a township item's region is the county's.
 */
export function regionAtLevel(region: string, level: Level): string {
  switch (level) {
    case 'province':
      return `${region.slice(0, 2)}0000`;
    case 'city':
      return `${region.slice(0, 4)}00`;
    case 'county':
    case 'township':
      return region;
  }
}

/** An item's level: its own, else the level of the bundle's region (the bundle's own offices). */
export const itemLevel = (item: Pick<ItemDefinition, 'level'>, bundle: Pick<BundleDefinition, 'region'>): Level => item.level ?? levelOfRegion(bundle.region);

/** The highest level among a bundle's items: above the bundle's own when a province item sits in a city bundle. */
export function upperLevel(bundle: Pick<BundleDefinition, 'region' | 'items'>): Level {
  return bundle.items.map((i) => itemLevel(i, bundle)).reduce((top, l) => (isAbove(l, top) ? l : top), levelOfRegion(bundle.region));
}

/** Do the bundle's items sit at several levels (跨层级, 5.2.2)? */
export const isCrossLevel = (bundle: Pick<BundleDefinition, 'region' | 'items'>): boolean => new Set(bundle.items.map((i) => itemLevel(i, bundle))).size > 1;

/** Does the item sit below its bundle's level (so that the applicant's region decides its office)? */
export const itemBelowBundle = (item: Pick<ItemDefinition, 'level'>, bundle: Pick<BundleDefinition, 'region'>): boolean =>
  isAbove(levelOfRegion(bundle.region), itemLevel(item, bundle));

/**
 * The competent region of an item for an applicant of `applicantRegion` (absent: the bundle's
 * region stands for it — a bundle whose items all sit at its level needs none).
 */
export function competentRegion(item: Pick<ItemDefinition, 'level'>, bundle: Pick<BundleDefinition, 'region'>, applicantRegion?: string): string {
  const level = itemLevel(item, bundle);
  const from = applicantRegion ?? bundle.region;
  // Never below the code given: a county item of a city bundle without the applicant's county stays with the city.
  return isAbove(levelOfRegion(from), level) ? from : regionAtLevel(from, level);
}

// Region scope of the catalogue: a bundle published for a region serves that region and
// everything under it, so a place sees the bundles of its own code and of the codes above it —
// never those of its children or siblings.

/** The codes a region inherits bundles from, widest first: 320102 → [320000, 320100, 320102]. */
export function regionChain(region: string): string[] {
  const province = `${region.slice(0, 2)}0000`;
  const city = `${region.slice(0, 4)}00`;
  return [...new Set([province, city, region])];
}

/** Does a bundle published for `bundleRegion` apply to someone in `region`? */
export function bundleAppliesIn(bundleRegion: string, region: string): boolean {
  return regionChain(region).includes(bundleRegion);
}
