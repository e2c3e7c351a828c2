import { describe, expect, it } from 'vitest';
import { regionCovers, regionPrefixOf as regionPrefix } from '../../api/access.js';
import { newborn } from '../../db/catalogue/newborn.js';
import { decodeCursor, encodeCursor, parsePeriod } from '../../db/listing.js';
import { bundleSavings } from '../../db/stats.js';

describe('listing cursor', () => {
  const key = { order: 'desc', createdAt: '2026-11-26T02:00:00.123456Z', id: 'Y2026112600001' } as const;

  it('round-trips and is opaque (URL-safe)', () => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(key);
    expect(decodeCursor(encodeCursor({ ...key, order: 'asc' }))).toEqual({ ...key, order: 'asc' });
  });

  it('refuses anything it did not hand out', () => {
    const enc = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      '',
      'not a cursor!',
      'x'.repeat(500),
      Buffer.from('{').toString('base64url'),
      enc({ order: 'd' }),
      enc(['d', key.createdAt]),
      enc(['x', key.createdAt, key.id]),
      enc(['d', '2026-11-26', key.id]),
      enc(['d', '2026-13-45T02:00:00.123456Z', key.id]),
      enc(['d', key.createdAt, "x'; drop table applications; --"]),
      enc(['d', key.createdAt, 42]),
    ]) {
      expect(decodeCursor(bad), bad).toBeUndefined();
    }
  });
});

describe('period filter (from/to)', () => {
  it('reads dates as whole days in Asia/Shanghai, to inclusive', () => {
    expect(parsePeriod('2026-11-01', '2026-11-30')).toEqual({ since: '2026-10-31T16:00:00.000Z', until: '2026-11-30T16:00:00.000Z' });
    expect(parsePeriod('2026-12-31', '2026-12-31')).toEqual({ since: '2026-12-30T16:00:00.000Z', until: '2026-12-31T16:00:00.000Z' });
  });

  it('takes date-times as they are, to exclusive', () => {
    expect(parsePeriod('2026-11-01T08:00:00+08:00', undefined)).toEqual({ since: '2026-11-01T00:00:00.000Z' });
    expect(parsePeriod(undefined, '2026-11-02T00:00:00Z')).toEqual({ until: '2026-11-02T00:00:00.000Z' });
    expect(parsePeriod(undefined, undefined)).toEqual({});
  });

  it('names the field of an impossible date or an inverted range', () => {
    expect(() => parsePeriod('2026-02-30', undefined)).toThrow(/^from:/);
    expect(() => parsePeriod(undefined, '2026-13-01')).toThrow(/^to:/);
    expect(() => parsePeriod('2026-11-02', '2026-11-01')).toThrow(/^from: must be before to/);
    expect(() => parsePeriod('2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')).toThrow(/^from:/);
  });
});

describe('coordinator region prefix', () => {
  it('is regionCovers as a LIKE prefix', () => {
    expect(regionPrefix(undefined)).toBeUndefined();
    expect(regionPrefix('320000')).toBe('32');
    expect(regionPrefix('320100')).toBe('3201');
    expect(regionPrefix('320102')).toBe('320102');
    for (const scope of ['320000', '320100', '320102']) {
      for (const region of ['320000', '320100', '320102', '320200', '330100']) {
        expect(region.startsWith(regionPrefix(scope)!), `${scope} ⊇ ${region}`).toBe(regionCovers(scope, region));
      }
    }
  });

  it('refuses a claim that is not a code (it goes into a LIKE pattern)', () => {
    expect(() => regionPrefix('32%')).toThrow(RangeError);
    expect(() => regionPrefix('_')).toThrow(RangeError);
  });
});

describe('bundle savings', () => {
  it('counts the whole newborn bundle, every situation applying', () => {
    // 6 items; materials 2+1+3+1+2+3 = 12 → 7 distinct; fields 6+4+6+4+4+3 = 27 → 9; legal days 5+5+20+5+15+20.
    expect(bundleSavings(newborn, 1)).toEqual({
      bundle: 'newborn',
      version: 1,
      name: '新生儿出生一件事',
      items: 6,
      materialsBefore: 12,
      materialsAfter: 7,
      fieldsBefore: 27,
      fieldsAfter: 9,
      legalDays: 70,
      committedDays: 5,
      tripsBefore: 6,
      tripsAfter: 1,
    });
  });
});
