// `npm start` as a separate process (scripts/start.ts), against the test run's Temporal and a fresh
// PostgreSQL database, on free ports: for tests of what only the real process wires (metrics, traces).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { inject } from 'vitest';
import { createTestDb, urlFor } from './db.js';
import { TEST_PAYLOAD_KEYS } from './system.js';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

export type StartedProcess = Awaited<ReturnType<typeof npmStart>>;

/** Starts it with these extra variables and waits until it says it is ready (at most two minutes). */
export async function npmStart(env: Record<string, string> = {}) {
  const db = await createTestDb();
  const port = await freePort();
  const child = spawn('npx', ['tsx', 'scripts/start.ts'], {
    detached: true, // its own process group: the stop reaches tsx's node process
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `npm-start-${randomBytes(4).toString('hex')}`,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      DATABASE_URL: urlFor(db.name),
      WORKER_METRICS_ADDRESS: 'off',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    await db.drop();
  };
  const deadline = Date.now() + 120_000;
  while (!/is ready/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not come up:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const api = `http://127.0.0.1:${port}`;
  return {
    api,
    output: () => output,
    stop,
    async http(method: string, path: string, headers: Record<string, string> = {}, body?: object) {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body && JSON.stringify(body),
      });
      return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
    },
  };
}
