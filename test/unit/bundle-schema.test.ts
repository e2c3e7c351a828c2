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
    bad.departments[0]!.code = 'WSJK';
    expect(validate(bad)).toBe(false);
    expect(validate.errors!.map((e) => [e.instancePath, e.keyword])).toEqual([
      ['', 'additionalProperties'],
      ['/code', 'pattern'],
      ['/region', 'pattern'],
      ['/departments/0/code', 'pattern'],
    ]);
  });
});
