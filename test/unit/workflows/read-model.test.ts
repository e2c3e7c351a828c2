import { describe, expect, it } from 'vitest';
import { ApplicationRecord } from '../../../workflows/application/state.js';
import { readModelSnapshot, syncKey } from '../../../workflows/shared/read-model.js';
import { newbornInput } from '../../fixtures/applications.js';

const at = '2026-11-26T03:00:00.000Z';

describe('the read-model snapshot and the sync key', () => {
  it('masks personal data and marks the first item of each department', () => {
    const app = new ApplicationRecord(newbornInput('R1'), at);
    const { app: row, items } = readModelSnapshot(app.state);
    expect(row.applicantName).not.toBe(app.state.applicant.name);
    expect(row.applicantName.startsWith([...app.state.applicant.name][0]!)).toBe(true);
    expect(row.applicantId).toMatch(/^\d{4}\*+\w{4}$/);
    const firsts = items.filter((i) => i.departmentFirst).map((i) => i.department);
    expect(new Set(firsts).size).toBe(firsts.length);
    expect(new Set(firsts)).toEqual(new Set(items.map((i) => i.department)));
  });

  it('changes with what the read model or the timeline shows, not with the revision alone', () => {
    const app = new ApplicationRecord(newbornInput('R2'), at);
    const before = syncKey(app.state);
    // A change the read model does not hold (the revision moves, the rows would be the same).
    expect(syncKey({ ...app.state, revision: app.state.revision + 3, received: [...app.state.received, 'x'] })).toBe(before);
    // An item moving on, the application moving on, a delivery event: each needs a sync.
    app.markDispatched('birth-cert', at);
    app.applyItemState({ code: 'birth-cert', name: 'x', department: 'wsjk', status: 'in_review', startedAt: at }, at);
    const dispatched = syncKey(app.state);
    expect(dispatched).not.toBe(before);
    expect(syncKey({ ...app.state, status: 'withdrawn' })).not.toBe(dispatched);
    expect(syncKey({ ...app.state, delivery: { ...app.state.delivery, events: [{ event: 'closed', at }] } })).not.toBe(dispatched);
  });
});
