// The printable guide (办事指南, 一次告知, SPEC R-2.1): one self-contained Chinese HTML page, A4,
// inline CSS, and a QR code (an inline PNG data URL) that opens the electronic guide. No external resources.
import QRCode from 'qrcode';
import type { Guide, GuideItem } from '../workflows/shared/guide.js';
import { shanghaiDate } from '../workflows/shared/working-days.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const LIFECYCLE: Record<Guide['bundle']['lifecycle'], string> = { individual: '个人', enterprise: '企业' };

const optional = (text: string | undefined): string => (text === undefined || text === '' ? '—' : escapeHtml(text));

function answerText(answer: string | number | boolean | undefined): string {
  if (answer === undefined) return '未选择';
  if (typeof answer === 'boolean') return answer ? '是' : '否';
  return escapeHtml(answer);
}

const STYLE = `
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0 auto;max-width:210mm;padding:12mm 14mm;color:#111;background:#fff;
  font-family:"SimSun","Songti SC","Noto Serif CJK SC","Source Han Serif SC",serif;font-size:10.5pt;line-height:1.55}
header{display:flex;justify-content:space-between;align-items:flex-start;gap:8mm;border-bottom:2px solid #b00;padding-bottom:4mm}
.retired{border:2px solid #b00;color:#b00;padding:2mm 3mm;margin:0 0 4mm}
h1{font-family:"SimHei","Heiti SC","Noto Sans CJK SC","Source Han Sans SC",sans-serif;font-size:18pt;margin:0 0 2mm;color:#b00}
h2{font-family:"SimHei","Heiti SC","Noto Sans CJK SC","Source Han Sans SC",sans-serif;font-size:13pt;margin:6mm 0 2mm;
  border-left:4px solid #b00;padding-left:2mm;break-after:avoid;page-break-after:avoid}
.meta{margin:0;font-size:9.5pt;color:#333}
.meta span{margin-right:4mm;white-space:nowrap}
.qr{margin:0;text-align:center;flex:none;width:36mm}
.qr img{display:block;width:32mm;height:32mm;margin:0 auto;image-rendering:pixelated}
.qr figcaption{font-size:8.5pt}
.url{font-size:7pt;color:#555;word-break:break-all}
table{width:100%;border-collapse:collapse;font-size:9pt;margin:1mm 0 2mm}
th,td{border:1px solid #666;padding:1.2mm 1.5mm;vertical-align:top;text-align:left;word-break:break-word}
th{background:#f2f2f2;font-weight:bold}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
.num{text-align:center;white-space:nowrap}
.tag{display:inline-block;border:1px solid #b00;color:#b00;border-radius:2px;padding:0 1mm;font-size:8pt;white-space:nowrap}
.tag.ok{border-color:#060;color:#060}
.muted{color:#555;font-size:8.5pt}
.figures{display:grid;grid-template-columns:repeat(4,1fr);gap:2mm;margin:1mm 0}
.figures div{border:1px solid #999;padding:2mm;text-align:center}
.figures b{display:block;font-size:12pt}
ul.situation{margin:0;padding-left:5mm}
.notice{font-size:9pt;border:1px dashed #999;padding:2mm 3mm;margin-top:5mm}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;padding:0}a{color:inherit;text-decoration:none}}
`;

function itemsCell(codes: string[], names: ReadonlyMap<string, string>): string {
  return codes.map((code) => escapeHtml(names.get(code) ?? code)).join('、');
}

function itemRow(item: GuideItem, index: number, names: ReadonlyMap<string, string>): string {
  const after = item.after.length
    ? `<br><span class="muted">在${item.after.map((c) => `「${escapeHtml(names.get(c) ?? c)}」`).join('、')}办结后办理</span>`
    : '';
  return `<tr>
<td class="num">${index + 1}</td>
<td>${escapeHtml(item.name)}${after}</td>
<td>${escapeHtml(item.departmentName)}</td>
<td>${escapeHtml(item.kind)}</td>
<td>${optional(item.legalBasis)}</td>
<td>${optional(item.conditions)}</td>
<td>${optional(item.fee)}</td>
<td class="num">${escapeHtml(item.legalDays)} / ${escapeHtml(item.committedDays)}</td>
<td>${escapeHtml(item.result.name)}</td>
</tr>`;
}

