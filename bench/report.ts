// The bench's output: JSON (everything), Markdown (the tables) and an SVG chart of latency and
// throughput against load, drawn by hand (no chart library).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CeilingResult } from './ceiling.js';
import type { HistorySample, WorkflowCounts } from './histories.js';
import type { Checkpoint, OpenCeilingResult, OpenResult } from './open.js';
import type { LoadResult } from './ours.js';
import type { Summary } from './stats.js';
import type { WorkerTuning } from './worker-process.js';

export interface PhaseUsage {
  name: string;
  units: number;
  wallSeconds: number;
  cpuSeconds: { server: number; worker: number; main: number; postgres: number };
  cpuMsPerUnit: { server: number; worker: number; main: number; postgres: number };
  coresBusy: number;
  /** CPU seconds of every other process on the machine in the same interval (noise), and iowait. */
  otherCpuSeconds: number;
  iowaitSeconds: number;
  peakRssMiB: { main: number; worker: number; server: number };
  sqliteGrowthMiB: number;
  /** Calls the API made to Temporal per unit (ours only). */
  apiCallsPerUnit: { start: number; query: number; update: number; signal: number };
}

export interface BenchResults {
  kind: 'quick' | 'full';
  startedAt: string;
  durationSeconds: number;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string; temporalCli: string; postgres: string; loadAverageAtStart: number[] };
  commit: { sha: string; dirty: boolean };
  options: {
    n: number;
    concurrency: number;
    sweep: number[];
    open: number;
    openConcurrency: number;
    pollMs: number;
    inbox?: string;
    fastSqlite: boolean;
    variants: WorkerTuning[];
  };
  notes: string[];
  ours: { main: LoadResult; sweep: LoadResult[] };
  ceiling: CeilingResult;
  ratio: number;
  /** Ceiling CPU per unit ÷ ours (all measured processes): the same comparison, insensitive to other load on the machine. */
  ratioCpu: number;
  histories: { ours: HistorySample; bare: HistorySample };
  usage: PhaseUsage[];
  variants: { tuning: WorkerTuning; result: LoadResult; usage: PhaseUsage }[];
  open?: OpenResult & { workerRssMiB: number; serverRssMiB: number; usage: PhaseUsage; sqliteMiB: number };
  /** The bare "start and wait" of the same K (open work's ceiling). */
  openCeiling?: OpenCeilingResult & { usage: PhaseUsage };
}

/** Writes latest.{json,md,svg} (quick runs: quick.*; or `name`.*) and returns the paths. */
export function writeResults(results: BenchResults, dir: string, name?: string): string[] {
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, name ?? (results.kind === 'quick' ? 'quick' : 'latest'));
  const files = [`${base}.json`, `${base}.md`, `${base}.svg`];
  // The ids are useful while running, not in the record.
  const strip = (r: { ids: string[] }) => ({ ...r, ids: undefined });
  const json = {
    ...results,
    ours: { main: strip(results.ours.main), sweep: results.ours.sweep.map(strip) },
    ceiling: strip(results.ceiling),
    variants: results.variants.map((v) => ({ ...v, result: strip(v.result) })),
  };
  writeFileSync(files[0]!, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(files[1]!, markdown(results, path.basename(files[2]!)));
  writeFileSync(files[2]!, chart(results));
  return files.map((f) => path.relative(process.cwd(), f));
}

