// Bundle definitions (cached per version) and what an application still asks of the applicant.
import { api } from './api.js';

const cache = new Map();

/** The definition an application runs on (GET /v1/bundles/:code?version=N), fetched once. */
export function bundleDef(code, version) {
  const key = `${code}@${version ?? 'latest'}`;
  if (!cache.has(key)) {
    const promise = api.get(`/v1/bundles/${encodeURIComponent(code)}${version ? `?version=${version}` : ''}`);
    promise.catch(() => cache.delete(key));
    cache.set(key, promise);
  }
  return cache.get(key);
}

let regionList;
/** The administrative divisions (GET /v1/regions, public), fetched once: [{ code, name, level, parent }]. */
export function regions() {
  if (!regionList) {
    regionList = api.get('/v1/regions', { auth: false }).then((r) => r.regions);
    regionList.catch(() => (regionList = undefined));
  }
  return regionList;
}

/** The divisions of the given levels as select options: { code, label }, a county labelled with its city. */
export function regionOptions(list, levels = ['province', 'city', 'county']) {
  const nameOf = new Map(list.map((r) => [r.code, r.name]));
  return list
    .filter((r) => levels.includes(r.level))
    .map((r) => ({ code: r.code, label: r.level === 'county' ? `${nameOf.get(r.parent) ?? ''}${r.name}（${r.code}）` : `${r.name}（${r.code}）` }));
}

export const materialName = (def, code) => def?.materials?.find((m) => m.code === code)?.name ?? code;
export const itemName = (def, code) => def?.items?.find((i) => i.code === code)?.name ?? code;

/**
 * Every material the application is waiting for from the applicant, once each:
 * { code, name, why, due } — missing at intake, asked for in a correction, or promised (容缺).
 */
export function requestedMaterials(app, def) {
  const wanted = new Map();
  const add = (code, why, due) => {
    const entry = wanted.get(code) ?? { code, name: materialName(def, code), why: [], due };
    entry.why.push(why);
    if (due && (!entry.due || due < entry.due)) entry.due = due;
    wanted.set(code, entry);
  };
  if (app.status === 'incomplete')
    for (const m of app.missing ?? []) add(m.material, m.reason ? `不符合法定形式：${m.reason}` : '受理前须补齐（一次性告知）', app.supplementDue);
  for (const item of app.items) {
    if (item.status === 'correction_requested' && item.correction) {
      for (const code of item.correction.missing) {
        if (!(item.correction.received ?? []).includes(code)) add(code, `「${item.name}」要求补正：${item.correction.reason}`, item.correction.dueAt);
      }
    }
  }
  // 容缺: promised at intake and not handed in since (the application's received list is the record).
  for (const p of app.receipt?.promised ?? []) {
    if (!(app.received ?? []).includes(p.material)) add(p.material, '容缺受理，承诺补交', p.due);
  }
  return [...wanted.values()];
}
