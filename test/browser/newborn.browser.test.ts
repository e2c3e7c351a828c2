// 新生儿出生一件事 in a real browser: Playwright (playwright-core) drives Debian's Chromium through the
// console served by the API, from the window through every department to delivery and rating, and
// saves a screenshot of each screen under test-results/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../api/app.js';
import { loadApiConfig } from '../../api/config.js';
import { utilities } from '../../db/catalogue/utilities.js';
import { completeInput } from '../fixtures/applications.js';
import { startSystem, type TestSystem } from '../helpers/system.js';
import { bearer } from '../helpers/tokens.js';
import { retirementAgeReached } from '../fixtures/events.js';

const CHROMIUM = '/usr/bin/chromium';
/** The flags the machine notes give for headless Chromium on a closed network (Playwright adds --headless and a fresh profile). */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = path.resolve('test-results/screenshots');
const SKIP = process.env.SKIP_BROWSER_TESTS === '1';

let sys: TestSystem;
let app: App;
let browser: Browser;
let base: string;
let shots = 0;

beforeAll(async () => {
  if (SKIP) return;
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Debian's Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set SKIP_BROWSER_TESTS=1 to skip them).`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  sys = await startSystem();
  // The system's own API, with a Temporal UI address so the timeline carries its links.
  app = await buildApp({
    temporal: sys.temporal,
    taskQueue: sys.taskQueue,
    db: sys.db,
    codec: sys.codec,
    config: { ...loadApiConfig({}), temporalUiUrl: 'http://127.0.0.1:8233' },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the API is not listening on a port');
  base = `http://127.0.0.1:${address.port}/console/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await sys?.stop();
});

/** Saves the page as test-results/screenshots/<n>-<screen>.png. */
async function shot(page: Page, screen: string): Promise<string> {
  shots += 1;
  const file = path.join(SCREENSHOTS, `${String(shots).padStart(2, '0')}-${screen}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A fresh browser context (its own tab storage) signed in through the console's role picker. */
async function login(role: string, fields: Record<string, string> = {}, screenshot?: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[browser ${role}] ${err.message}`));
  await page.goto(`${base}#/login`);
  const form = page.locator(`#login-${role}`);
  for (const [name, value] of Object.entries(fields)) {
    const control = form.locator(`[name="${name}"]`);
    if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(value);
    else await control.fill(value);
  }
  if (screenshot) await shot(page, screenshot);
  await form.getByRole('button').click();
  await expect.poll(() => page.evaluate(() => location.hash), { timeout: TIMEOUT }).not.toBe('#/login');
  return page;
}

/** Clicks 刷新 until the locator shows up (the read model and the workflows are eventually consistent). */
async function refreshUntil(page: Page, target: Locator, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await target.first().isVisible()) return;
    if (Date.now() > deadline) throw new Error(`not shown within ${timeoutMs} ms: ${target}`);
    const error = page.locator('#error:visible');
    if (await error.count()) console.error(`[browser] ${await error.innerText()}`);
    await page.getByRole('button', { name: '刷新' }).first().click();
    await page.waitForTimeout(400);
  }
}

const text = (page: Page) => page.locator('main');
const TIMEOUT = 30_000;
/** Waits for a value to pass the matcher (the page and the workflows settle asynchronously). */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: TIMEOUT, interval: 200 });
const shows = (target: Locator) => target.first().waitFor({ state: 'visible', timeout: TIMEOUT });
const textOf = (target: Locator) => target.innerText({ timeout: TIMEOUT });

