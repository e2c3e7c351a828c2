import { mkdirSync, mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../api/config.js';
import { loadDbConfig } from '../../db/config.js';
import { ConfigError, findTemporalBinary, loadTemporalConfig } from '../../temporal.config.js';

describe('configuration', () => {
  it('defaults to the embedded single-machine run', () => {
    const t = loadTemporalConfig({});
    expect(t.address).toBeUndefined();
    expect(t.namespace).toBe('default');
    expect(t.devServer.dbFile).toBe(path.resolve('.data', 'temporal.db'));
    expect(t.workerCachedWorkflows).toBe(1000);
    expect(loadTemporalConfig({ WORKER_CACHED_WORKFLOWS: '250' }).workerCachedWorkflows).toBe(250);
    expect(loadDbConfig({}).url).toBeUndefined();
    expect(loadApiConfig({})).toMatchObject({ port: 3000, host: '127.0.0.1', jwtSecretIsDefault: true, rateLimitPerMinute: 600 });
    expect(loadApiConfig({ RATE_LIMIT_PER_MINUTE: '60' }).rateLimitPerMinute).toBe(60);
    expect(loadApiConfig({}).temporalCallTimeoutMs).toBe(5000);
    expect(loadApiConfig({ TEMPORAL_CALL_TIMEOUT_MS: '2500' }).temporalCallTimeoutMs).toBe(2500);
  });

  it('names every bad variable at once', () => {
    try {
      loadTemporalConfig({ TEMPORAL_ADDRESS: 'nope', TEMPORAL_TLS_CERT: '/missing.pem', TEMPORAL_DEV_PORT: '99999' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/TEMPORAL_ADDRESS/);
      expect(problems).toMatch(/TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY/);
      expect(problems).toMatch(/TEMPORAL_DEV_PORT/);
    }
    expect(() => loadApiConfig({ PORT: 'x', AUTH_JWT_SECRET: 'short' })).toThrow(/PORT[\s\S]*AUTH_JWT_SECRET/);
    for (const bad of ['0', '-5', '1.5', 'lots']) expect(() => loadApiConfig({ RATE_LIMIT_PER_MINUTE: bad })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    for (const bad of ['0', '999', '1500.5', '600001', '5s'])
      expect(() => loadApiConfig({ TEMPORAL_CALL_TIMEOUT_MS: bad })).toThrow(/TEMPORAL_CALL_TIMEOUT_MS/);
    expect(() => loadDbConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    for (const bad of ['0', '1', '2.5', 'many', '-3']) expect(() => loadTemporalConfig({ WORKER_CACHED_WORKFLOWS: bad })).toThrow(/WORKER_CACHED_WORKFLOWS/);
  });
});

describe('findTemporalBinary', () => {
  const emptyRoot = () => mkdtempSync(path.join(os.tmpdir(), 'yjs-root-'));

  it('prefers the project venv, then PATH', () => {
    const root = emptyRoot();
    const bin = path.join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'temporal'), '#!/bin/sh\n');
    chmodSync(path.join(bin, 'temporal'), 0o755);
    expect(findTemporalBinary('temporal', { root, env: { PATH: bin } })).toEqual({ type: 'existing-path', path: path.join(bin, 'temporal') });
    mkdirSync(path.join(root, '.venv', 'bin'), { recursive: true });
    writeFileSync(path.join(root, '.venv', 'bin', 'temporal'), '#!/bin/sh\n');
    chmodSync(path.join(root, '.venv', 'bin', 'temporal'), 0o755);
    expect(findTemporalBinary('temporal', { root, env: { PATH: bin } }).type).toBe('existing-path');
    expect(findTemporalBinary('temporal', { root, env: { PATH: bin } })).toMatchObject({ path: path.join(root, '.venv', 'bin', 'temporal') });
  });

  it('falls back to the SDK download only when allowed, and otherwise names all three places', () => {
    const root = emptyRoot();
    expect(findTemporalBinary('temporal', { root, env: { PATH: '' }, allowDownload: true })).toEqual({ type: 'cached-download' });
    expect(() => findTemporalBinary('temporal', { root, env: { PATH: '' } })).toThrow(/project venv[\s\S]*on PATH[\s\S]*SDK's own download/);
  });
});
