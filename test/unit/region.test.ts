import { describe, expect, it } from 'vitest';
import { bundleAppliesIn, regionChain } from '../../workflows/shared/jurisdiction.js';

describe('region scope of the catalogue (R-1.4)', () => {
  it('chains a region to the codes above it, widest first', () => {
    expect(regionChain('320000')).toEqual(['320000']);
    expect(regionChain('320100')).toEqual(['320000', '320100']);
    expect(regionChain('320102')).toEqual(['320000', '320100', '320102']);
  });

  it('lists province-wide bundles everywhere in the province', () => {
    for (const region of ['320000', '320100', '320102', '320200', '320211']) expect(bundleAppliesIn('320000', region)).toBe(true);
    expect(bundleAppliesIn('320000', '330100')).toBe(false); // another province
  });

  it('lists a city’s bundles in the city and its counties, not in the province view or other cities', () => {
    expect(bundleAppliesIn('320100', '320100')).toBe(true);
    expect(bundleAppliesIn('320100', '320102')).toBe(true);
    expect(bundleAppliesIn('320100', '320000')).toBe(false);
    expect(bundleAppliesIn('320100', '320200')).toBe(false);
    expect(bundleAppliesIn('320100', '320211')).toBe(false);
  });

  it('lists a county’s bundles only in that county (a city does not include its counties)', () => {
    expect(bundleAppliesIn('320102', '320102')).toBe(true);
    expect(bundleAppliesIn('320102', '320100')).toBe(false);
    expect(bundleAppliesIn('320102', '320000')).toBe(false);
    expect(bundleAppliesIn('320102', '320104')).toBe(false);
  });
});
