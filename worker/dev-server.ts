// The embedded Temporal dev server: `temporal server start-dev` on a SQLite file, Web UI on,
// our search attributes registered. Used by `npm start` and the end-to-end test setup.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SEARCH_ATTRIBUTES, findTemporalBinary } from '../temporal.config.js';

export interface DevServerOptions {
  port: number;
  uiPort?: number;
  /** SQLite file; undefined keeps state in memory (throwaway test servers). */
  dbFile?: string;
  namespace?: string;
  /** Faster, crash-unsafe SQLite: for throwaway test servers only. */
  unsafeFastStorage?: boolean;
  codecEndpoint?: string;
  log?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const binary = findTemporalBinary('temporal');
  if (binary.type !== 'existing-path') {
    throw new Error('the embedded dev server needs a temporal binary: run sh scripts/install-temporal.sh');
  }
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  args.push('--namespace', options.namespace ?? 'default');
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL');
    if (options.unsafeFastStorage) args.push('--sqlite-pragma', 'synchronous=OFF');
  }
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);

  const child = spawn(binary.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 50) output.shift();
    options.log?.(text);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  // Wait for the frontend port; a new SQLite file on a slow machine can take several seconds.
  const deadline = Date.now() + 60_000;
  while (!(await portOpen(options.port))) {
    const early = await Promise.race([exited, sleep(200).then(() => 'running' as const)]);
    if (early !== 'running') throw new Error(`temporal dev server exited (${early}):\n${output.join('')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal dev server did not open port ${options.port} within 60 s:\n${output.join('')}`);
    }
  }
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : undefined,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) child.kill('SIGKILL');
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A free TCP port on loopback (for test servers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}
