// Issue #16.4 over HTTP: a coordinator publishes a holiday on the next working day, and every kind of
// running clock moves past it — the application's committed limit, item deadlines and warnings, the
// AB岗 hand-over, 容缺 material and correction due dates, the supplement of an incomplete application,
// the §32 intake review, the delivery, a 12345 ticket, a rectification and a 告知承诺 post-check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterpriseChange } from '../../db/catalogue/enterprise-change.js';
import { restaurant } from '../../db/catalogue/restaurant.js';
import { postCheckState, type PostCheckState } from '../../workflows/post-check/messages.js';
import { applicableItems } from '../../workflows/shared/rules.js';
import { addWorkingDays, shanghaiDate } from '../../workflows/shared/working-days.js';
import { completeInput, newbornBody, newbornNoOptions, pledgedRestaurantBody } from '../fixtures/applications.js';
import { startSystem, waitFor, type TestSystem } from '../helpers/system.js';
import { bearer, dept } from '../helpers/tokens.js';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

const coordinator = bearer({ sub: 'coord-js', role: 'coordinator' });
const applicant = bearer({ sub: 'zhaoliu', role: 'applicant', name: '赵六' });
const window = bearer({ sub: 'w1', role: 'window', name: '窗口' });
const hotline = bearer({ sub: 'agent-12345', role: 'hotline' });
type Json = Record<string, any>;
const call = async (method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: object) => {
  const res = await sys.app.inject({ method, url, headers, payload });
  return { status: res.statusCode, body: res.json() as Json };
};
const detail = async (id: string) => {
  const res = await call('GET', `/v1/applications/${id}`, coordinator);
  if (res.status !== 200) throw new Error(`${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const itemOf = (app: Json, code: string) => app.items.find((i: Json) => i.code === code);
const approve = async (id: string, item: string, department: string) => {
  await waitFor(
    () => detail(id),
    (a) => itemOf(a, item)?.status === 'in_review',
  );
  const res = await call('POST', `/v1/applications/${id}/items/${item}/decisions`, dept(department), { decision: 'approve', result: { no: `${item}-1` } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

describe('publishing a calendar moves every running clock', () => {
  it('moves each kind of due date past a holiday declared on the next working day', async () => {
    // A: accepted with 容缺 (marriage-cert promised), one item asked for a correction.
    const a = await call('POST', '/v1/applications', applicant, {
      ...newbornBody,
      materials: newbornBody.materials.filter((m) => m.code !== 'marriage-cert'),
      commitments: [{ material: 'marriage-cert' }],
    });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    await waitFor(
      () => detail(a.body.id),
      (x) => itemOf(x, 'birth-cert')?.status === 'in_review' && itemOf(x, 'vaccination')?.status === 'in_review',
    );
    const corrected = await call('POST', `/v1/applications/${a.body.id}/items/vaccination/decisions`, dept('jkzx'), {
      decision: 'correction',
      missing: ['parent-id'],
      reason: '身份证复印件不清晰',
    });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    // B: incomplete, waiting for the supplement.
    const b = await call('POST', '/v1/applications', applicant, { ...newbornBody, materials: [{ code: 'parent-id' }] });
    expect(b.body.status).toBe('incomplete');
    // C: received online under 受理审查 (§32).
    const ec = completeInput('x', enterpriseChange, {});
    const c = await call('POST', '/v1/applications', applicant, {
      bundleCode: enterpriseChange.code,
      channel: 'web',
      region: '320681',
      applicant: { kind: 'organisation', idNumber: '91320100MA1XXXXX0X', name: '南京某有限公司' },
      answers: ec.answers,
      form: ec.form,
      materials: ec.materials,
      delivery: { method: 'electronic' },
    });
    expect(c.body.status, JSON.stringify(c.body)).toBe('received');
    // D: completed, its window pickup awaited; rated 非常不满意, so a rectification runs too.
    const d = await call('POST', '/v1/applications', applicant, { ...newbornBody, answers: newbornNoOptions, delivery: { method: 'window' } });
    await approve(d.body.id, 'birth-cert', 'wsjk');
    await approve(d.body.id, 'vaccination', 'jkzx');
    await waitFor(
      () => detail(d.body.id),
      (x) => x.status === 'completed' && !!x.delivery?.dueAt,
    );
    const rated = await call('POST', `/v1/applications/${d.body.id}/evaluation`, applicant, { rating: 1, item: 'vaccination', comment: '跑了两次' });
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
    const rid: string = rated.body.rectification.id;
    // A 12345 ticket.
    const ticket = await call('POST', '/v1/tickets', hotline, { type: 'complaint', subject: '办理慢', applicationNumber: a.body.id, item: 'birth-cert' });
    expect(ticket.status).toBe(201);
    // E: a 告知承诺 grant, its post-check running after the application completed.
    const pledged = pledgedRestaurantBody('zhaoliu');
    const e = await call('POST', '/v1/applications', window, pledged);
    expect(e.status, JSON.stringify(e.body)).toBe(201);
    for (const item of applicableItems(restaurant, pledged.answers).filter((i) => i.code !== 'fire-check'))
      await approve(e.body.id, item.code, item.department);
    const postCheck = sys.temporal.workflow.getHandle(`application:${e.body.id}:item:fire-check:post-check`);
    await waitFor(
      () =>
        postCheck
          .describe()
          .then((x) => x.status.name)
          .catch(() => 'none'),
      (s) => s === 'RUNNING',
    );

    // Every clock as it stands, read the same way before and after.
    const read = async () => ({
      a: await detail(a.body.id),
      b: await detail(b.body.id),
      c: await detail(c.body.id),
      d: await detail(d.body.id),
      ticket: (await call('GET', `/v1/tickets/${ticket.body.id}`, hotline)).body,
      rectification: (await call('GET', `/v1/rectifications/${rid}`, coordinator)).body,
      postCheck: await postCheck.query<PostCheckState>(postCheckState),
    });
    const clocks = (x: Awaited<ReturnType<typeof read>>): Record<string, string> => ({
      'application deadline': x.a.deadline,
      'item deadline': itemOf(x.a, 'birth-cert').deadline,
      'item warning': itemOf(x.a, 'birth-cert').warnAt,
      'AB岗 hand-over': itemOf(x.a, 'birth-cert').postBFrom,
      '容缺 material': x.a.receipt.promised[0].due,
      correction: itemOf(x.a, 'vaccination').correction.dueAt,
      supplement: x.b.supplementDue,
      'intake review': x.c.intakeReview.due,
      delivery: x.d.delivery.dueAt,
      ticket: x.ticket.clock.dueAt,
      rectification: x.rectification.clock.dueAt,
      'post-check': x.postCheck.dueAt,
    });
    const old = clocks(await read());
    for (const [name, at] of Object.entries(old)) expect(at, name).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // The next working day becomes a holiday: every clock counted from today passes over it.
    const holiday = addWorkingDays(new Date().toISOString(), 1, { years: await calendarYears() }).date;
    const year = holiday.slice(0, 4);
    const current = await call('GET', `/v1/calendar/${year}`, coordinator);
    const published =
      current.status === 200 ? { holidays: [...current.body.holidays, holiday], workdays: current.body.workdays } : { holidays: [holiday], workdays: [] };
    const put = await call('PUT', `/v1/calendar/${year}`, coordinator, published);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.reprojected).toBeGreaterThanOrEqual(4);
    expect(put.body.reprojectedCases).toBeGreaterThanOrEqual(3);

    const later = async () => clocks(await read());
    const after = await waitFor(later, (now) => Object.keys(old).every((k) => now[k] !== old[k]), 30_000).catch(later);
    const unmoved = Object.keys(old).filter((k) => !(shanghaiDate(after[k]!) > shanghaiDate(old[k]!)));
    expect(unmoved, JSON.stringify({ old, after })).toEqual([]);
    // The application's case file says what moved.
    const history = (await call('GET', `/v1/applications/${a.body.id}/history`, coordinator)).body;
    const calendarEvent = history.timeline.find((x: Json) => x.kind === 'calendar');
    expect(calendarEvent?.detail?.moved?.map((m: Json) => m.clock)).toEqual(expect.arrayContaining(['material:marriage-cert', 'deadline']));
  }, 120_000);
});

/** The published years as the API shows them (to find the next working day as the system counts it). */
async function calendarYears() {
  const years: Record<string, { holidays: string[]; workdays: string[] }> = {};
  const thisYear = new Date().getUTCFullYear();
  for (const y of [thisYear, thisYear + 1]) {
    const res = await call('GET', `/v1/calendar/${y}`, coordinator);
    if (res.status === 200) years[String(y)] = { holidays: res.body.holidays, workdays: res.body.workdays };
  }
  return years;
}