const pct = (s: Summary, unit = 'ms') => `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)} ${unit}`;
const fmt = (x: number) => (x >= 100 ? Math.round(x).toString() : x.toString());
const secs = (s: Summary) => ({ ...s, p50: r1(s.p50 / 1000), p95: r1(s.p95 / 1000), p99: r1(s.p99 / 1000), max: r1(s.max / 1000), mean: r1(s.mean / 1000) });
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** The headline table (also what the README shows). */
export function headline(r: BenchResults): string {
  const o = r.ours.main;
  const main = r.usage.find((u) => u.name === `ours c=${r.options.concurrency}`);
  const rows: [string, string][] = [
    ['**ratio ours / ceiling** (goal ≥ 0.8)', `**${r.ratio}**`],
    ['CPU-normalised ratio (ceiling CPU per unit ÷ ours)', `${r.ratioCpu}`],
    [`ours: completed bundles/s (n=${o.n}, concurrency ${o.concurrency})`, `${o.rate}`],
    ['ceiling: bare units/s (same shape, same server)', `${r.ceiling.rate}`],
    ['submit → receipt p50 / p95 / p99', pct(o.submit)],
    ['decision → visible state p50 / p95 / p99', pct(o.visible)],
    [
      `decision → next department's inbox p50 / p95 / p99 (${r.options.inbox === 'wait' ? 'held inbox requests' : `poll ${r.options.pollMs} ms`})`,
      pct(o.handoff),
    ],
    ['end-to-end per application p50 / p95 / p99', pct(secs(o.endToEnd), 's')],
    ['history events per parent / per item workflow', `${r.histories.ours.parent.events} / ${r.histories.ours.child.events}`],
    [
      'peak RSS: worker process / API + drivers process / dev server',
      main ? `${main.peakRssMiB.worker} / ${main.peakRssMiB.main} / ${main.peakRssMiB.server} MiB` : '-',
    ],
  ];
  const ceilingUsage = r.usage.find((u) => u.name === `ceiling c=${r.options.concurrency}`);
  if (main && ceilingUsage) {
    rows.push(['CPU ms per unit, ours / ceiling (dev server + worker + API + PostgreSQL)', `${totalCpu(main)} / ${totalCpu(ceilingUsage)}`]);
    rows.push([
      'other processes on the machine during ours / ceiling (CPU s per wall s)',
      `${r1(main.otherCpuSeconds / main.wallSeconds)} / ${r1(ceilingUsage.otherCpuSeconds / ceilingUsage.wallSeconds)}`,
    ]);
  }
  if (r.open) {
    const o = r.open;
    const q = (name: string) => o.queries.find((x) => x.name.startsWith(name))?.latency.p99 ?? 0;
    const c = r.openCeiling;
    const last = o.checkpoints.at(-1);
    rows.push(
      [
        '**open work: start-and-dispatch rate, ours / bare ceiling** (goal ≥ 0.8)',
        c?.rate ? `**${r2(o.dispatchRate / c.rate)}** (${o.dispatchRate} / ${c.rate} per s)` : '—',
      ],
      [
        `open work: ${o.submitted} submitted in${o.pace ? ` (paced at the ceiling's ${o.pace}/s)` : ''}`,
        `${o.submitSeconds} s, all dispatched at ${o.settledSeconds ?? '—'} s` +
          (o.settledSeconds ? ` (${r2(o.settledSeconds / o.submitSeconds)} × the submission time; goal ≤ 1.2)` : ''),
      ],
      [
        `open work: worker RSS with ${o.submitted} open (peak) / sticky cache held / forced evictions`,
        `${o.workerRssMiB} MiB (${o.usage.peakRssMiB.worker}) / ${last?.cached ?? '—'} / ${last?.forcedEvictions ?? '—'}`,
      ],
      [`open work: list / search / stats p99 at ${o.submitted}`, `${q('newest page')} / ${q('search by number')} / ${q('stats, province')} ms`],
    );
  }
  return table(['figure', 'value'], rows);
}

export const totalCpu = (u: PhaseUsage) => u.cpuMsPerUnit.server + u.cpuMsPerUnit.worker + u.cpuMsPerUnit.main + u.cpuMsPerUnit.postgres;

function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n') + '\n';
}

