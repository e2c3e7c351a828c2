import { defineConfig } from 'vitest/config';

// One project per tier (STYLE G11). Anything that loads a Temporal worker runs in forked processes.
export default defineConfig({
  test: {
    env: { TZ: 'UTC' },
    pool: 'forks',
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], env: { TZ: 'UTC' } } },
      {
        test: {
          name: 'workflows',
          include: ['test/workflows/**/*.test.ts'],
          globalSetup: ['test/setup/database.ts'],
          setupFiles: ['test/setup/quiet-runtime.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'replay',
          include: ['test/replay/**/*.test.ts'],
          setupFiles: ['test/setup/quiet-runtime.ts'],
          pool: 'forks',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/database.ts', 'test/setup/dev-server.ts'],
          setupFiles: ['test/setup/quiet-runtime.ts'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The console in Debian's Chromium (playwright-core); SKIP_BROWSER_TESTS=1 skips it.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/setup/database.ts', 'test/setup/dev-server.ts'],
          setupFiles: ['test/setup/quiet-runtime.ts'],
          pool: 'forks',
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
