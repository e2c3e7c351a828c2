// The printable 收件凭证 (8.1) or 一次性告知书 (incomplete): one self-contained Chinese A4 page.
import type { ApplicationState } from '../workflows/application/messages.js';
import { CHANNEL_LABELS } from '../workflows/shared/actor.js';
import type { BundleDefinition } from '../workflows/shared/bundle.js';
import { maskIdNumber, maskName } from '../workflows/shared/mask.js';
import { escapeHtml as e } from './guide-page.js';

const shanghai = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 16) + '（北京时间）';

/** Names for the codes a printed page would otherwise show (the bundle version the application started with). */
export interface PageNames {
  department(code: string): string;
  material(code: string): string;
  item(code: string): string;
}

/** Names from a bundle definition; a code it does not know stays as it is. */
export function namesFrom(bundle: Pick<BundleDefinition, 'departments' | 'materials' | 'items'> | undefined): PageNames {
  const find = (list: { code: string; name: string }[] | undefined, code: string) => list?.find((x) => x.code === code)?.name ?? code;
  return { department: (c) => find(bundle?.departments, c), material: (c) => find(bundle?.materials, c), item: (c) => find(bundle?.items, c) };
}

export function renderReceiptPage(state: ApplicationState, names: PageNames): string {
  const incomplete = state.status === 'incomplete' || state.status === 'expired';
  const title = incomplete ? '材料补正一次性告知书' : '收件凭证';
  const rows = (cells: string[][]) => cells.map((c) => `<tr>${c.map((x) => `<td>${x}</td>`).join('')}</tr>`).join('');
  const body = incomplete
    ? `<h2>请一次性补齐以下材料</h2>
<table><tr><th>材料</th><th>所涉事项</th><th>可否容缺</th><th>补正理由</th></tr>${rows(
        (state.missing ?? []).map((m) => [
          e(m.name),
          e(m.items.map(names.item).join('、')),
          m.deferrable ? '可容缺（须书面承诺）' : '否',
          e(m.reason ?? '未提交'),
        ]),
      )}</table>
<p>请于 ${state.supplementDue ? e(shanghai(state.supplementDue)) : '规定期限'} 前补齐；逾期未补齐的，申请失效。</p>`
    : `<h2>受理事项</h2>
<table><tr><th>事项</th><th>实施部门</th></tr>${rows(state.receipt.items.map((i) => [e(i.name), e(names.department(i.department))]))}</table>
<h2>已收材料</h2><p>${state.receipt.materials.map((m) => e(names.material(m))).join('、') || '无'}</p>
${
  state.receipt.promised.length
    ? `<h2>容缺材料（承诺补交）</h2><table><tr><th>材料</th><th>补交期限</th><th>逾期后果</th></tr>${rows(
        state.receipt.promised.map((p) => [e(p.name), e(shanghai(p.due)), '相关事项暂停办理；宽限期满仍未补齐的予以退件']),
      )}</table>`
    : ''
}
${
  state.status === 'received' && state.intakeReview
    ? `<p>材料已收取，正在进行受理审查：将于 ${e(shanghai(state.intakeReview.due))} 前告知是否受理；逾期未告知的，自收件之日起即为受理（《行政许可法》第三十二条）。</p>`
    : `<p>承诺办结时限：${state.deadline ? e(shanghai(state.deadline)) : '—'} 前（工作日计算，补正等待期间不计入）。</p>`
}`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${e(state.bundle.name)} ${title}</title>
<style>body{font-family:"SimSun","Noto Serif CJK SC",serif;max-width:210mm;margin:0 auto;padding:14mm;font-size:11pt}
h1{text-align:center;font-size:18pt}h2{font-size:13pt;border-left:4px solid #b00;padding-left:2mm}
table{width:100%;border-collapse:collapse}td,th{border:1px solid #666;padding:1.5mm}@page{size:A4;margin:12mm}</style></head>
<body><h1>${e(state.bundle.name)}<br>${title}</h1>
<p>申请编号：<strong>${e(state.number)}</strong>　　收件时间：${e(shanghai(state.receipt.time))}</p>
<p>申请人：${e(maskName(state.applicant.name))}（${e(maskIdNumber(state.applicant.idNumber))}）　　渠道：${e(CHANNEL_LABELS[state.channel] ?? state.channel)}</p>
${body}
<p style="margin-top:10mm">请凭申请编号查询办理进度（12345 或政务服务网）。</p></body></html>`;
}
