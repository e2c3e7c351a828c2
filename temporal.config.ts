// Temporal configuration and binary discovery: the one place that knows where Temporal is.
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Thrown once with every bad variable named, so a misconfigured process fails fast and clearly. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export const TASK_QUEUE_DEFAULT = 'yijianshi';

/** Custom search attributes the workflows set (never personal data: they are not encrypted). */
export const SEARCH_ATTRIBUTES = {
  BundleCode: 'Keyword',
  ApplicationNumber: 'Keyword',
  ApplicationStatus: 'Keyword',
  Departments: 'KeywordList',
  Overdue: 'Bool',
} as const;

export interface TemporalConfig {
  /** Unset: `npm start` runs an embedded dev server and connects to it. */
  address?: string;
  namespace: string;
  taskQueue: string;
  tls?: { certPath: string; keyPath: string; caPath?: string; serverName?: string };
  apiKey?: string;
  /** Payload encryption keys `id:base64,…` (first = current); unset on the embedded run: a key file in DATA_DIR. */
  payloadKeys?: string;
  payloadKeyFile: string;
  devServer: { port: number; uiPort: number; dbFile: string };
  /** host:port of the worker's Prometheus exporter (the SDK Runtime's); undefined when WORKER_METRICS_ADDRESS=off. */
  workerMetricsAddress?: string;
  /** Workflows a worker keeps in memory between their tasks (the sticky cache's bound). */
  workerCachedWorkflows: number;
}

/**
 * The sticky cache's bound. The SDK's default follows the heap limit (about 2,300 here), so the
 * worker's memory grew with the open applications it had run; bounded, a workflow evicted to make
 * room is replayed from its history at its next task (counted: temporal_sticky_cache_total_forced_eviction).
 * With 1,000 cached and the heap bounded to 1 GiB the worker held ~725 MiB (docs/deploy.md).
 */
export const WORKER_CACHED_WORKFLOWS_DEFAULT = 1000;

export const WORKER_METRICS_ADDRESS_DEFAULT = '127.0.0.1:9464';

const projectRoot = path.dirname(fileURLToPath(import.meta.url));

function port(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) problems.push(`${name} must be a port number (1-65535), got "${raw}"`);
  return n;
}

export function loadTemporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const problems: string[] = [];
  const address = env.TEMPORAL_ADDRESS || undefined;
  if (address && !/^[\w.-]+:\d{1,5}$/.test(address)) problems.push(`TEMPORAL_ADDRESS must be host:port, got "${address}"`);
  const certPath = env.TEMPORAL_TLS_CERT || undefined;
  const keyPath = env.TEMPORAL_TLS_KEY || undefined;
  if (Boolean(certPath) !== Boolean(keyPath)) problems.push('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together');
  for (const [name, file] of [
    ['TEMPORAL_TLS_CERT', certPath],
    ['TEMPORAL_TLS_KEY', keyPath],
    ['TEMPORAL_TLS_CA', env.TEMPORAL_TLS_CA],
  ] as const) {
    if (file && !existsSync(file)) problems.push(`${name} points at a missing file: ${file}`);
  }
  const payloadKeys = env.PAYLOAD_KEYS || undefined;
  if (payloadKeys && !/^([\w.-]{1,64}:[A-Za-z0-9+/=]{43,44})(,[\w.-]{1,64}:[A-Za-z0-9+/=]{43,44})*$/.test(payloadKeys)) {
    problems.push('PAYLOAD_KEYS must be id:base64(32 bytes)[,id:base64…]');
  }
  if (address && !payloadKeys) problems.push('PAYLOAD_KEYS is required with TEMPORAL_ADDRESS: every process must encrypt with the same keys');
  const devPort = port(env, 'TEMPORAL_DEV_PORT', 7233, problems);
  const uiPort = port(env, 'TEMPORAL_UI_PORT', 8233, problems);
  const metrics = env.WORKER_METRICS_ADDRESS || WORKER_METRICS_ADDRESS_DEFAULT;
  if (metrics !== 'off' && !/^[\w.-]+:\d{1,5}$/.test(metrics)) problems.push(`WORKER_METRICS_ADDRESS must be host:port or off, got "${metrics}"`);
  const cached = env.WORKER_CACHED_WORKFLOWS ? Number(env.WORKER_CACHED_WORKFLOWS) : WORKER_CACHED_WORKFLOWS_DEFAULT;
  if (!Number.isInteger(cached) || cached < 2 || cached > 1_000_000)
    problems.push(`WORKER_CACHED_WORKFLOWS must be a whole number of workflows from 2 to 1000000, got "${env.WORKER_CACHED_WORKFLOWS}"`);
  if (problems.length) throw new ConfigError(problems);
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || TASK_QUEUE_DEFAULT,
    tls: certPath && keyPath ? { certPath, keyPath, caPath: env.TEMPORAL_TLS_CA || undefined, serverName: env.TEMPORAL_TLS_SERVER_NAME } : undefined,
    apiKey: env.TEMPORAL_API_KEY || undefined,
    payloadKeys,
    payloadKeyFile: path.resolve(env.DATA_DIR || '.data', 'payload-key'),
    devServer: { port: devPort, uiPort, dbFile: path.resolve(env.DATA_DIR || '.data', 'temporal.db') },
    workerMetricsAddress: metrics === 'off' ? undefined : metrics,
    workerCachedWorkflows: cached,
  };
}

