// Small measuring helpers: percentiles, /proc readings (RSS, CPU) and a progress bar.
import { readFileSync } from 'node:fs';

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of a list of milliseconds (or any numbers), rounded to 0.1. */
export function summarize(values: number[]): Summary {
  if (values.length === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(sorted[sorted.length - 1]!),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const now = () => performance.now();

/** Resident set size of a process in bytes (Linux /proc), undefined when it is gone. */
export function rssOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, undefined when it is gone. */
export function cpuOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime (fields 14, 15)
  } catch {
    return undefined;
  }
}

/** Machine-wide busy and iowait CPU seconds so far (all cores, /proc/stat). */
export function machineCpu(): { busy: number; iowait: number } {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, _idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
    return { busy: (user! + nice! + system! + irq! + softirq! + steal!) / TICKS, iowait: iowait! / TICKS };
  } catch {
    return { busy: 0, iowait: 0 };
  }
}

export const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export const mb = (bytes: number | undefined) => (bytes === undefined ? 0 : Math.round(bytes / 1024 / 1024));

/** A one-line progress bar on stderr (redrawn on a terminal, every 10 % otherwise). */
export class Progress {
  private done = 0;
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly started = Date.now();
  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {
    this.draw(true);
  }

  tick(n = 1): void {
    this.done += n;
    this.draw(this.done >= this.total);
  }

  private draw(force: boolean): void {
    const tty = process.stderr.isTTY;
    const decile = Math.floor((this.done / Math.max(1, this.total)) * 10);
    if (!force && (tty ? Date.now() - this.lastDraw < 200 : decile === this.lastDecile)) return;
    this.lastDraw = Date.now();
    this.lastDecile = decile;
    const width = 30;
    const filled = Math.round((this.done / Math.max(1, this.total)) * width);
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0 ? (this.done / secs).toFixed(1) : '-';
    const line = `  ${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} ${rate}/s ${secs.toFixed(0)}s`;
    if (tty) process.stderr.write(`\r${line}${this.done >= this.total ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  }
}