describe.skipIf(SKIP)('the console in Chromium', () => {
  it('runs 新生儿出生一件事 from the window through every department to delivery and rating', async () => {
    // --- 综合受理窗口: choose, answer, guide, form, materials (one 容缺 promise), submit, receipt ---
    const windowPage = await login('window', {}, 'login');
    await poll(() => windowPage.locator('.bundle').count()).toBeGreaterThan(0);
    await shot(windowPage, 'window-choose-bundle');
    await windowPage.locator('.bundle', { hasText: '新生儿出生一件事' }).getByRole('button', { name: '选择此事项' }).click();

    for (const [key, answer] of [
      ['localHukou', 'true'],
      ['insured', 'true'],
      ['socialCard', 'true'],
      ['reimburse', 'false'],
    ]) {
      await windowPage.locator(`input[name="q-${key}"][value="${answer}"]`).check();
    }
    await shot(windowPage, 'window-questions');
    await windowPage.getByRole('button', { name: '下一步：查看一次告知' }).click();

    await shows(windowPage.getByRole('heading', { name: '办事指南（一次告知）' }));
    await poll(() => textOf(text(windowPage))).toContain('户口登记（出生登记）');
    expect(await textOf(text(windowPage))).not.toContain('生育医疗费用报销');
    await shot(windowPage, 'window-guide');
    await windowPage.getByRole('button', { name: '下一步：填写申请表' }).click();

    const fill = (name: string, value: string) => windowPage.locator(`[name="${name}"]`).fill(value);
    await fill('a-name', '张三');
    await fill('a-idNumber', '320681199001011234');
    await fill('a-phone', '13800000000');
    await fill('a-account', 'zhangsan');
    // 数据共享: the applicant's phone pre-fills the form's 联系电话, marked as such.
    await poll(() => textOf(windowPage.locator('label.prefilled', { hasText: '联系电话' }))).toContain('已预填');
    await poll(() => windowPage.locator('[name="f-contactPhone"]').inputValue()).toBe('13800000000');
    await fill('f-childName', '张小三');
    await fill('f-childGender', '男');
    await fill('f-birthDate', '2026-11-20');
    await fill('f-birthPlace', '南京市妇幼保健院');
    await fill('f-motherName', '李四');
    await fill('f-fatherName', '张三');
    await fill('f-householdAddress', '南京市玄武区中山路1号');
    await windowPage.locator('[name="delivery-method"]').selectOption('window');
    await shot(windowPage, 'window-form');
    await windowPage.getByRole('button', { name: '下一步：核收材料' }).click();

    for (const code of ['parent-id', 'delivery-record', 'household-book', 'marriage-cert']) await windowPage.locator(`[name="mat-${code}"]`).check();
    await windowPage.locator('[name="promise-child-photo"]').check();
    await shows(windowPage.getByRole('heading', { name: '容缺受理承诺书' }));
    await windowPage.locator('[name="committed"]').check();
    await shot(windowPage, 'window-materials');
    await windowPage.getByRole('button', { name: '下一步：提交' }).click();
    await windowPage.getByRole('button', { name: '代申请人提交' }).click();

    const outcome = windowPage.locator('h2.outcome');
    await poll(() => textOf(outcome)).toContain('已受理');
    const id = /申请编号 (\w+)/.exec(await outcome.innerText())![1]!;
    const receipt = windowPage.frameLocator('iframe.receipt-frame');
    await poll(() => textOf(receipt.locator('h1'))).toContain('收件凭证');
    await poll(() => textOf(receipt.locator('body'))).toContain('新生儿免冠照片'); // the promised material, with its deadline
    await shows(windowPage.getByRole('button', { name: '打印收件凭证' }));
    await shot(windowPage, 'window-receipt');

    // --- 申请人 (mid-way): progress, deadlines, and the promised photo handed in ---
    const applicant = await login('applicant', { sub: 'zhangsan', name: '张三' });
    await applicant.locator('tr', { hasText: id }).click();
    await poll(() => textOf(applicant.locator('.card.todo'))).toContain('新生儿免冠照片');
    await poll(() => textOf(applicant.locator('.item[data-item="hukou"]'))).toContain('等待前置事项');
    await shot(applicant, 'applicant-progress');
    await applicant.locator('[name="supply-child-photo"]').check();
    await applicant.getByRole('button', { name: '提交补充材料' }).click();
    await poll(() => textOf(applicant.locator('#flash'))).toContain('材料已补交');
    await poll(() => applicant.locator('.card.todo').count()).toBe(0);

    // --- 部门: 公安 sees nothing until 出生医学证明 is approved; each department takes and approves ---
    const gaj = await login('department', { dept: 'gaj', post: 'A' });
    await shows(gaj.locator('.empty'));
    await poll(() => gaj.locator(`tr.task[data-application="${id}"]`).count()).toBe(0);

    const approve = async (dept: string, item: string, result: string, screens: { inbox?: string; task?: string } = {}, page?: Page) => {
      const p = page ?? (await login('department', { dept, post: 'A' }));
      const row = p.locator(`tr.task[data-application="${id}"][data-item="${item}"]`);
      await refreshUntil(p, row);
      await poll(() => textOf(row)).toContain('正常');
      if (screens.inbox) await shot(p, screens.inbox);
      await row.click();
      await p.getByRole('button', { name: /领取任务/ }).click();
      await shows(p.getByText('已由我领取'));
      await p.locator('[name="result-value"]').first().fill(result);
      if (screens.task) await shot(p, screens.task);
      await p.getByRole('button', { name: '提交决定' }).click();
      await poll(() => textOf(p.locator('#flash'))).toContain('已提交决定：准予');
      await poll(() => textOf(p.locator('.card').first())).toContain('已办结（准予）');
      return p;
    };

    // The deadline markers, in the page itself: Beijing time, red 已超期 and amber 即将到期 (colour and text).
    // (A string, so that the test runner does not rewrite the page's own dynamic import.)
    type Cell = { text: string; bad: boolean; warn: boolean };
    const markers: { time: string; overdue: Cell; warned: Cell; calm: Cell; done: string | null } = await gaj.evaluate(`(async () => {
      const ui = await import('./ui.js');
      const hour = 3600000;
      const at = (ms) => new Date(Date.now() + ms).toISOString();
      const cell = (item) => {
        const el = ui.deadlineCell(item);
        return { text: el.textContent, bad: !!el.querySelector('.badge.bad'), warn: !!el.querySelector('.badge.warn') };
      };
      return {
        time: ui.bj('2026-11-26T16:30:00Z'),
        overdue: cell({ status: 'in_review', deadline: at(-hour), overdue: true }),
        warned: cell({ status: 'in_review', deadline: at(48 * hour), warnAt: at(-hour), warned: true }),
        calm: cell({ status: 'in_review', deadline: at(96 * hour), warnAt: at(48 * hour) }),
        done: ui.timeState({ status: 'approved', deadline: at(-hour), overdue: true }),
      };
    })()`);
    expect(markers.time).toBe('2026-11-27 00:30');
    expect(markers.overdue).toMatchObject({ bad: true, warn: false });
    expect(markers.overdue.text).toContain('已超期');
    expect(markers.warned).toMatchObject({ bad: false, warn: true });
    expect(markers.warned.text).toContain('即将到期');
    expect(markers.calm).toMatchObject({ bad: false, warn: false });
    expect(markers.done).toBeNull();

    const wsjk = await approve('wsjk', 'birth-cert', 'O320000001', { inbox: 'inbox-wsjk', task: 'task-wsjk-birth-cert' });
    await approve('jkzx', 'vaccination', 'JZ20260001');
    // 户口 now reaches 公安, carrying the 出生医学证明 data.
    const gajRow = gaj.locator(`tr.task[data-application="${id}"][data-item="hukou"]`);
    await refreshUntil(gaj, gajRow);
    await gajRow.click();
    await poll(() => textOf(gaj.locator('.earlier'))).toContain('O320000001');
    await shot(gaj, 'task-gaj-hukou-with-earlier-data');
    await gaj.goto(`${base}#/inbox`);
    await approve('gaj', 'hukou', 'H3201020001', {}, gaj);
    await approve('ybj', 'medical-insurance', 'YB20260001');
    await approve('rsj', 'social-card', 'SB20260001');

    // --- 申请人: every item 已办结, the application 已办结, the pickup code, the rating ---
    await applicant.reload();
    await refreshUntil(applicant, applicant.locator('.app-status [data-status="completed"]'));
    await poll(() => textOf(applicant.locator('.app-status'))).toContain('已办结');
    await poll(() => applicant.locator('.item [data-status="approved"]').count()).toBe(5);
    for (const badge of await applicant.locator('.item .badge[data-status]').all()) expect(await textOf(badge)).toBe('已办结（准予）');
    await refreshUntil(applicant, applicant.locator('.results', { hasText: '取件码' }));
    const pickup = /取件码\s*(\d{6})/.exec(await applicant.locator('.results').innerText())![1]!;
    await applicant.locator('input[name="rating"][value="5"]').check();
    await applicant.locator('[name="comment"]').fill('一次办好，很方便');
    await shot(applicant, 'applicant-completed-rating');
    await applicant.getByRole('button', { name: '提交评价' }).click();
    await poll(() => textOf(applicant.locator('.rating'))).toContain('评价已提交：非常满意');

    // --- 窗口: hand out the results against the pickup code ---
    await windowPage.getByRole('link', { name: '查看办件' }).click();
    await shows(windowPage.getByRole('heading', { name: '结果送达（一次出件）' }));
    await windowPage.locator('[name="pickup"]').fill(pickup);
    await shot(windowPage, 'window-hand-out');
    await windowPage.getByRole('button', { name: '发放结果' }).click();
    await poll(() => textOf(windowPage.locator('#flash'))).toContain('结果已发放');
    await poll(() => textOf(windowPage.locator('main'))).toContain('已送达');

    // --- 12345: a consultation about the application goes to the lead department, which answers ---
    const hotline = await login('hotline');
    await hotline.getByRole('link', { name: '整改与工单' }).first().click();
    await hotline.locator('summary', { hasText: '登记 12345 工单' }).click();
    await hotline.locator('[name="type"]').selectOption('consultation');
    await hotline.locator('[name="subject"]').fill('询问出生医学证明纸质件领取方式');
    await hotline.locator('[name="applicationNumber"]').fill(id);
    await hotline.getByRole('button', { name: '派单' }).click();
    await poll(() => textOf(hotline.locator('#flash'))).toContain('工单已派至卫生健康委员会');
    await shot(hotline, 'hotline-ticket');
    await wsjk.getByRole('link', { name: '整改与工单' }).first().click();
    const ticketRow = wsjk.locator('tr.clickable', { hasText: id });
    await refreshUntil(wsjk, ticketRow);
    await ticketRow.click();
    await wsjk.locator('[name="text"]').fill('纸质出生医学证明可凭取件码到综合窗口一并领取。');
    await wsjk.getByRole('button', { name: '提交答复' }).click();
    await poll(() => textOf(wsjk.locator('#flash'))).toContain('已答复');

    // --- 运营统筹: search, the timeline with its Temporal UI link, statistics, cases, bundles, calendar ---
    const operator = await login('coordinator');
    await operator.locator('[name="number"]').fill(id);
    await operator.getByRole('button', { name: '查询' }).click();
    const found = operator.locator(`tr[data-number="${id}"]`);
    await shows(found);
    await shot(operator, 'operator-search');
    await found.click();
    await poll(() => textOf(operator.locator('table.timeline'))).toContain('提交申请');
    await poll(() => textOf(operator.locator('table.timeline'))).toContain('领取任务');
    const link = operator.getByRole('link', { name: '在 Temporal UI 中查看流程' });
    await poll(() => link.getAttribute('href')).toMatch(/\/namespaces\/default\/workflows\//);
    await shot(operator, 'operator-timeline');
    await operator.getByRole('link', { name: '统计分析' }).first().click();
    await shows(operator.locator('#chart-volume svg'));
    await poll(() => operator.locator('#chart-handling svg').textContent()).toContain('法定时限');
    await shot(operator, 'operator-stats');
    await operator.getByRole('link', { name: '整改与工单' }).first().click();
    await refreshUntil(operator, operator.locator('tr.clickable', { hasText: '已回复' }));
    await shot(operator, 'operator-cases');
    await operator.getByRole('link', { name: '一件事发布' }).first().click();
    await operator.locator('tr', { hasText: '新生儿出生一件事' }).getByRole('link').click();
    await poll(() => operator.locator('[name="definition"]').inputValue()).toMatch(/"code": "newborn"/);
    await shot(operator, 'operator-bundles');
    await operator.getByRole('link', { name: '工作日历' }).first().click();
    await shows(operator.getByRole('heading', { name: /年工作日历/ }));
    await shot(operator, 'operator-calendar');

    expect(shots).toBeGreaterThanOrEqual(20);
  });

  /** 水电气网联合报装 for the operators answered yes, taken in at a window over HTTP; its id. */
  async function submitUtilities(answers: Record<string, boolean>): Promise<string> {
    const { form, materials } = completeInput('X', utilities, answers);
    const submitted = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: bearer({ sub: 'window-02', role: 'window' }),
      payload: {
        bundleCode: 'utilities',
        channel: 'window',
        applicant: { kind: 'organisation', idNumber: '91320100MA1XXXXX0X', name: '南京某建设有限公司' },
        answers,
        form,
        materials,
      },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    return submitted.json().id;
  }

  it('signs off a joint procedure (联合勘验) from each participating department', async () => {
    // Submitted over HTTP: the joint survey of 水电气网联合报装 needs all four operators.
    const id = await submitUtilities({ needWater: true, needPower: true, needGas: true, needNetwork: true });

    for (const [n, dept] of ['power', 'water', 'gas', 'net'].entries()) {
      const page = await login('department', { dept, post: 'A' });
      const pending = page.locator('.card.todo tr', { hasText: id });
      await refreshUntil(page, pending);
      if (n === 0) await shot(page, 'inbox-power-joint-pending');
      await pending.getByRole('link', { name: '去会签' }).click();
      await page.locator('.joint [name="opinion"]').fill('现场具备接入条件');
      if (n === 0) await shot(page, 'task-power-joint-sign-off');
      await page.locator('.joint').getByRole('button', { name: '会签' }).click();
      await poll(() => textOf(page.locator('#flash'))).toContain('联合勘验已会签');
      if (n === 3) {
        await refreshUntil(page, page.locator('.joint', { hasText: '完成' }).locator('dd', { hasText: /^\d{4}-/ }));
        await shot(page, 'task-net-joint-completed');
      }
      await page.context().close();
    }
  });

  it('a dissent reaches the lead department, which sends it back for reconsideration', async () => {
    const id = await submitUtilities({ needWater: true, needPower: true, needGas: false, needNetwork: false });

    const water = await login('department', { dept: 'water', post: 'A' });
    const pending = water.locator('.card.todo tr', { hasText: id });
    await refreshUntil(water, pending);
    await pending.getByRole('link', { name: '去会签' }).click();
    await water.locator('.joint [name="verdict"]').selectOption('dissent');
    await water.locator('.joint [name="opinion"]').fill('市政管网压力不足，暂不具备接入条件');
    await water.locator('.joint').getByRole('button', { name: '会签' }).click();
    await poll(() => textOf(water.locator('#flash'))).toContain('联合勘验已会签');
    await water.context().close();

    const power = await login('department', { dept: 'power', post: 'A' });
    const disputed = power.locator('.card.todo tr', { hasText: id });
    await refreshUntil(power, disputed.getByText(/分歧/));
    await shot(power, 'inbox-power-joint-dissent');
    // Power is the lead and a participant: it signs, then resolves the dissent from the same card.
    await disputed.getByRole('link', { name: '去会签' }).click();
    await power.locator('.joint').getByRole('button', { name: '会签' }).click();
    await poll(() => textOf(power.locator('#flash'))).toContain('联合勘验已会签');
    await power.locator('.joint [name="reason"]').fill('请结合加压方案复议');
    await shot(power, 'task-power-joint-resolve');
    await power.locator('.joint').getByRole('button', { name: '要求复议' }).click();
    await poll(() => textOf(power.locator('#flash'))).toContain('已要求复议');
    await poll(() => textOf(power.locator('.joint'))).toContain('已退回复议');
    await power.context().close();
  });
  it('shows the applicant a service an event proposed (政策服务免申办), pre-filled, and confirms it', async () => {
    const posted = await sys.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: bearer({ sub: 'br-exchange', role: 'system' }),
      payload: retirementAgeReached('BR-SB-0001'),
    });
    expect(posted.statusCode, posted.body).toBe(201);
    const id = posted.json().applications[0] as string;
    // The proposal reaches the applicant's listing with the workflow's first sync.
    const listing = () => sys.app.inject({ url: '/v1/applications?status=proposed', headers: bearer({ sub: 'zhaolei', role: 'applicant' }) });
    await poll(async () => (await listing()).json().applications.length).toBe(1);

    const applicant = await login('applicant', { sub: 'zhaolei', name: '赵磊' });
    await shows(applicant.locator('#proposals'));
    await applicant.locator('#proposals a', { hasText: id }).click();
    await poll(() => textOf(applicant.locator('label.prefilled', { hasText: '所在单位名称' }))).toContain('来自共享事件');
    await poll(() => applicant.locator('[name="f-employerName"]').inputValue()).toBe('启东市海洋机械有限公司');
    await poll(() => applicant.locator('[name="f-employeeName"]').inputValue()).toBe('赵磊');
    await applicant.locator('input[name="q-housingFund"]').last().check(); // 否
    await applicant.locator('[name="f-bankAccount"]').fill('6222020000000000001');
    await applicant.locator('[name="f-contactPhone"]').fill('13900001111');
    for (const code of ['applicant-id', 'personnel-file', 'bank-account']) await applicant.locator(`[name="mat-${code}"]`).check();
    await shot(applicant, 'applicant-proposal');
    await applicant.getByRole('button', { name: '确认办理' }).click();
    await poll(() => textOf(applicant.locator('#flash'))).toContain('已确认办理');
    await poll(() => textOf(text(applicant))).toContain('企业职工基本养老保险退休申请');
    await shot(applicant, 'applicant-proposal-confirmed');
  });
});
