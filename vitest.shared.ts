// The two test suites, defined once. The root vitest.config.ts runs them over the whole repository
// (`npx vitest run <path>`, `--project unit`); every Nx project's vitest.config.ts runs them over
// its own folder, which is what the inferred targets `test`, `test-unit` and `test-integration` do
// (docs/adr/0006-nx-inferred-targets.md).
import { join, relative } from 'node:path';
import type { TestProjectInlineConfiguration, ViteUserConfig } from 'vitest/config';

export const workspaceRoot = import.meta.dirname;

const exclude = ['**/node_modules/**', '**/dist/**', '.tools/**', 'tmp/**'];

/** `*.spec.ts` beside the code: no Redis, no servers. */
export function unitSuite(include: string[]): TestProjectInlineConfiguration {
  return { test: { name: 'unit', include, exclude: [...exclude, '**/*.int.spec.ts'] } };
}

/**
 * `*.int.spec.ts`: one Redis per vitest run from the global setup (`inject('redisUrl')`), at most
 * `maxWorkers` test files at a time because they share it and the machine's two cores.
 */
export function integrationSuite(include: string[], maxWorkers: number): TestProjectInlineConfiguration {
  return {
    test: {
      name: 'integration',
      include,
      exclude,
      globalSetup: [join(workspaceRoot, 'libs/testing/src/global-setup.ts')],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      pool: 'forks',
      maxWorkers,
    },
  };
}

/**
 * The config of one Nx project (`export default projectTestConfig(import.meta.dirname)`). Nx runs
 * two test tasks at once (nx.json `parallel`), so a project's integration files run one at a time
 * and the machine sees at most two, as in one repository-wide run; a project whose
 * `test-integration` target runs alone (`parallelism: false`) may take both. Run by an Nx task,
 * vitest also writes its JSON report to `tmp/test-results/<project root>/<target>.json`, which
 * scripts/test-summary.ts adds up for CI.
 */
export function projectTestConfig(projectDir: string, { integrationWorkers = 1 } = {}): ViteUserConfig {
  const target = process.env['NX_TASK_TARGET_TARGET'];
  const report = join(workspaceRoot, 'tmp/test-results', relative(workspaceRoot, projectDir), `${target}.json`);
  return {
    test: {
      // a project may have only one of the two suites; `--project` then selects an empty one
      passWithNoTests: true,
      reporters: target ? ['default', ['json', { outputFile: report }]] : ['default'],
      projects: [unitSuite(['**/*.spec.ts']), integrationSuite(['**/*.int.spec.ts'], integrationWorkers)],
    },
  };
}
