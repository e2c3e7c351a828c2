import { describe, expect, it } from 'vitest';
import { newborn } from '../../db/catalogue/newborn.js';
import type { BundleDefinition, ItemDefinition } from '../../workflows/shared/bundle.js';
import { deriveLead, validateBundle } from '../../workflows/shared/validate-bundle.js';

// newborn items by index: 0 birth-cert (wsjk), 1 vaccination (jkzx), 2 hukou (gaj),
// 3 medical-insurance (ybj), 4 social-card (rsj), 5 maternity-reimburse (ybj).
const copy = (): BundleDefinition => structuredClone(newborn);
const item = (def: BundleDefinition, code: string): ItemDefinition => def.items.find((i) => i.code === code)!;

describe('validateBundle', () => {
  it('finds nothing wrong with the seed newborn bundle', () => {
    expect(validateBundle(newborn)).toEqual([]);
  });

  it('refuses a bundle with no items (and reports the departments left without one)', () => {
    const def = copy();
    def.items = [];
    const problems = validateBundle(def);
    expect(problems).toContainEqual({ field: 'items', message: 'a bundle needs at least one item' });
    expect(problems).toContainEqual({ field: 'departments[0].code', message: "department 'wsjk' is used by no item" });
  });

  describe('duplicate codes', () => {
    it('departments', () => {
      const def = copy();
      def.departments.push({ code: 'gaj', name: '公安局（重复）' });
      expect(validateBundle(def)).toEqual([{ field: 'departments[5].code', message: "duplicate department code 'gaj', already at departments[2]" }]);
    });

    it('question keys', () => {
      const def = copy();
      def.questions.push({ key: 'insured', label: '重复', type: 'boolean' });
      expect(validateBundle(def)).toEqual([{ field: 'questions[4].key', message: "duplicate question key 'insured', already at questions[1]" }]);
    });

    it('materials', () => {
      const def = copy();
      def.materials[1]!.code = 'parent-id';
      const problems = validateBundle(def);
      expect(problems).toContainEqual({ field: 'materials[1].code', message: "duplicate material code 'parent-id', already at materials[0]" });
      // birth-cert still asks for delivery-record, which is now gone
      expect(problems).toContainEqual({ field: 'items[0].materials[1].code', message: "unknown material 'delivery-record'" });
    });

    it('field keys', () => {
      const def = copy();
      def.fields.push({ key: 'childName', label: '重复', type: 'string' });
      expect(validateBundle(def)).toEqual([{ field: 'fields[9].key', message: "duplicate field key 'childName', already at fields[0]" }]);
    });

    it('items', () => {
      const def = copy();
      def.items.push(structuredClone(item(def, 'vaccination')));
      expect(validateBundle(def)).toEqual([{ field: 'items[6].code', message: "duplicate item code 'vaccination', already at items[1]" }]);
    });

    it('joint procedures', () => {
      const def = copy();
      def.joint = [
        { code: 'joint-a', kind: '联合审查', items: ['hukou', 'social-card'] },
        { code: 'joint-a', kind: '联合审查', items: ['hukou', 'medical-insurance'] },
      ];
      expect(validateBundle(def)).toEqual([{ field: 'joint[1].code', message: "duplicate joint procedure code 'joint-a', already at joint[0]" }]);
    });
  });

  describe('unknown references in an item', () => {
    it('department', () => {
      const def = copy();
      item(def, 'vaccination').department = 'cdc';
      const problems = validateBundle(def);
      expect(problems).toContainEqual({ field: 'items[1].department', message: "unknown department 'cdc'" });
      expect(problems).toContainEqual({ field: 'departments[1].code', message: "department 'jkzx' is used by no item" });
    });

    it('material', () => {
      const def = copy();
      item(def, 'hukou').materials.push({ code: 'passport', required: true, deferrable: false });
      expect(validateBundle(def)).toEqual([{ field: 'items[2].materials[3].code', message: "unknown material 'passport'" }]);
    });

    it('field', () => {
      const def = copy();
      item(def, 'social-card').fields.push('shoeSize');
      expect(validateBundle(def)).toEqual([{ field: 'items[4].fields[4]', message: "unknown field 'shoeSize'" }]);
    });

    it('after item', () => {
      const def = copy();
      item(def, 'social-card').after.push('passport-office');
      expect(validateBundle(def)).toEqual([{ field: 'items[4].after[2]', message: "unknown item 'passport-office'" }]);
    });
  });

  describe('after graph', () => {
    it('reports an item that waits for itself once, as a self-loop', () => {
      const def = copy();
      item(def, 'hukou').after.push('hukou');
      expect(validateBundle(def)).toEqual([{ field: 'items[2].after[1]', message: "item 'hukou' waits for itself (cycle hukou → hukou)" }]);
    });

    it('reports a 3-cycle once, with its path, even when other items lead into it', () => {
      const def = copy();
      def.leadPrinciple = 'designated'; // birth-cert no longer starts first: only the cycle is asked about
      item(def, 'birth-cert').after = ['social-card'];
      item(def, 'social-card').after = ['hukou'];
      // hukou → birth-cert stays; medical-insurance waits on hukou and birth-cert, outside the cycle
      expect(validateBundle(def)).toEqual([{ field: 'items[2].after[0]', message: 'cycle in after: birth-cert → social-card → hukou → birth-cert' }]);
    });

    it('reports distinct cycles separately', () => {
      const def = copy();
      def.leadPrinciple = 'designated'; // birth-cert no longer starts first: only the cycle is asked about
      item(def, 'birth-cert').after = ['hukou'];
      item(def, 'vaccination').after = ['maternity-reimburse'];
      item(def, 'maternity-reimburse').after = ['vaccination'];
      expect(validateBundle(def)).toEqual([
        { field: 'items[2].after[0]', message: 'cycle in after: birth-cert → hukou → birth-cert' },
        { field: 'items[5].after[0]', message: 'cycle in after: vaccination → maternity-reimburse → vaccination' },
      ]);
    });
  });

  describe('when', () => {
    it('names a key that is not a question', () => {
      const def = copy();
      item(def, 'hukou').when = { localHukou: true, pets: true };
      expect(validateBundle(def)).toEqual([{ field: 'items[2].when.pets', message: "unknown question 'pets'" }]);
    });

    it('names a value of the wrong type', () => {
      const def = copy();
      item(def, 'hukou').when = { localHukou: 'yes' };
      expect(validateBundle(def)).toEqual([{ field: 'items[2].when.localHukou', message: "'yes' does not match question 'localHukou' of type boolean" }]);
    });

    it('names a value that is not among the options', () => {
      const def = copy();
      def.questions.push({ key: 'hospital', label: '分娩医院类型', type: 'string', options: ['公立', '民营'] });
      item(def, 'birth-cert').when = { hospital: '境外' };
      expect(validateBundle(def)).toEqual([{ field: 'items[0].when.hospital', message: "'境外' is not an option of question 'hospital' (公立, 民营)" }]);
    });

    it('accepts an option and a number answer', () => {
      const def = copy();
      def.questions.push({ key: 'hospital', label: '分娩医院类型', type: 'string', options: ['公立', '民营'] });
      def.questions.push({ key: 'children', label: '子女数', type: 'number' });
      item(def, 'birth-cert').when = { hospital: '公立', children: 2 };
      expect(validateBundle(def)).toEqual([]);
    });
  });

  describe('joint procedures', () => {
    it('names unknown items', () => {
      const def = copy();
      def.joint = [{ code: 'joint-reg', kind: '联合审查', items: ['hukou', 'adoption', 'social-card'] }];
      expect(validateBundle(def)).toEqual([{ field: 'joint[0].items[1]', message: "unknown item 'adoption'" }]);
    });

    it('needs at least two items', () => {
      const def = copy();
      def.joint = [{ code: 'joint-reg', kind: '联合审查', items: ['hukou', 'hukou'] }];
      expect(validateBundle(def)).toEqual([{ field: 'joint[0].items', message: "joint procedure 'joint-reg' needs at least two items, has 1" }]);
    });

    it('needs several departments', () => {
      const def = copy();
      def.joint = [{ code: 'joint-yb', kind: '联合审查', items: ['medical-insurance', 'maternity-reimburse'] }];
      expect(validateBundle(def)).toEqual([
        {
          field: 'joint[0].items',
          message: "all items of joint procedure 'joint-yb' belong to department 'ybj'; a joint procedure needs several departments",
        },
      ]);
    });

    it('accepts items of several departments', () => {
      const def = copy();
      def.joint = [{ code: 'joint-reg', kind: '联合审查', items: ['hukou', 'social-card'] }];
      expect(validateBundle(def)).toEqual([]);
    });
  });

  describe('time limits in working days', () => {
    it.each([0, -3, 1.5])('item legalDays %s', (days) => {
      const def = copy();
      item(def, 'hukou').legalDays = days;
      expect(validateBundle(def)).toEqual([{ field: 'items[2].legalDays', message: `must be a positive integer of working days, got ${days}` }]);
    });

    it('item committedDays', () => {
      const def = copy();
      item(def, 'hukou').committedDays = 0;
      expect(validateBundle(def)).toEqual([{ field: 'items[2].committedDays', message: 'must be a positive integer of working days, got 0' }]);
    });

    it('bundle committedDays', () => {
      const def = copy();
      def.committedDays = 2.5;
      expect(validateBundle(def)).toEqual([{ field: 'committedDays', message: 'must be a positive integer of working days, got 2.5' }]);
    });

    it('material deferDays', () => {
      const def = copy();
      def.materials[4]!.deferDays = -1;
      expect(validateBundle(def)).toEqual([{ field: 'materials[4].deferDays', message: 'must be a positive integer of working days, got -1' }]);
    });

    it('a committed limit above the legal limit (承诺时限 > 法定时限)', () => {
      const def = copy();
      item(def, 'social-card').committedDays = 20;
      expect(validateBundle(def)).toEqual([
        {
          field: 'items[4].committedDays',
          message: 'committed limit 20 exceeds the legal limit 15 working days (承诺时限 must not exceed 法定时限)',
        },
      ]);
    });

    it('accepts a committed limit equal to the legal limit', () => {
      const def = copy();
      item(def, 'social-card').committedDays = 15;
      expect(validateBundle(def)).toEqual([]);
    });
  });

  it('refuses a deferrable material whose bundle material has no deferDays', () => {
    const def = copy();
    item(def, 'maternity-reimburse').materials[1]!.deferrable = true; // medical-invoice
    expect(validateBundle(def)).toEqual([
      { field: 'items[5].materials[1].deferrable', message: "material 'medical-invoice' is deferrable but the bundle gives it no deferDays" },
    ]);
  });

  describe('lead department', () => {
    it('must be a listed department', () => {
      const def = copy();
      def.leadDepartment = 'zwfw';
      expect(validateBundle(def)).toEqual([{ field: 'leadDepartment', message: "unknown department 'zwfw'" }]);
    });

    it("must be given when the principle is 'designated'", () => {
      const def = copy();
      delete def.leadDepartment;
      def.leadPrinciple = 'designated';
      expect(validateBundle(def)).toEqual([{ field: 'leadDepartment', message: "leadPrinciple 'designated' needs a leadDepartment" }]);
    });

    // 5.2: 首个办理事项部门负责 — the department of an item that waits for no other.
    it('first-item: must be the department of an item dispatched first', () => {
      const def = copy(); // first items: birth-cert (wsjk), vaccination (jkzx), maternity-reimburse (ybj)
      def.leadPrinciple = 'first-item';
      for (const ok of ['wsjk', 'jkzx', 'ybj']) {
        def.leadDepartment = ok;
        expect(validateBundle(def), ok).toEqual([]);
      }
      def.leadDepartment = 'gaj'; // hukou waits for birth-cert
      expect(validateBundle(def)).toEqual([
        { field: 'leadDepartment', message: "leadPrinciple 'first-item': 'gaj' has no item dispatched first (those of wsjk, jkzx, ybj are)" },
      ]);
    });

    // 5.2: 关键审核事项部门负责 — the key item, flagged, one per bundle.
    it('key-item: needs one flagged item, and the lead must be its department', () => {
      const def = copy();
      def.leadPrinciple = 'key-item';
      expect(validateBundle(def)).toEqual([{ field: 'items', message: "leadPrinciple 'key-item' needs one item flagged key: true" }]);
      item(def, 'hukou').key = true;
      expect(validateBundle(def)).toEqual([{ field: 'leadDepartment', message: "leadPrinciple 'key-item': the key item 'hukou' is 'gaj''s, not 'wsjk''s" }]);
      def.leadDepartment = 'gaj';
      expect(validateBundle(def)).toEqual([]);
      item(def, 'social-card').key = true;
      expect(validateBundle(def)).toEqual([{ field: 'items[4].key', message: 'one key item per bundle; items[2] is already the key item' }]);
    });

    it('may be absent (it is derived)', () => {
      const def = copy();
      delete def.leadDepartment;
      delete def.leadPrinciple;
      expect(validateBundle(def)).toEqual([]);
    });
  });

  it('refuses a listed department that no item uses', () => {
    const def = copy();
    def.departments.push({ code: 'mzj', name: '民政局' });
    expect(validateBundle(def)).toEqual([{ field: 'departments[5].code', message: "department 'mzj' is used by no item" }]);
  });

  it('reports every problem at once, in definition order', () => {
    const def = copy();
    def.committedDays = 0;
    def.leadDepartment = 'zwfw';
    def.materials.push({ code: 'parent-id', name: '重复' });
    const hukou = item(def, 'hukou');
    hukou.department = 'police';
    hukou.committedDays = 30;
    hukou.fields.push('shoeSize');
    hukou.after = ['birth-cert', 'ghost'];
    hukou.when = { localHukou: 1 };
    item(def, 'birth-cert').after = ['hukou'];
    def.joint = [{ code: 'joint-x', kind: '联合审查', items: ['ghost'] }];

    expect(validateBundle(def)).toEqual([
      { field: 'committedDays', message: 'must be a positive integer of working days, got 0' },
      { field: 'leadDepartment', message: "unknown department 'zwfw'" },
      { field: 'departments[2].code', message: "department 'gaj' is used by no item" },
      { field: 'materials[7].code', message: "duplicate material code 'parent-id', already at materials[0]" },
      { field: 'items[2].department', message: "unknown department 'police'" },
      {
        field: 'items[2].committedDays',
        message: 'committed limit 30 exceeds the legal limit 20 working days (承诺时限 must not exceed 法定时限)',
      },
      { field: 'items[2].fields[6]', message: "unknown field 'shoeSize'" },
      { field: 'items[2].after[1]', message: "unknown item 'ghost'" },
      { field: 'items[2].when.localHukou', message: "1 does not match question 'localHukou' of type boolean" },
      { field: 'items[2].after[0]', message: 'cycle in after: birth-cert → hukou → birth-cert' },
      { field: 'joint[0].items[0]', message: "unknown item 'ghost'" },
      { field: 'joint[0].items', message: "joint procedure 'joint-x' needs at least two items, has 1" },
    ]);
  });
});

