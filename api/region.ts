// Region scope of the catalogue. A 6-digit administrative code is PP CC DD: province,
// city, county (e.g. 320000 江苏省, 320100 南京市, 320102 玄武区). A bundle published for a region
// serves that region and everything under it, so a place sees the bundles of its own code and of
// the codes above it — never those of its children or siblings.

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
