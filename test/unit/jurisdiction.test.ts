// The competent region of an item (属地), against expectations written out by hand: the applicant's
// region cut to the item's level (county: the 6 digits; city: first 4 + 00; province: first 2 + 0000).
import { describe, expect, it } from 'vitest';
import { competentRegion, itemBelowBundle, levelOfRegion } from '../../workflows/shared/jurisdiction.js';

describe('competentRegion', () => {
  const province = { region: '320000' };
  const nanjing = { region: '320100' };
  const jiangning = { region: '320115' };
  it.each([
    // [item level, bundle, applicant region, competent region]
    ['county', province, '320115', '320115'],
    ['city', province, '320115', '320100'],
    ['province', province, '320115', '320000'],
    [undefined, province, '320115', '320000'], // no level: the bundle's own (province) office
    ['township', province, '320382', '320382'], // township offices sit in their county
    ['county', nanjing, '320102', '320102'],
    [undefined, nanjing, '320102', '320100'],
    ['province', jiangning, '320115', '320000'], // a province item in a county bundle goes up
    ['county', province, undefined, '320000'], // no applicant region (an application begun before): the bundle's
    ['county', province, '320300', '320300'], // a city given for a county item: never below the code given
  ] as const)('a %s item of a %o bundle for %s → %s', (level, bundle, applicant, expected) => {
    expect(competentRegion(level ? { level } : {}, bundle, applicant)).toBe(expected);
  });

  it('knows the level of a code and which items the applicant’s region routes', () => {
    expect(['320000', '320100', '320115', '321324'].map(levelOfRegion)).toEqual(['province', 'city', 'county', 'county']);
    expect(itemBelowBundle({ level: 'county' }, { region: '320000' })).toBe(true);
    expect(itemBelowBundle({ level: 'city' }, { region: '320100' })).toBe(false);
    expect(itemBelowBundle({}, { region: '320100' })).toBe(false);
    expect(itemBelowBundle({ level: 'province' }, { region: '320115' })).toBe(false);
  });
});
