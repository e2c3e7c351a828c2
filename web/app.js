// The console's entry: a hash router (#/screen/…), the navigation for the signed-in role, and one
// module per screen in screens/. Each screen exports render(container, parts, session).
import { clearMessages, saveSession, session, showError } from './api.js';
import { ROLE_NAMES, deptName, h, mount } from './ui.js';

/** Which screens each role uses, and its navigation. */
const NAV = {
  window: [
    ['#/window', '受理'],
    ['#/window/cases', '办件与出件'],
  ],
  agent: [
    ['#/window', '帮办受理'],
    ['#/window/cases', '办件查询'],
  ],
  department: [
    ['#/inbox', '待办任务'],
    ['#/operator/cases', '整改与工单'],
    ['#/operator/stats', '统计'],
  ],
  applicant: [['#/applicant', '我的申请']],
  coordinator: [
    ['#/operator', '办件查询'],
    ['#/operator/stats', '统计分析'],
    ['#/operator/cases', '整改与工单'],
    ['#/operator/bundles', '一件事发布'],
    ['#/operator/calendar', '工作日历'],
  ],
  hotline: [
    ['#/operator', '办件查询'],
    ['#/operator/cases', '整改与工单'],
  ],
};

const SCREENS = {
  login: { module: './screens/login.js', roles: null },
  window: { module: './screens/window.js', roles: ['window', 'agent'] },
  inbox: { module: './screens/inbox.js', roles: ['department'] },
  applicant: { module: './screens/applicant.js', roles: ['applicant'] },
  operator: { module: './screens/operator.js', roles: ['coordinator', 'hotline', 'department'] },
};

export const homeOf = (role) => NAV[role]?.[0]?.[0] ?? '#/login';

function renderChrome(s, screen) {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const logout = document.getElementById('logout');
  const here = location.hash || '#/';
  const links = s ? (NAV[s.claims.role] ?? []) : [];
  // The longest matching link is the current one (#/operator/stats beats #/operator).
  const current = links
    .map(([href]) => href)
    .filter((href) => here === href || here.startsWith(`${href}/`))
    .sort((a, b) => b.length - a.length)[0];
  mount(
    nav,
    links.map(([href, label]) => h('a', { href, class: href === current ? 'active' : '' }, label)),
  );
  if (s) {
    const c = s.claims;
    const parts = [ROLE_NAMES[c.role] ?? c.role, c.dept ? `${deptName(c.dept)}${c.post ? ` ${c.post}岗` : ''}` : '', c.name ?? c.sub];
    who.textContent = parts.filter(Boolean).join(' · ');
  } else {
    who.textContent = '';
  }
  logout.hidden = !s || screen === 'login';
}

async function route() {
  clearMessages();
  const s = session();
  const [screen = '', ...parts] = (location.hash.replace(/^#\/?/, '') || '').split('/').map(decodeURIComponent);
  if (!s && screen !== 'login') {
    location.hash = '#/login';
    return;
  }
  if (!screen) {
    location.hash = homeOf(s.claims.role);
    return;
  }
  const target = SCREENS[screen];
  const main = document.getElementById('main');
  renderChrome(s, screen);
  if (!target) {
    mount(main, h('div', { class: 'card' }, h('h1', {}, '页面不存在'), h('a', { href: '#/' }, '返回首页')));
    return;
  }
  if (target.roles && !target.roles.includes(s.claims.role)) {
    mount(
      main,
      h(
        'div',
        { class: 'card' },
        h('h1', {}, '无权访问此页面'),
        h('p', {}, `当前身份：${ROLE_NAMES[s.claims.role]}。`),
        h('a', { href: homeOf(s.claims.role) }, '前往我的工作台'),
      ),
    );
    return;
  }
  // A fresh container per navigation: a slow answer for a page already left lands nowhere.
  const container = h('div', { class: `screen screen-${screen}` });
  mount(main, container);
  try {
    const module = await import(target.module);
    await module.render(container, parts, s);
  } catch (err) {
    showError(err);
  }
}

document.getElementById('logout').addEventListener('click', () => {
  saveSession(null);
  location.hash = '#/login';
});
window.addEventListener('hashchange', () => void route());
void route();
