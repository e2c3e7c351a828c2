// Lint: type-aware async rules everywhere; workflow code fenced off Node, the DB, the API and
// activity implementations (workflows must stay deterministic and replayable).
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import globals from 'globals';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['node_modules/', '.venv/', '.data/', 'dist/', 'db/migrations/', 'bench/results/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Forgetting to await an activity, a child workflow or a DB call is a bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The console is plain browser JavaScript, unchecked by TypeScript: a name used and never
    // imported (or misspelt) fails at run time only, so the linter must see it.
    files: ['web/**/*.js'],
    languageOptions: { globals: globals.browser },
    rules: { 'no-undef': 'error' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'workflow code runs in a deterministic sandbox: no Node APIs' })),
          patterns: [
            { group: ['postgres', 'drizzle-orm', 'drizzle-orm/*', '@electric-sql/*'], message: 'workflows reach the DB only through activities' },
            { group: ['**/db/*', '**/api/*', '**/worker/*'], message: 'workflows must not import the DB, the API or the worker' },
            { group: ['**/activities/*'], allowTypeImports: true, message: 'import activity types only (import type)' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'no process in workflow code' }],
    },
  },
);
