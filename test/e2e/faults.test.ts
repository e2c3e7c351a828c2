// The fault suite's short form (scripts/faults.ts --short) as a CI gate: it runs its own dev server,
// worker process and API, SIGKILLs the worker and stops Temporal meanwhile. PostgreSQL is not
// stopped here: the other test files share it.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs the script; past `limitMs` it is stopped (SIGTERM: it kills its worker and dev server). */
function runFaults(args: string[], limitMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // detached: its own process group, so the stop reaches tsx's node process and not only npx.
    const child = spawn('npx', ['tsx', 'scripts/faults.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const limit = setTimeout(() => process.kill(-child.pid!, 'SIGTERM'), limitMs);
    child.once('exit', () => clearTimeout(limit));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('faults (short form)', () => {
  it('loses and duplicates nothing while the worker is killed and Temporal restarts', { timeout: 300_000 }, async () => {
    const { code, output } = await runFaults(['--short', '--db', 'yjs_faults_ci'], 280_000);
    expect(output, output).toMatch(/lost 0, duplicated 0/);
    expect(output).toMatch(/faults injected\s+3: kill-worker ×2, stop-temporal ×1/);
    expect(code, output).toBe(0);
  });
});
