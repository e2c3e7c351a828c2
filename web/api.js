// The one way to the API: fetch with the session's token; every refusal shown as the API words it
// ({ error, message, details }).

const SESSION_KEY = 'yjs.console.session';

/** The signed-in user of this browser tab: { token, claims } or null. */
export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return null;
  }
}

export function saveSession(value) {
  if (value) sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
  else sessionStorage.removeItem(SESSION_KEY);
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error ?? 'error';
    this.details = Array.isArray(body?.details) ? body.details : [];
  }
}

const ERROR_TITLES = {
  bad_request: '输入有误',
  unauthorized: '未登录或登录已失效',
  forbidden: '无权进行此操作',
  not_found: '未找到',
  conflict: '当前状态不允许此操作',
  credit_restricted: '信用限制',
  payload_too_large: '内容过大',
  rate_limited: '操作过于频繁',
  internal: '系统错误',
};

async function request(method, path, { body, accept = 'application/json', headers = {}, auth = true } = {}) {
  const s = session();
  const init = { method, headers: { accept, ...headers } };
  if (auth && s?.token) init.headers.authorization = `Bearer ${s.token}`;
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, { error: 'network', message: '无法连接服务器，请检查网络或服务是否已启动' });
  }
  const type = res.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    if (res.status === 401 && auth) {
      saveSession(null);
      location.hash = '#/login';
    }
    throw new ApiError(res.status, typeof payload === 'object' ? payload : { message: String(payload).slice(0, 200) });
  }
  return payload;
}

export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, body = {}, options) => request('POST', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  /** A printable page (收件凭证, 告知书) as HTML text, fetched with the token. */
  html: (path) => request('GET', path, { accept: 'text/html' }),
};

/** Builds a query string from the set values of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Shows an error in the banner at the top: the API's message, then each detail. */
export function showError(err) {
  const box = document.getElementById('error');
  box.replaceChildren();
  const title = document.createElement('strong');
  title.textContent = err instanceof ApiError ? `${ERROR_TITLES[err.code] ?? '请求失败'}${err.status ? `（${err.status}）` : ''}：` : '出错了：';
  box.append(title, document.createTextNode(err?.message ?? String(err)));
  if (err instanceof ApiError && err.details.length) {
    const list = document.createElement('ul');
    for (const d of err.details) {
      const li = document.createElement('li');
      li.textContent = d.field ? `${d.field}：${d.message}` : d.message;
      list.append(li);
    }
    box.append(list);
  }
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
}

export function clearMessages() {
  document.getElementById('error').hidden = true;
  document.getElementById('flash').hidden = true;
}

/** A short success message at the top. */
export function flash(text) {
  const box = document.getElementById('flash');
  box.textContent = text;
  box.hidden = false;
}

/** Runs an action, showing its error (if any) instead of throwing; returns its value or undefined. */
export async function attempt(action) {
  try {
    document.getElementById('error').hidden = true;
    return await action();
  } catch (err) {
    showError(err);
    return undefined;
  }
}
