// API configuration (API.md): validated once, every bad variable named.
import { ConfigError } from '../temporal.config.js';
import { DEFAULT_POLICY } from '../workflows/shared/policy.js';
import { DEFAULT_MAX_TOKEN_AGE_S } from './auth.js';

export const DEV_JWT_SECRET = 'yijianshi-development-secret-change-me';

export interface ApiConfig {
  port: number;
  host: string;
  jwtSecret: string;
  /** True when no AUTH_JWT_SECRET was given: fine on a laptop, printed loudly at start. */
  jwtSecretIsDefault: boolean;
  /** Base URL of the Temporal Web UI, for links in responses (embedded dev server: http://localhost:8233). */
  temporalUiUrl?: string;
  /** Requests a user (JWT sub, else the client address) may make per minute before 429; /healthz is exempt. */
  rateLimitPerMinute: number;
  /**
   * The deadline of each call the API makes to Temporal, its connection's retries included: past it
   * the request answers 503 (api/temporal-connection.ts), rather than after the SDK's ~20 s of retries.
   */
  temporalCallTimeoutMs: number;
  /** The longest a token may live, exp − iat, in seconds (AUTH_MAX_TOKEN_AGE). */
  maxTokenAgeS: number;
  /** The worker's Prometheus exporter, whose series /metrics appends (WORKER_METRICS_URL; `npm start` sets it itself). */
  workerMetricsUrl?: string;
  /** The address the public reaches the API at (guides' links and QR codes), without a trailing slash. */
  publicBaseUrl?: string;
  /** Fastify's trustProxy: true, or the proxies' addresses/CIDRs; only then do X-Forwarded-* headers count. */
  trustProxy?: boolean | string[];
  /** 政策服务免申办: working days the subject of an event has to confirm a proposed application (PROPOSAL_DAYS). */
  proposalDays: number;
}

/** Where a printed or linked address points: the configured public address, the trusted proxy's forwarded one, or where the API listens. */
export function publicBase(config: ApiConfig, forwarded: { protocol: string; host: string }): string {
  if (config.publicBaseUrl) return config.publicBaseUrl;
  if (config.trustProxy) return `${forwarded.protocol}://${forwarded.host}`;
  return `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
}

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
export const DEFAULT_TEMPORAL_CALL_TIMEOUT_MS = 5000;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const problems: string[] = [];
  const port = env.PORT ? Number(env.PORT) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number, got "${env.PORT}"`);
  const secret = env.AUTH_JWT_SECRET;
  if (secret !== undefined && secret.length < 16) problems.push('AUTH_JWT_SECRET must be at least 16 characters');
  const rate = env.RATE_LIMIT_PER_MINUTE ? Number(env.RATE_LIMIT_PER_MINUTE) : DEFAULT_RATE_LIMIT_PER_MINUTE;
  if (!Number.isInteger(rate) || rate < 1) problems.push(`RATE_LIMIT_PER_MINUTE must be a positive integer, got "${env.RATE_LIMIT_PER_MINUTE}"`);
  const callTimeout = env.TEMPORAL_CALL_TIMEOUT_MS ? Number(env.TEMPORAL_CALL_TIMEOUT_MS) : DEFAULT_TEMPORAL_CALL_TIMEOUT_MS;
  // At least a second: a healthy call (a query replaying a workflow on a busy worker) must fit in it.
  if (!Number.isInteger(callTimeout) || callTimeout < 1000 || callTimeout > 600_000) {
    problems.push(`TEMPORAL_CALL_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 600000, got "${env.TEMPORAL_CALL_TIMEOUT_MS}"`);
  }
  const maxTokenAgeS = env.AUTH_MAX_TOKEN_AGE ? durationSeconds(env.AUTH_MAX_TOKEN_AGE) : DEFAULT_MAX_TOKEN_AGE_S;
  if (maxTokenAgeS === undefined || maxTokenAgeS < 60 || maxTokenAgeS > 30 * 86400) {
    problems.push(`AUTH_MAX_TOKEN_AGE must be a duration from 60s to 30d (e.g. 12h, 30m, 3600), got "${env.AUTH_MAX_TOKEN_AGE}"`);
  }
  if (env.WORKER_METRICS_URL && !/^https?:\/\/\S+$/.test(env.WORKER_METRICS_URL))
    problems.push(`WORKER_METRICS_URL must be an http(s) URL, got "${env.WORKER_METRICS_URL}"`);
  const publicBaseUrl = env.PUBLIC_BASE_URL?.replace(/\/+$/, '') || undefined;
  if (publicBaseUrl && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(publicBaseUrl))
    problems.push(`PUBLIC_BASE_URL must be an http(s) URL without query, got "${env.PUBLIC_BASE_URL}"`);
  const trust = env.TRUST_PROXY?.trim();
  const trustProxy = !trust || trust === 'false' ? undefined : trust === 'true' ? true : trust.split(',').map((a) => a.trim());
  if (Array.isArray(trustProxy) && !trustProxy.every((a) => /^[\d.:a-fA-F]+(\/\d{1,3})?$/.test(a)))
    problems.push(`TRUST_PROXY must be true or the proxies' addresses or CIDRs, comma-separated, got "${trust}"`);
  const proposalDays = env.PROPOSAL_DAYS ? Number(env.PROPOSAL_DAYS) : DEFAULT_POLICY.proposalDays!;
  if (!Number.isInteger(proposalDays) || proposalDays < 1 || proposalDays > 250) {
    problems.push(`PROPOSAL_DAYS must be a whole number of working days from 1 to 250, got "${env.PROPOSAL_DAYS}"`);
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    proposalDays,
    port,
    host: env.HOST || '127.0.0.1',
    jwtSecret: secret ?? DEV_JWT_SECRET,
    jwtSecretIsDefault: secret === undefined,
    temporalUiUrl: env.TEMPORAL_UI_URL || undefined,
    rateLimitPerMinute: rate,
    temporalCallTimeoutMs: callTimeout,
    maxTokenAgeS: maxTokenAgeS!,
    workerMetricsUrl: env.WORKER_METRICS_URL || undefined,
    publicBaseUrl,
    trustProxy,
  };
}

/** "90", "90s", "30m", "12h", "7d" in seconds; undefined for anything else. */
function durationSeconds(text: string): number | undefined {
  const m = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}
