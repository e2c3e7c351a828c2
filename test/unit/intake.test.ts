import { describe, expect, it } from 'vitest';
import { newborn } from '../../db/catalogue/newborn.js';
import { checkSubmission } from '../../workflows/shared/intake.js';
import { maskFreeText, maskIdNumber, maskName, maskPhone } from '../../workflows/shared/mask.js';
import { newbornAnswers, newbornForm } from '../fixtures/applications.js';

const materials = ['parent-id', 'delivery-record', 'household-book', 'marriage-cert', 'child-photo'];

describe('checkSubmission', () => {
  it('accepts a complete newborn application', () => {
    const check = checkSubmission(newborn, { answers: newbornAnswers, form: newbornForm, materials, commitments: [], region: '320681' });
    expect(check.problems).toEqual([]);
    expect(check.missing).toEqual([]);
    expect(check.items.map((i) => i.code)).toEqual(['birth-cert', 'vaccination', 'hukou', 'medical-insurance', 'social-card']);
  });

  it('names unknown answers, fields and materials, wrong answer types and missing required fields', () => {
    const { childName: _, ...form } = newbornForm;
    const check = checkSubmission(newborn, {
      answers: { localHukou: 'yes', pets: true },
      form: { ...form, shoeSize: 42 },
      materials: [...materials, 'passport'],
      commitments: [],
      region: '320681',
    });
    expect(check.problems).toEqual([
      { field: 'answers.localHukou', message: 'must be a boolean' },
      { field: 'answers.pets', message: 'is not a question of this bundle' },
      { field: 'form.shoeSize', message: 'is not a field of this bundle' },
      { field: 'form.childName', message: '新生儿姓名 is required' },
      { field: 'materials.passport', message: 'is not a material of this bundle' },
    ]);
  });

  it('lists every missing material at once and takes valid promises (容缺) off the list', () => {
    const check = checkSubmission(newborn, {
      answers: newbornAnswers,
      form: newbornForm,
      materials: ['delivery-record'],
      commitments: ['household-book', 'parent-id'],
    });
    expect(check.promised).toEqual(['household-book']);
    expect(check.missing.map((m) => m.material)).toEqual(['parent-id', 'marriage-cert', 'child-photo']);
  });

  it('asks for the applicant’s region when an item is decided by the office of it (属地), within the bundle’s', () => {
    const base = { answers: newbornAnswers, form: newbornForm, materials, commitments: [] };
    expect(checkSubmission(newborn, base).problems).toEqual([{ field: 'region', message: expect.stringContaining('出生医学证明') }]);
    expect(checkSubmission(newborn, { ...base, region: '320115' }).problems).toEqual([]);
    expect(checkSubmission({ ...newborn, region: '320100' }, { ...base, region: '320681' }).problems).toEqual([
      { field: 'region', message: "is outside the bundle's region 320100" },
    ]);
  });
});

describe('masking', () => {
  it('keeps only what identifies a case to its owner', () => {
    expect(maskIdNumber('320681199001011234')).toBe('3206**********1234');
    expect(maskPhone('13800000000')).toBe('138****0000');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳小明')).toBe('欧***');
  });

  it('masks ID and mobile numbers inside free text, and nothing else', () => {
    expect(maskFreeText('身份证32068119900101123X，手机13800000000。')).toBe('身份证3206**********123X，手机138****0000。');
    // Not a number of that shape: an order number, a landline, a longer digit run.
    expect(maskFreeText('工单2026120700001，座机025-83000000，编号1234567890123456789')).toBe('工单2026120700001，座机025-83000000，编号1234567890123456789');
  });
});

describe('form values against their fields (issue #14 row 4)', () => {
  const bundle = {
    ...newborn,
    fields: [
      ...newborn.fields,
      { key: 'siteArea', label: '经营面积', type: 'number' as const, min: 1, max: 100_000 },
      { key: 'openDate', label: '开业日期', type: 'date' as const },
      { key: 'kind', label: '类型', type: 'string' as const, options: ['餐饮', '零售'] },
      { key: 'note', label: '备注', type: 'string' as const, maxLength: 5 },
      { key: 'chain', label: '连锁', type: 'boolean' as const },
    ],
  };
  const problems = (form: Record<string, unknown>) =>
    checkSubmission(bundle, { answers: {}, form: { ...newbornForm, ...form }, materials: [], commitments: [] }).problems.filter(
      (p) => p.field !== 'answers' && p.field !== 'region',
    );

  it('refuses text for a number, a non-date for a date, a value outside the range or the options, over-long text, a non-boolean', () => {
    expect(problems({ siteArea: '四百二十平', openDate: '明年春天', kind: '娱乐', note: '一二三四五六', chain: 'yes' })).toEqual([
      { field: 'form.siteArea', message: '经营面积 must be a number' },
      { field: 'form.openDate', message: '开业日期 must be a date, YYYY-MM-DD' },
      { field: 'form.kind', message: '类型 must be one of: 餐饮、零售' },
      { field: 'form.note', message: '备注 must be at most 5 characters' },
      { field: 'form.chain', message: '连锁 must be true or false' },
    ]);
    expect(problems({ siteArea: 0 })).toEqual([{ field: 'form.siteArea', message: '经营面积 must be at least 1' }]);
    expect(problems({ openDate: '2026-02-30' })).toEqual([{ field: 'form.openDate', message: '开业日期 must be a date, YYYY-MM-DD' }]);
  });

  it('takes values that fit', () => {
    expect(problems({ siteArea: 420, openDate: '2027-03-01', kind: '餐饮', note: '无', chain: false })).toEqual([]);
  });
});
