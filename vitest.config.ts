// The whole repository in one vitest run, for ad-hoc use: `npx vitest run <path>`,
// `npx vitest run --project unit`. `npm test` and CI run the per-project Nx targets instead.
import { defineConfig } from 'vitest/config';
import { integrationSuite, unitSuite } from './vitest.shared.ts';

export default defineConfig({
  test: {
    projects: [
      unitSuite(['{apps,libs}/**/*.spec.ts']),
      integrationSuite(['{apps,libs}/**/*.int.spec.ts', 'test/**/*.int.spec.ts'], 2),
    ],
  },
});
