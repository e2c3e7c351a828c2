import { describe, expect, it } from 'vitest';
import { escapeHtml, renderGuidePage } from '../../api/guide-page.js';
import { newborn } from '../../db/catalogue/newborn.js';
import type { BundleVersion } from '../../workflows/shared/bundle.js';
import { buildGuide } from '../../workflows/shared/guide.js';
import { decodePageQr } from '../helpers/qr.js';

const bundle: BundleVersion = { ...newborn, version: 1 };
const url = 'https://zwfw.example.gov.cn/v1/bundles/newborn/guide?localHukou=true&insured=true&socialCard=true';
const full = { localHukou: true, insured: true, socialCard: true };
const codes = (list: { code: string }[]) => list.map((x) => x.code);

describe('buildGuide (一次告知, 一表, 一套材料)', () => {
  it('without answers lists only the items that always apply', () => {
    const guide = buildGuide(bundle, {}, { url });
    expect(codes(guide.items)).toEqual(['birth-cert', 'vaccination']);
    expect(codes(guide.materials)).toEqual(['parent-id', 'delivery-record']);
    expect(guide.figures).toEqual({
      items: 2,
      materialsBefore: 3,
      materialsAfter: 2,
      fieldsBefore: 10,
      fieldsAfter: 7,
      legalDays: 10,
      committedDays: 5,
    });
    expect(guide.questions.every((q) => q.answer === undefined)).toBe(true);
  });

  it('merges the five items of the full case', () => {
    const guide = buildGuide(bundle, full, { url });
    expect(guide.bundle).toEqual({
      code: 'newborn',
      name: '新生儿出生一件事',
      version: 1,
      lifecycle: 'individual',
      stage: '出生',
      region: '320000',
      leadDepartment: 'wsjk',
      leadDepartmentName: '卫生健康委员会',
      committedDays: 5,
    });
    expect(codes(guide.items)).toEqual(['birth-cert', 'vaccination', 'hukou', 'medical-insurance', 'social-card']);
    expect(guide.items[2]).toMatchObject({
      code: 'hukou',
      department: 'gaj',
      departmentName: '公安局',
      kind: '行政确认',
      legalBasis: '《中华人民共和国户口登记条例》第七条',
      fee: '不收费',
      legalDays: 20,
      committedDays: 3,
      result: { type: 'registration', name: '户口登记（居民户口簿增页）' },
      after: ['birth-cert'],
    });
    expect(guide.url).toBe(url);
    expect(guide.questions.find((q) => q.key === 'insured')).toEqual({
      key: 'insured',
      label: '为新生儿参加城乡居民医保',
      type: 'boolean',
      answer: true,
    });
    expect(guide.questions.find((q) => q.key === 'reimburse')?.answer).toBeUndefined();
  });

  it('lists each material once with every item needing it, in order of first appearance', () => {
    const guide = buildGuide(bundle, full, { url });
    expect(codes(guide.materials)).toEqual(['parent-id', 'delivery-record', 'household-book', 'marriage-cert', 'child-photo']);
    const parentId = guide.materials.filter((m) => m.code === 'parent-id');
    expect(parentId).toHaveLength(1);
    expect(parentId[0]!.items).toEqual(['birth-cert', 'vaccination', 'hukou', 'medical-insurance', 'social-card']);
    expect(guide.materials.find((m) => m.code === 'child-photo')).toEqual({
      code: 'child-photo',
      name: '新生儿免冠照片',
      sample: '白底彩色电子照片，358×441 像素',
      required: true,
      deferrable: true,
      deferDays: 15,
      items: ['social-card'],
    });
  });

  it('marks a material deferrable only when every selecting item allows it', () => {
    const guide = buildGuide(bundle, full, { url });
    const deferrable = Object.fromEntries(guide.materials.map((m) => [m.code, m.deferrable]));
    expect(deferrable).toEqual({
      'parent-id': false,
      'delivery-record': false,
      'household-book': true,
      'marriage-cert': true,
      'child-photo': true,
    });
    expect(guide.materials.find((m) => m.code === 'marriage-cert')?.deferDays).toBe(10);
    expect(guide.materials.find((m) => m.code === 'parent-id')).not.toHaveProperty('deferDays');

    // One item refusing 容缺 for a material makes it non-deferrable for the whole bundle.
    const strict: BundleVersion = {
      ...bundle,
      items: bundle.items.map((item) =>
        item.code === 'birth-cert' ? { ...item, materials: [...item.materials, { code: 'household-book', required: true, deferrable: false }] } : item,
      ),
    };
    const book = buildGuide(strict, full, { url }).materials.find((m) => m.code === 'household-book');
    expect(book).toMatchObject({ deferrable: false, items: ['birth-cert', 'hukou'] });
    expect(book).not.toHaveProperty('deferDays');
  });

  it('gives the exact figures of the full case', () => {
    // materials 2+1+3+1+2 = 9 → 5; fields 6+4+6+4+4 = 24 → 8; legal days 5+5+20+5+15 = 50 → committed 5.
    expect(buildGuide(bundle, full, { url }).figures).toEqual({
      items: 5,
      materialsBefore: 9,
      materialsAfter: 5,
      fieldsBefore: 24,
      fieldsAfter: 8,
      legalDays: 50,
      committedDays: 5,
    });
  });

  it('asks each field once and pre-fills what the platform already knows (716号 §7)', () => {
    const known = { motherName: '李四', contactPhone: '13800000000' };
    const fields = buildGuide(bundle, full, { url, known }).form.fields;
    expect(fields.map((f) => f.key)).toEqual([
      'childName',
      'childGender',
      'birthDate',
      'birthPlace',
      'motherName',
      'fatherName',
      'contactPhone',
      'householdAddress',
    ]);
    expect(fields.find((f) => f.key === 'childName')).toEqual({
      key: 'childName',
      label: '新生儿姓名',
      type: 'string',
      required: true,
      items: ['birth-cert', 'vaccination', 'hukou', 'medical-insurance', 'social-card'],
      prefilled: false,
    });
    expect(fields.find((f) => f.key === 'fatherName')).toMatchObject({ required: false, items: ['birth-cert', 'hukou'] });
    expect(fields.find((f) => f.key === 'motherName')).toMatchObject({ prefilled: true, value: '李四' });
    expect(fields.find((f) => f.key === 'contactPhone')).toMatchObject({ prefilled: true, value: '13800000000' });
    expect(fields.filter((f) => f.prefilled).map((f) => f.key)).toEqual(['motherName', 'contactPhone']);
    // Only own keys count as known, never inherited ones.
    const inherited = Object.create({ childName: '张小三' }) as Record<string, unknown>;
    expect(buildGuide(bundle, full, { url, known: inherited }).form.fields.some((f) => f.prefilled)).toBe(false);
  });

  it('restricts `after` to the items that apply', () => {
    const guide = buildGuide(bundle, { insured: true }, { url });
    expect(guide.items.find((i) => i.code === 'medical-insurance')?.after).toEqual(['birth-cert']);
  });
});