describe('deriveLead', () => {
  it('keeps a given lead department and its principle', () => {
    expect(deriveLead(newborn)).toEqual({ leadDepartment: 'wsjk', leadPrinciple: 'first-item', derived: false });
  });

  it("calls a given lead without a principle 'designated'", () => {
    const def = copy();
    def.leadDepartment = 'gaj';
    delete def.leadPrinciple;
    expect(deriveLead(def)).toEqual({ leadDepartment: 'gaj', leadPrinciple: 'designated', derived: false });
  });

  it('first-item: the department of the first item that waits for none', () => {
    const def = copy();
    delete def.leadDepartment;
    def.items.unshift(def.items.splice(2, 1)[0]!); // hukou (waits for birth-cert) now comes first
    expect(deriveLead(def)).toEqual({ leadDepartment: 'wsjk', leadPrinciple: 'first-item', derived: true });
  });

  it('defaults to first-item when no principle is given', () => {
    const def = copy();
    delete def.leadDepartment;
    delete def.leadPrinciple;
    item(def, 'birth-cert').after = ['vaccination'];
    expect(deriveLead(def)).toEqual({ leadDepartment: 'jkzx', leadPrinciple: 'first-item', derived: true });
  });

  it('key-item: the department of the item flagged key', () => {
    const def = copy();
    delete def.leadDepartment;
    def.leadPrinciple = 'key-item';
    item(def, 'maternity-reimburse').key = true;
    expect(deriveLead(def)).toEqual({ leadDepartment: 'ybj', leadPrinciple: 'key-item', derived: true });
  });

  it("falls back to first-item for 'designated' without a department (validateBundle refuses it)", () => {
    const def = copy();
    delete def.leadDepartment;
    def.leadPrinciple = 'designated';
    expect(deriveLead(def)).toEqual({ leadDepartment: 'wsjk', leadPrinciple: 'first-item', derived: true });
  });

  it('throws for a bundle without items', () => {
    const def = copy();
    delete def.leadDepartment;
    def.items = [];
    expect(() => deriveLead(def)).toThrow("bundle 'newborn' has no items to derive a lead department from");
  });
});
