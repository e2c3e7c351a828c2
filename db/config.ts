// Database configuration: an external PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR.
import path from 'node:path';
import { ConfigError } from '../temporal.config.js';

export interface DbConfig {
  /** Unset: the embedded database (PGlite) in `embeddedDir`. */
  url?: string;
  embeddedDir: string;
}

export function loadDbConfig(env: NodeJS.ProcessEnv = process.env): DbConfig {
  const problems: string[] = [];
  const url = env.DATABASE_URL || undefined;
  if (url && !/^postgres(ql)?:\/\//.test(url)) problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  if (problems.length) throw new ConfigError(problems);
  return { url, embeddedDir: path.resolve(env.DATA_DIR || '.data', 'pg') };
}