describe('renderGuidePage', () => {
  it('renders a complete printable Chinese page with the QR code', async () => {
    const guide = buildGuide(bundle, full, { url, known: { motherName: '李四' } });
    const html = await renderGuidePage(guide);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>新生儿出生一件事 办事指南（一次告知）</title>');
    expect(html).toContain('@page{size:A4');
    expect(html).toContain('@media print');
    for (const section of ['适用事项', '一套材料', '一张表单', '办理时限']) expect(html).toContain(`<h2>${section}</h2>`);
    for (const item of guide.items) expect(html).toContain(item.name);
    expect(html).not.toContain('<td>生育医疗费用报销'); // the unselected item (its question is still shown)
    expect(html).toMatch(/<figure class="qr">\s*<img alt="本指南二维码" src="data:image\/png;base64,[A-Za-z0-9+/=]+">/);
    expect(html).toContain('扫码查看电子版办事指南');
    expect(html).toContain('可容缺');
    expect(html).toContain('已预填');
    expect(html).toContain('9 → 5 份');
    expect(html).toContain('24 → 8 项');
    expect(html).toContain('法定 50 个工作日 → 承诺 5 个工作日');
    expect(html).toContain(escapeHtml(url));
    expect(html).not.toContain('李四'); // a pre-filled value is marked, not printed
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // no external resources
    expect(html.match(/父母双方居民身份证/g)).toHaveLength(1);
  });

  it('escapes every interpolated string', async () => {
    const evil: BundleVersion = {
      ...bundle,
      name: '<script>alert("x")</script>',
      items: bundle.items.map((item) => (item.code === 'vaccination' ? { ...item, name: '<img src=x onerror=alert(1)>' } : item)),
    };
    const html = await renderGuidePage(buildGuide(evil, {}, { url: 'https://x.example/"><script>' }));
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img src=');
    expect(html.match(/<img /g)).toHaveLength(1); // only the QR code
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 办事指南（一次告知）');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('carries a QR code that decodes to the guide’s url', async () => {
    const guide = buildGuide(bundle, full, { url });
    expect(decodePageQr(await renderGuidePage(guide))).toBe(guide.url);
    // Another situation, another address; and an address with characters the page escapes.
    const none = buildGuide(bundle, {}, { url: 'http://localhost:80/v1/bundles/newborn/guide' });
    expect(decodePageQr(await renderGuidePage(none))).toBe('http://localhost:80/v1/bundles/newborn/guide');
    const odd = 'https://x.example/v1/bundles/newborn/guide?a=1&b="<x>\'';
    expect(decodePageQr(await renderGuidePage(buildGuide(bundle, {}, { url: odd })))).toBe(odd);
  });

  it('escapeHtml covers the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