/** The complete printable page for a guide built by `buildGuide`. */
export async function renderGuidePage(guide: Guide): Promise<string> {
  const { bundle, figures } = guide;
  const names = new Map(guide.items.map((item) => [item.code, item.name]));
  const title = `${bundle.name} 办事指南（一次告知）`;
  const qr = await QRCode.toDataURL(guide.url, { type: 'image/png', errorCorrectionLevel: 'M', margin: 2, scale: 4 });
  const prefilled = guide.form.fields.filter((f) => f.prefilled).length;

  const meta = [
    `适用对象：${LIFECYCLE[bundle.lifecycle] ?? escapeHtml(bundle.lifecycle)}`,
    `阶段：${escapeHtml(bundle.stage)}`,
    `行政区划：${escapeHtml(bundle.region)}`,
    bundle.leadDepartmentName !== undefined ? `牵头部门：${escapeHtml(bundle.leadDepartmentName)}` : '',
    `版本：第 ${escapeHtml(bundle.version)} 版`,
  ]
    .filter(Boolean)
    .map((text) => `<span>${text}</span>`)
    .join('');

  const situation = guide.questions.length
    ? `<h2>办理情形</h2>
<ul class="situation">
${guide.questions.map((q) => `<li>${escapeHtml(q.label)}：${answerText(q.answer)}</li>`).join('\n')}
</ul>`
    : '';

  const undecided = guide.undecided.length
    ? `<h2>视您的回答而定的事项</h2>
<ul class="situation">
${guide.undecided.map((u) => `<li>${escapeHtml(u.name)}（${escapeHtml(u.departmentName)}）：取决于您对「${u.dependsOn.map((q) => escapeHtml(q.label)).join('」「')}」的回答</li>`).join('\n')}
</ul>`
    : '';

  const items = guide.items.length
    ? `<table>
<thead><tr><th class="num">序号</th><th>事项</th><th>实施部门</th><th>事项类型</th><th>设定依据</th><th>受理条件</th><th>收费</th>
<th class="num">法定时限/承诺时限<br>（工作日）</th><th>办理结果</th></tr></thead>
<tbody>
${guide.items.map((item, i) => itemRow(item, i, names)).join('\n')}
</tbody>
</table>`
    : '<p>根据所选情形，没有需要办理的事项。</p>';

  const materials = guide.materials.length
    ? `<table>
<thead><tr><th class="num">序号</th><th>材料名称</th><th>用于事项</th><th>要求</th><th>可容缺</th><th>样表/说明</th></tr></thead>
<tbody>
${guide.materials
  .map(
    (m, i) => `<tr>
<td class="num">${i + 1}</td>
<td>${escapeHtml(m.name)}</td>
<td>${itemsCell(m.items, names)}</td>
<td class="num">${m.held ? `<span class="tag ok">免提交</span><br><span class="muted">平台已有电子证照 ${escapeHtml(m.held.number)}</span>` : m.required ? '必交' : '选交'}</td>
<td>${
      m.deferrable
        ? `<span class="tag">可容缺</span>${m.deferDays !== undefined ? `<br><span class="muted">承诺后 ${escapeHtml(m.deferDays)} 个工作日内补交</span>` : ''}`
        : '否'
    }</td>
<td>${optional(m.sample)}</td>
</tr>`,
  )
  .join('\n')}
</tbody>
</table>
<p class="muted">每份材料只需提交一次，由平台共享给各实施部门。标注“可容缺”的材料，可先书面承诺后补交。</p>`
    : '<p>无需提交材料。</p>';

  const form = guide.form.fields.length
    ? `<table>
<thead><tr><th class="num">序号</th><th>字段</th><th class="num">必填</th><th>用于事项</th><th>填写</th></tr></thead>
<tbody>
${guide.form.fields
  .map(
    (f, i) => `<tr>
<td class="num">${i + 1}</td>
<td>${escapeHtml(f.label)}</td>
<td class="num">${f.required ? '是' : '否'}</td>
<td>${itemsCell(f.items, names)}</td>
<td>${f.prefilled ? '<span class="tag ok">已预填</span> <span class="muted">平台已掌握，无需再填</span>' : '待填写'}</td>
</tr>`,
  )
  .join('\n')}
</tbody>
</table>
<p class="muted">各事项共用的信息只填写一次；已预填的信息来自数据共享（《国务院关于在线政务服务的若干规定》第七条），不再重复索要。</p>`
    : '<p>无需填写表单。</p>';

  const figureBox = (label: string, value: string) => `<div>${label}<b>${value}</b></div>`;
  const figuresHtml = `<div class="figures">
${figureBox('事项', `${escapeHtml(figures.items)} 项`)}
${figureBox('材料', `${escapeHtml(figures.materialsBefore)} → ${escapeHtml(figures.materialsAfter)} 份`)}
${figureBox('表单字段', `${escapeHtml(figures.fieldsBefore)} → ${escapeHtml(figures.fieldsAfter)} 项`)}
${figureBox('办理时限', `法定 ${escapeHtml(figures.legalDays)} 个工作日 → 承诺 ${escapeHtml(figures.committedDays)} 个工作日`)}
</div>
<p class="muted">材料 ${escapeHtml(figures.materialsBefore)}→${escapeHtml(figures.materialsAfter)}，表单字段 ${escapeHtml(figures.fieldsBefore)}→${escapeHtml(figures.fieldsAfter)}${
    prefilled ? `（其中 ${prefilled} 项已预填）` : ''
  }；法定时限为各事项逐项办理的法定时限之和，承诺时限为本“一件事”整体办结时限。</p>`;

  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<div>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${meta}</p>
</div>
<figure class="qr">
<img alt="本指南二维码" src="${escapeHtml(qr)}">
<figcaption>扫码查看电子版办事指南</figcaption>
<div class="url">${escapeHtml(guide.url)}</div>
</figure>
</header>
<main>
${guide.retired ? `<p class="retired" role="alert"><strong>停止受理</strong>：${escapeHtml(guide.retired.notice)}（${escapeHtml(shanghaiDate(guide.retired.since))} 起）</p>` : ''}
${situation}
${undecided}
<h2>适用事项</h2>
${items}
<h2>一套材料</h2>
${materials}
<h2>一张表单</h2>
${form}
<h2>办理时限</h2>
${figuresHtml}
<p class="notice">一次告知：本指南列明的材料和信息即为办理上述事项所需的全部内容，办理过程中不会另行要求提交指南以外的材料。</p>
</main>
</body>
</html>
`;
}
