import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', '.tools/**', '**/dist/**'];

export default defineConfig({
  test: {
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,libs}/**/*.spec.ts'],
          exclude: [...exclude, '**/*.int.spec.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{apps,libs}/**/*.int.spec.ts', 'test/**/*.int.spec.ts'],
          exclude,
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
    ],
  },
});