/** The payload keys: configured, or (embedded run only) a key generated once and kept in DATA_DIR. */
export function payloadKeySpec(config: TemporalConfig): string {
  if (config.payloadKeys) return config.payloadKeys;
  if (!existsSync(config.payloadKeyFile)) {
    mkdirSync(path.dirname(config.payloadKeyFile), { recursive: true });
    writeFileSync(config.payloadKeyFile, `local-1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    chmodSync(config.payloadKeyFile, 0o600);
  }
  return readFileSync(config.payloadKeyFile, 'utf8').trim();
}

/** Connection options shared by the client and the worker (TLS or API key for a cluster or Cloud). */
export function connectionOptions(config: TemporalConfig, address: string) {
  return {
    address,
    apiKey: config.apiKey,
    tls: config.tls
      ? {
          serverNameOverride: config.tls.serverName,
          serverRootCACertificate: config.tls.caPath ? readFileSync(config.tls.caPath) : undefined,
          clientCertPair: { crt: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) },
        }
      : config.apiKey
        ? true
        : undefined,
  };
}

export type BinaryName = 'temporal' | 'temporal-test-server';
export type BinaryLocation = { type: 'existing-path'; path: string } | { type: 'cached-download' };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Where a Temporal binary comes from, in order: the project venv (scripts/install-temporal.sh),
 * the same name on PATH, then the SDK's own download (needs internet, so only when allowed).
 */
export function findTemporalBinary(name: BinaryName, options: { env?: NodeJS.ProcessEnv; root?: string; allowDownload?: boolean } = {}): BinaryLocation {
  const env = options.env ?? process.env;
  const venvPath = path.join(options.root ?? projectRoot, '.venv', 'bin', name);
  if (isExecutable(venvPath)) return { type: 'existing-path', path: venvPath };
  const fromPath = onPath(name, env);
  if (fromPath) return { type: 'existing-path', path: fromPath };
  if (options.allowDownload ?? env.TEMPORAL_ALLOW_DOWNLOAD === '1') return { type: 'cached-download' };
  throw new Error(
    `No '${name}' binary found. Tried, in order:\n` +
      `  1. the project venv: ${venvPath} (run: sh scripts/install-temporal.sh)\n` +
      `  2. '${name}' on PATH\n` +
      `  3. the SDK's own download (set TEMPORAL_ALLOW_DOWNLOAD=1 on a machine with internet)`,
  );
}
