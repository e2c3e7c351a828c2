// The publish schema must accept every seed bundle (else coordinators could not re-publish them)
// and refuse a bad shape with one message per problem.
import AjvModule from 'ajv';
import { describe, expect, it } from 'vitest';
import { BundleDefinitionBody } from '../../api/schemas/bundles.js';
import { seedBundles } from '../../db/catalogue/index.js';
import { newborn } from '../../db/catalogue/newborn.js';

// The options of the app's body validator (api/validation.ts): no coercion, every error.
const validate = new AjvModule.default({ allErrors: true, coerceTypes: false, strict: false }).compile(BundleDefinitionBody);

describe('BundleDefinitionBody', () => {
  it.each(seedBundles.map((b) => [b.code, b] as const))('accepts the seed bundle %s', (_code, bundle) => {
    expect(validate(structuredClone(bundle)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses bad codes, regions and stray properties, each once', () => {
    const bad = { ...structuredClone(newborn), code: 'New Born', region: '32', extra: 1 };
    bad.departments[0]!.code = 'ws_jk';
    expect(validate(bad)).toBe(false);
    expect(validate.errors!.map((e) => [e.instancePath, e.keyword])).toEqual([
      ['', 'additionalProperties'],
      ['/code', 'pattern'],
      ['/region', 'pattern'],
      ['/departments/0/code', 'pattern'],
    ]);
  });

  // Issue #13: real identifiers — an agency's 统一社会信用代码, a code with its region, an 实施编码.
  const withCodes = (dept: string, item: string) => {
    const b = structuredClone(newborn);
    b.departments[0]!.code = dept;
    b.items[0]!.code = item;
    return b;
  };
  it.each([
    ['11320000014000019X', 'XK-320115-0001A'],
    ['320115-SJJ', 'birth-cert'],
    ['wsjk', '0'.repeat(64)],
    ['GA', 'a1'],
  ])('takes department %s and item %s', (dept, item) => {
    expect(validate(withCodes(dept, item)), JSON.stringify(validate.errors)).toBe(true);
  });
  it.each([['-wsjk'], ['ws jk'], ['卫健'], ['a'.repeat(65)], ['ws_jk']])('refuses the code %s', (code) => {
    expect(validate(withCodes(code, code))).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(['/departments/0/code', '/items/0/code']);
  });
});
