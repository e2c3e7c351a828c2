// .env.example (issue #19) lists every variable the processes read, and nothing they do not.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');
/** What the processes and the tests read; the benchmarks' own knobs (bench/) are documented with them. */
const sources = [
  'temporal.config.ts',
  ...['api', 'db', 'worker', 'scripts', 'activities'].flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(dir, f)),
  ),
  'test/helpers/db.ts',
];

/** Names read as env.NAME, env['NAME'] or through the port() helper. */
function variablesRead(): Set<string> {
  const names = new Set<string>();
  for (const file of sources) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]|port\(env, '([A-Z][A-Z0-9_]+)'/g))
      names.add(m[1] ?? m[2] ?? m[3]!);
  }
  names.delete('PATH'); // the shell's
  names.delete('YJS_TEST_TEMPLATE_DB'); // set by the test setup for its own processes, not by anyone
  return names;
}

describe('.env.example', () => {
  const listed = new Set([...readFileSync(path.join(root, '.env.example'), 'utf8').matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));

  it('lists every variable the code reads', () => {
    expect([...variablesRead()].filter((name) => !listed.has(name)).sort()).toEqual([]);
  });

  it('lists none the code does not read (the OTEL_* ones are read by the OpenTelemetry SDK)', () => {
    const read = variablesRead();
    expect([...listed].filter((name) => !read.has(name) && !name.startsWith('OTEL_')).sort()).toEqual([]);
  });
});
