// 登录: pick a role for the demo (the API signs a development token), or paste a real token.
import { ApiError, api, attempt, saveSession, showError } from '../api.js';
import { homeOf } from '../app.js';
import { regionOptions, regions } from '../catalogue.js';
import { DEPARTMENTS, field, h, mount } from '../ui.js';

/** The claims inside a JWT (no verification: the API verifies on every call). */
function claimsOf(token) {
  const part = token.split('.')[1] ?? '';
  const bytes = Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

const ROLES = [
  {
    role: 'window',
    title: '综合受理窗口',
    text: '一窗受理：选择一件事、一次告知、一表申请、一套材料、出具收件凭证，登记快递与发放结果。',
    fields: [
      ['sub', '工号', 'window-01'],
      ['name', '姓名', '王窗口'],
    ],
  },
  {
    role: 'department',
    title: '部门审查人员',
    text: '本部门待办任务：领取（A/B岗）、查看材料与前置事项结果、准予 / 不予批准 / 要求补正、联合会签。',
    fields: [
      ['dept', '部门'],
      ['post', '岗位'],
      ['region', '机构辖区（属地）'],
      ['sub', '工号（可空）', ''],
    ],
  },
  {
    role: 'applicant',
    title: '申请人',
    text: '查看每个事项的办理进度与期限、补交材料、撤回申请、查看办理结果并评价。',
    fields: [
      ['sub', '账号', 'zhangsan'],
      ['name', '姓名', '张三'],
    ],
  },
  {
    role: 'coordinator',
    title: '运营统筹人员',
    text: '办件查询与流程时间线、统计图表、整改与工单督办、发布一件事、维护工作日历。',
    fields: [
      ['sub', '工号', 'coordinator-01'],
      ['region', '统筹区域'],
    ],
  },
  {
    role: 'hotline',
    title: '12345 热线',
    text: '按申请编号查询进度，登记咨询、投诉、建议工单并跟踪回访。',
    fields: [['sub', '工号', 'hotline-01']],
  },
  {
    role: 'agent',
    title: '帮办代办人员',
    text: '持申请人委托代为申请与跟进（记录委托编号）。',
    fields: [
      ['sub', '工号', 'agent-01'],
      ['mandate', '委托编号', 'WT-2026-0001'],
    ],
  },
];

function roleCard({ role, title, text, fields }) {
  const inputs = {};
  const controls = fields.map(([key, label, value]) => {
    let input;
    if (key === 'dept') {
      input = h(
        'select',
        { name: 'dept' },
        Object.entries(DEPARTMENTS).map(([code, name]) => h('option', { value: code }, `${name}（${code}）`)),
      );
    } else if (key === 'region') {
      // A department office or a coordinator covers a division and everything under it; none: the whole province.
      input = h('select', { name: 'region' }, h('option', { value: '' }, '全省（不限）'));
      const select = input;
      regions().then((list) => {
        for (const { code, label } of regionOptions(list)) select.append(h('option', { value: code }, label));
      });
    } else if (key === 'post') {
      input = h('select', { name: 'post' }, h('option', { value: 'A' }, 'A岗（主办）'), h('option', { value: 'B' }, 'B岗（替补）'));
    } else {
      input = h('input', { name: key, value: value ?? '', autocomplete: 'off' });
    }
    inputs[key] = input;
    return field(label, input);
  });
  const submit = async (event) => {
    event.preventDefault();
    const body = { role };
    for (const [key, input] of Object.entries(inputs)) if (input.value.trim()) body[key] = input.value.trim();
    try {
      const { token, claims } = await api.post('/v1/dev/tokens', body, { auth: false });
      saveSession({ token, claims });
      location.hash = homeOf(claims.role);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        showError(new Error('本服务已配置正式签名密钥（AUTH_JWT_SECRET），不提供演示登录；请在下方粘贴统一身份认证签发的令牌。'));
      } else showError(err);
    }
  };
  return h(
    'form',
    { class: 'card role', id: `login-${role}`, onsubmit: submit },
    h('h2', {}, title),
    h('p', { class: 'muted' }, text),
    h('div', { class: 'grid2' }, controls),
    h('div', {}, h('button', { type: 'submit', class: 'primary' }, `以${title}身份进入`)),
  );
}

export async function render(container) {
  const pasted = h('textarea', { placeholder: 'eyJhbGciOi…', rows: 2 });
  const usePasted = () =>
    attempt(async () => {
      const token = pasted.value.trim();
      let claims;
      try {
        claims = claimsOf(token);
      } catch {
        throw new Error('这不是一个有效的 JWT 令牌');
      }
      saveSession({ token, claims });
      location.hash = homeOf(claims.role);
    });
  mount(
    container,
    h('h1', {}, '选择身份登录'),
    h(
      'p',
      { class: 'muted' },
      '演示环境：选择一个身份即可进入（服务使用开发密钥时由服务签发演示令牌）。每个浏览器标签页各自保持登录，可在不同标签页中扮演不同角色。',
    ),
    h('div', { class: 'roles' }, ROLES.map(roleCard)),
    h(
      'details',
      { class: 'card' },
      h('summary', {}, '使用已有令牌登录'),
      h('p', { class: 'muted' }, '例如 npm run token -- role=department dept=gaj post=A 生成的令牌。'),
      pasted,
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: usePasted }, '使用此令牌')),
    ),
  );
}