function markdown(r: BenchResults, svgName: string): string {
  const loads = [...r.ours.sweep, r.ours.main];
  const counts = (label: string, c: WorkflowCounts) => [
    label,
    c.events,
    c.kib,
    c.workflowTasks,
    c.activities,
    c.childrenStarted,
    c.updates,
    c.signalsSent,
    c.signalsReceived,
    c.timers,
    c.searchAttributeUpserts,
  ];
  const parts = [
    `# Benchmark results (${r.kind})\n`,
    `${r.startedAt}, ${r.durationSeconds} s. Commit \`${r.commit.sha.slice(0, 12)}\`${r.commit.dirty ? ' (with uncommitted changes)' : ''}.`,
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.os}; Node ${r.machine.node}; ${r.machine.temporalCli}; ${r.machine.postgres}; load average at start ${r.machine.loadAverageAtStart.join(' / ')}.`,
    `Options: ${JSON.stringify(r.options)}.\n`,
    '## Headline\n',
    headline(r),
    `![latency and throughput against load](${svgName})\n`,
    '## 1. End-to-end load (newborn, 5 items, over HTTP)\n',
    table(
      [
        'concurrency',
        'n',
        'completed',
        'bundles/s',
        'submit p50/p95/p99',
        'decision POST p50/p95/p99',
        'decision → visible p50/p95/p99',
        'handoff p50/p95/p99',
        'submit → inbox p50/p95/p99',
        'end-to-end p50/p95/p99',
        'errors',
      ],
      loads.map((l) => [
        l.concurrency,
        l.n,
        l.completed,
        l.rate,
        pct(l.submit),
        pct(l.decision),
        pct(l.visible),
        pct(l.handoff),
        pct(l.dispatch),
        pct(secs(l.endToEnd), 's'),
        Object.keys(l.errors).length ? JSON.stringify(l.errors) : '0',
      ]),
    ),
    `Decision POST by item (main run), p50/p95/p99: ${Object.entries(r.ours.main.decisionByItem)
      .map(([item, l]) => `${item} ${pct(l)}`)
      .join('; ')}.\n`,
    `Calls the API made to Temporal per application (main run): ${JSON.stringify(r.usage.find((u) => u.name === `ours c=${r.options.concurrency}`)?.apiCallsPerUnit ?? {})}. Decision responses that already showed the decided item: ${r.ours.main.visibleInResponse} of ${r.ours.main.decision.count}. HTTP requests in the main run: ${r.ours.main.requests}.\n`,
    '## 2. The ceiling (bare Temporal, same shape)\n',
    table(
      ['concurrency', 'n', 'units/s', 'start p50/p95/p99', 'update p50/p95/p99', 'end-to-end p50/p95/p99', 'not-found retries'],
      [
        [
          r.ceiling.concurrency,
          r.ceiling.n,
          r.ceiling.rate,
          pct(r.ceiling.start),
          pct(r.ceiling.update),
          pct(secs(r.ceiling.endToEnd), 's'),
          r.ceiling.notFoundRetries,
        ],
      ],
    ),
    `Spec (from our histories): ${JSON.stringify({ parentActivities: r.ceiling.spec.parentActivities, child: r.ceiling.spec.child })}.\n`,
    '### History per workflow (mean over the sample)\n',
    table(
      [
        'workflow',
        'events',
        'history KiB',
        'workflow tasks',
        'activities',
        'children',
        'updates',
        'signals sent',
        'signals received',
        'timers',
        'search-attribute upserts',
      ],
      [
        counts('ours: application (parent)', r.histories.ours.parent),
        counts('ours: item (child)', r.histories.ours.child),
        counts('bare: parent', r.histories.bare.parent),
        counts('bare: child', r.histories.bare.child),
      ],
    ),
    table(
      ['per unit', 'workflows', 'workflow tasks', 'activities', 'updates', 'signals', 'events', 'history KiB'],
      (['ours', 'bare'] as const).map((k) => {
        const u = r.histories[k].perUnit;
        return [k, u.workflows, u.workflowTasks, u.activities, u.updates, u.signals, u.events, u.kib];
      }),
    ),
    `Where a parent history's bytes are (KiB by event kind), ours: ${Object.entries(r.histories.ours.parentKibByKind)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; bare: ${Object.entries(r.histories.bare.parentKibByKind)
      .slice(0, 4)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.\n`,
    "### Where a unit's time goes, from the event times of the sampled histories\n",
    table(
      ['step (ms)', 'ours p50', 'ours p95', 'ours mean', 'bare p50', 'bare p95', 'bare mean'],
      (
        [
          ['workflow task: scheduled → started (queue)', 'workflowTaskQueue'],
          ['workflow task: started → completed (worker)', 'workflowTaskRun'],
          ['activity: scheduled → started (queue)', 'activityQueue'],
          ['activity: started → completed (work)', 'activityRun'],
          ['update on an item: accepted → completed', 'update'],
          ['parent: started → closed', 'parentLifetime'],
        ] as const
      ).map(([label, key]) => {
        const o = r.histories.ours.timings[key];
        const b = r.histories.bare.timings[key];
        return [label, o.p50, o.p95, o.mean, b.p50, b.p95, b.mean];
      }),
    ),
    '## Where the time goes (CPU per phase)\n',
    table(
      [
        'phase',
        'units',
        'wall s',
        'cores busy (ours)',
        'other processes CPU s',
        'iowait s',
        'CPU ms/unit: dev server',
        'worker',
        'API + drivers',
        'PostgreSQL',
        'peak RSS MiB: worker',
        'API + drivers',
        'dev server',
        'SQLite growth MiB',
      ],
      r.usage.map((u) => [
        u.name,
        u.units,
        u.wallSeconds,
        u.coresBusy,
        u.otherCpuSeconds,
        u.iowaitSeconds,
        u.cpuMsPerUnit.server,
        u.cpuMsPerUnit.worker,
        u.cpuMsPerUnit.main,
        u.cpuMsPerUnit.postgres,
        u.peakRssMiB.worker,
        u.peakRssMiB.main,
        u.peakRssMiB.server,
        u.sqliteGrowthMiB,
      ]),
    ),
  ];
  if (r.variants.length) {
    const base = r.usage.find((u) => u.name === `ours c=${r.options.concurrency}`);
    parts.push(
      '## Worker option variants (bench only, same run)\n',
      table(
        [
          'worker options',
          'bundles/s',
          'vs default',
          'submit p50/p95',
          'decision p50/p95',
          'end-to-end p50/p95',
          'CPU ms/unit worker',
          'CPU ms/unit all',
          'peak worker RSS MiB',
          'other processes CPU s/s',
        ],
        [
          [
            'default (worker/create.ts)',
            r.ours.main.rate,
            '1.00',
            `${r.ours.main.submit.p50} / ${r.ours.main.submit.p95}`,
            `${r.ours.main.decision.p50} / ${r.ours.main.decision.p95}`,
            `${secs(r.ours.main.endToEnd).p50} / ${secs(r.ours.main.endToEnd).p95} s`,
            base?.cpuMsPerUnit.worker ?? '-',
            base ? totalCpu(base) : '-',
            base?.peakRssMiB.worker ?? '-',
            base ? r1(base.otherCpuSeconds / base.wallSeconds) : '-',
          ],
          ...r.variants.map((v) => [
            `\`${JSON.stringify(v.tuning)}\``,
            v.result.rate,
            (v.result.rate / r.ours.main.rate).toFixed(2),
            `${v.result.submit.p50} / ${v.result.submit.p95}`,
            `${v.result.decision.p50} / ${v.result.decision.p95}`,
            `${secs(v.result.endToEnd).p50} / ${secs(v.result.endToEnd).p95} s`,
            v.usage.cpuMsPerUnit.worker,
            totalCpu(v.usage),
            v.usage.peakRssMiB.worker,
            r1(v.usage.otherCpuSeconds / v.usage.wallSeconds),
          ]),
        ],
      ),
    );
  }
  if (r.open) {
    const o = r.open;
    const c = r.openCeiling;
    const growth = (label: string, points: Checkpoint[]) =>
      points.map((p) => [label, p.dispatched, `${p.at} s`, p.submitted, `${p.workerRssMiB} MiB`, `${p.serverRssMiB} MiB`, p.cached, p.forcedEvictions]);
    parts.push(
      `## 3. Scale of open work (${o.submitted} applications waiting on departments)\n`,
      table(
        ['figure', 'bare ceiling (start and wait)', 'ours (over HTTP)'],
        [
          [
            'started (concurrency)',
            c ? `${c.started} of ${c.k} (${c.concurrency})` : '—',
            `${o.submitted} of ${o.k} (${o.concurrency})${Object.keys(o.errors).length ? `, errors ${JSON.stringify(o.errors)}` : ''}`,
          ],
          ['start / submit p50 / p95 / p99', c ? pct(c.start) : '—', pct(o.submit)],
          ['time to submit all', '—', `${o.submitSeconds} s (${o.submitRate}/s${o.pace ? `, paced at ${o.pace}/s` : ''})`],
          [
            'until every first wave is running / in its inbox (read model), from the first start',
            c ? (c.settledSeconds === null ? 'not within the wait' : `${c.settledSeconds} s`) : '—',
            o.settledSeconds !== null
              ? `${o.settledSeconds} s`
              : `not within ${o.settleWaitSeconds} s after the last submit: ${o.settledApplications} of ${o.submitted} dispatched`,
          ],
          ['started and dispatched per second', c ? `${c.rate}` : '—', `${o.dispatchRate}`],
          ['CPU ms per unit (dev server + worker + API + PostgreSQL)', c ? `${totalCpu(c.usage)}` : '—', `${totalCpu(o.usage)}`],
          ['worker RSS peak', c ? `${c.usage.peakRssMiB.worker} MiB` : '—', `${o.usage.peakRssMiB.worker} MiB (${o.workerRssMiB} after)`],
          ['dev server RSS after', '—', `${o.serverRssMiB} MiB`],
          ['SQLite file (with WAL)', '—', `${o.sqliteMiB} MiB`],
        ],
      ),
      'Growth on the way (sampled when a quarter, half and all of them were dispatched):\n',
      table(
        ['run', 'dispatched', 'at', 'submitted', 'worker RSS', 'dev server RSS', 'sticky cache held', 'forced evictions'],
        [...growth('bare', c?.checkpoints ?? []), ...growth('ours', o.checkpoints)],
      ),
      table(
        ['read-model query', 'as', 'p50', 'p95', 'p99', 'max', 'rows'],
        o.queries.map((q) => [q.name, q.as, `${q.latency.p50} ms`, `${q.latency.p95} ms`, `${q.latency.p99} ms`, `${q.latency.max} ms`, q.rows]),
      ),
    );
  }
  parts.push('## Notes\n', r.notes.map((n) => `- ${n}`).join('\n') + '\n');
  return parts.join('\n');
}

