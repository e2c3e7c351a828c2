// postgres.js 3.4.9 throws an uncatchable TypeError when PostgreSQL drops a connection in the middle
// of a transaction (db/driver-guard.ts). Reproduced for real: a process loses its backend to
// pg_terminate_backend (its own database only; the shared server keeps running).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, createTestDb, urlFor } from '../helpers/db.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let db: Awaited<ReturnType<typeof createTestDb>>;
beforeAll(async () => {
  db = await createTestDb();
});
afterAll(async () => db?.drop());

function run(guard: boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/backend-termination.ts'], {
      cwd: root,
      env: { ...process.env, GUARD: guard ? '1' : '0', DATABASE_URL: urlFor(db.name), ADMIN_URL: TEST_DATABASE_URL },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const NULL_SOCKET_WRITE =
  /TypeError: Cannot read properties of null \(reading 'write'\)\n\s+at Immediate\.nextWrite \(.*[/\\]postgres[/\\](cjs[/\\])?src[/\\]connection\.js:\d+:\d+\)/;

describe('a backend terminated during a transaction', () => {
  it('kills a process without the guard (if this fails after a postgres.js upgrade, the guard may be obsolete)', async () => {
    const { code, stderr } = await run(false);
    expect(stderr).toMatch(NULL_SOCKET_WRITE);
    expect(code).toBe(1);
  });

  it('is a warning in a process with the guard, which goes on serving queries from a fresh pool', { timeout: 60_000 }, async () => {
    const { code, stdout, stderr } = await run(true);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/warning: postgres\.js wrote to a connection PostgreSQL had already closed/);
    // Which of the defect's two shapes comes depends on timing (under load, the rejection).
    expect(stderr).toMatch(new RegExp(`${NULL_SOCKET_WRITE.source}|write CONNECTION_CLOSED`));
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { transaction: string; queries: { ms: number; outcome: string }[] };
    expect(result.transaction).toBe('CONNECTION_CLOSED');
    // The query sent in the same tick as the failure may still meet the broken connection: it gets
    // an answer when the old pool ends (5 s), not after reconnects that time out for minutes.
    const [first, ...later] = result.queries;
    expect(first!.outcome).toMatch(/^(ok|error CONNECTION_DESTROYED)$/);
    expect(first!.ms).toBeLessThan(8000);
    for (const q of later) {
      expect(q.outcome).toBe('ok');
      expect(q.ms).toBeLessThan(2000);
    }
  });
});
