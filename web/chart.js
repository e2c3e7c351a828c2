// Horizontal grouped bar charts as inline SVG: no library, one function.
const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

const fmt = (v) => (v === null || v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(1));

/**
 * barChart({ title, categories, series: [{ name, color, values }], markers?: [{ name, color, values }], unit })
 * One row per category, one bar per series; markers (e.g. time limits) are drawn as vertical ticks.
 */
export function barChart({ title, categories, series, markers = [], unit = '', width = 620 }) {
  const labelWidth = 210;
  const barHeight = 13;
  const rowHeight = series.length * (barHeight + 2) + 12;
  const top = 34;
  const height = top + Math.max(1, categories.length) * rowHeight + 24;
  const plot = width - labelWidth - 50;
  const all = [...series, ...markers].flatMap((x) => x.values).filter((v) => typeof v === 'number');
  const max = Math.max(1, ...all);
  const x = (v) => labelWidth + (Math.max(0, v) / max) * plot;

  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  svg.append(s('text', { x: 0, y: 14, 'font-size': 14, 'font-weight': 600, fill: '#1f2933' }, title));
  // legend
  let lx = labelWidth;
  for (const item of [...series, ...markers]) {
    const isMarker = markers.includes(item);
    svg.append(
      isMarker ? s('rect', { x: lx, y: 20, width: 3, height: 10, fill: item.color }) : s('rect', { x: lx, y: 20, width: 10, height: 10, fill: item.color }),
    );
    const label = s('text', { x: lx + 14, y: 29, 'font-size': 11, fill: '#4b5563' }, item.name);
    svg.append(label);
    lx += 24 + item.name.length * 11;
  }
  // axis
  svg.append(s('line', { x1: labelWidth, y1: top - 2, x2: labelWidth, y2: height - 20, stroke: '#9ca3af' }));
  svg.append(s('text', { x: width - 4, y: height - 6, 'font-size': 11, fill: '#6b7280', 'text-anchor': 'end' }, `最大 ${fmt(max)}${unit}`));

  if (!categories.length) {
    svg.append(s('text', { x: labelWidth + 8, y: top + 14, 'font-size': 12, fill: '#6b7280' }, '暂无数据'));
    return svg;
  }
  categories.forEach((category, i) => {
    const y0 = top + i * rowHeight;
    const name = category.length > 16 ? `${category.slice(0, 15)}…` : category;
    const label = s('text', { x: labelWidth - 6, y: y0 + rowHeight / 2 + 2, 'font-size': 12, 'text-anchor': 'end', fill: '#1f2933' }, name);
    label.append(s('title', {}, category));
    svg.append(label);
    series.forEach((serie, j) => {
      const v = serie.values[i];
      const y = y0 + 4 + j * (barHeight + 2);
      const bar = s('rect', { x: labelWidth, y, width: Math.max(v ? 1 : 0, x(v ?? 0) - labelWidth), height: barHeight, fill: serie.color });
      bar.append(s('title', {}, `${category} ${serie.name}：${fmt(v)}${unit}`));
      svg.append(bar);
      svg.append(
        s('text', { x: x(v ?? 0) + 4, y: y + barHeight - 2, 'font-size': 11, fill: '#374151' }, `${fmt(v)}${v === null || v === undefined ? '' : unit}`),
      );
    });
    for (const marker of markers) {
      const v = marker.values[i];
      if (typeof v !== 'number') continue;
      const tick = s('rect', { x: x(v) - 1, y: y0 + 1, width: 3, height: rowHeight - 8, fill: marker.color });
      tick.append(s('title', {}, `${category} ${marker.name}：${fmt(v)}${unit}`));
      svg.append(tick);
    }
  });
  return svg;
}