// --- the chart --------------------------------------------------------------------------------

interface Series {
  name: string;
  color: string;
  dashed?: boolean;
  points: [number, number][];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A round upper bound and tick step for an axis. */
function niceScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 0.25 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

function panel(x: number, y: number, w: number, h: number, title: string, xLabel: string, yLabel: string, series: Series[], xMax: number): string {
  const m = { l: 52, r: 12, t: 28, b: 40 };
  const pw = w - m.l - m.r;
  const ph = h - m.t - m.b;
  const yMax = niceScale(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[1]))) * 1.05);
  const xs = niceScale(xMax);
  const px = (v: number) => x + m.l + (v / xs.top) * pw;
  const py = (v: number) => y + m.t + ph - (v / yMax.top) * ph;
  const out: string[] = [];
  out.push(`<text x="${x + m.l}" y="${y + 16}" font-size="13" font-weight="bold">${esc(title)}</text>`);
  for (let v = 0; v <= yMax.top + 1e-9; v += yMax.step) {
    out.push(`<line x1="${px(0)}" x2="${px(xs.top)}" y1="${py(v)}" y2="${py(v)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${px(0) - 6}" y="${py(v) + 4}" font-size="10" text-anchor="end">${+v.toFixed(2)}</text>`);
  }
  for (let v = 0; v <= xs.top + 1e-9; v += xs.step) {
    out.push(`<line x1="${px(v)}" x2="${px(v)}" y1="${py(0)}" y2="${py(0) + 4}" stroke="#999"/>`);
    out.push(`<text x="${px(v)}" y="${py(0) + 15}" font-size="10" text-anchor="middle">${+v.toFixed(2)}</text>`);
  }
  out.push(`<line x1="${px(0)}" x2="${px(xs.top)}" y1="${py(0)}" y2="${py(0)}" stroke="#999"/>`);
  out.push(`<line x1="${px(0)}" x2="${px(0)}" y1="${py(0)}" y2="${py(yMax.top)}" stroke="#999"/>`);
  out.push(`<text x="${x + m.l + pw / 2}" y="${y + h - 6}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(
    `<text x="${x + 12}" y="${y + m.t + ph / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 ${x + 12} ${y + m.t + ph / 2})">${esc(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const pts = s.points.map(([a, b]) => `${px(a).toFixed(1)},${py(b).toFixed(1)}`).join(' ');
    if (s.points.length > 1)
      out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    for (const [a, b] of s.points)
      out.push(`<circle cx="${px(a).toFixed(1)}" cy="${py(b).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(`${s.name}: ${b} at ${a}`)}</title></circle>`);
    const ly = y + m.t + 4 + i * 14;
    out.push(
      `<line x1="${x + m.l + 8}" x2="${x + m.l + 26}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    out.push(`<text x="${x + m.l + 30}" y="${ly + 4}" font-size="10">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

export function chart(r: BenchResults): string {
  const loads = [...r.ours.sweep, r.ours.main].sort((a, b) => a.concurrency - b.concurrency);
  const xMax = Math.max(...loads.map((l) => l.concurrency), r.ceiling.concurrency);
  const line = (name: string, color: string, pick: (l: LoadResult) => number, dashed = false): Series => ({
    name,
    color,
    dashed,
    points: loads.map((l) => [l.concurrency, pick(l)]),
  });
  const W = 1140;
  const H = 330;
  const body = [
    panel(
      0,
      24,
      380,
      H - 24,
      'Request latency (ms)',
      'applications in flight (concurrency)',
      'ms',
      [
        line('submit → receipt p50', '#1f77b4', (l) => l.submit.p50),
        line('submit → receipt p95', '#1f77b4', (l) => l.submit.p95, true),
        line('decision → visible p50', '#d62728', (l) => l.visible.p50),
        line('decision → visible p95', '#d62728', (l) => l.visible.p95, true),
        line('handoff to next inbox p50', '#2ca02c', (l) => l.handoff.p50),
      ],
      xMax,
    ),
    panel(
      380,
      24,
      380,
      H - 24,
      'End-to-end per application (s)',
      'applications in flight (concurrency)',
      's',
      [
        line('end-to-end p50', '#9467bd', (l) => r1(l.endToEnd.p50 / 1000)),
        line('end-to-end p95', '#9467bd', (l) => r1(l.endToEnd.p95 / 1000), true),
        { name: `ceiling end-to-end p50 (c=${r.ceiling.concurrency})`, color: '#7f7f7f', points: [[r.ceiling.concurrency, r1(r.ceiling.endToEnd.p50 / 1000)]] },
      ],
      xMax,
    ),
    panel(
      760,
      24,
      380,
      H - 24,
      'Throughput (completed bundles/s)',
      'applications in flight (concurrency)',
      'per second',
      [
        line('ours', '#ff7f0e', (l) => l.rate),
        { name: `ceiling (bare Temporal) ${r.ceiling.rate}/s`, color: '#7f7f7f', points: [[r.ceiling.concurrency, r.ceiling.rate]] },
      ],
      xMax,
    ),
  ];
  const caption = `一件事一次办 bench ${r.startedAt.slice(0, 16)}Z · ${r.commit.sha.slice(0, 8)}${r.commit.dirty ? '+dirty' : ''} · ${r.machine.cores} cores · ratio ours/ceiling ${r.ratio}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="10" y="16" font-size="12" fill="#444">${esc(caption)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
