/**
 * Start time of amko-fed as an operator feels it (issue #14): `--help` and `status` (one look at a
 * federation in a private Redis and an emulated cluster), each run as a new process, from the
 * repository (`node apps/cli/src/cli.ts`, type stripping) and as the packaged CLI installed from its
 * tarball (scripts/build-cli-package.ts). Median and max of 7 runs each; notes only, no target.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AMKO_CLUSTER_KIND } from '@amko-fed/domain';
import { createClusterClient, kubeConfigForContext } from '@amko-fed/kube';
import { kubeconfigYaml, startEmulatedCluster } from '@amko-fed/kube-emulator';
import { createMemberRegistry, createRedisConnection } from '@amko-fed/queue';
import { REPO_ROOT, startTestRedis } from '@amko-fed/testing';
import { percentile } from '../support/stats.ts';
import type { Scenario } from './scenario.ts';

const exec = promisify(execFile);
const RUNS = 7;

async function timed(file: string, args: readonly string[], env: Record<string, string>): Promise<{ median: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = performance.now();
    await exec(file, [...args], { env, timeout: 60_000 });
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: percentile(ms, 0.5), max: ms.at(-1) ?? Number.NaN };
}

export const cliStart: Scenario = {
  name: 'cli-start',
  describe: `amko-fed --help and status start times, from the repository and as the installed package (${RUNS} runs each)`,
  async run(context) {
    const dir = await mkdtemp(join(tmpdir(), 'amko-fed-bench-cli-'));
    const redis = await startTestRedis();
    const cluster = await startEmulatedCluster({ name: 'bench-cli' });
    try {
      const { stdout } = await exec(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cli-package.ts')], { cwd: REPO_ROOT, timeout: 300_000 });
      await exec('npm', ['install', '--prefix', join(dir, 'install'), '--offline', '--no-audit', '--no-fund', stdout.trim().split('\n').at(-1) ?? ''], { cwd: dir, timeout: 300_000 });
      context.progress('packaged CLI built and installed');
      const text = kubeconfigYaml([cluster], { currentContext: 'bench-cli' });
      await writeFile(join(dir, 'kubeconfig'), text);
      await createClusterClient({ context: 'bench-cli', kubeConfig: kubeConfigForContext(text, 'bench-cli') }).create(AMKO_CLUSTER_KIND, 'avi-system', {
        apiVersion: 'amko.vmware.com/v1alpha1', kind: 'AMKOCluster', metadata: { name: 'amkocluster-federation', namespace: 'avi-system' },
        spec: { isLeader: true, clusterContext: 'bench-cli', version: '1.12.1', clusters: ['bench-cli'] },
      });
      const connection = createRedisConnection(redis.url, { role: 'client' });
      await createMemberRegistry({ redis: connection, prefix: '{amko-fed}' }).publishMembers({ leader: 'bench-cli', members: [] });
      connection.disconnect();
      const env = { PATH: `${join(process.execPath, '..')}:/usr/bin:/bin`, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), REDIS_URL: redis.url };
      const fromRepo = [process.execPath, join(REPO_ROOT, 'apps', 'cli', 'src', 'cli.ts')] as const;
      const packaged = join(dir, 'install', 'node_modules', '.bin', 'amko-fed');
      const line = (label: string, t: { median: number; max: number }) => `${label.padEnd(44)} median ${t.median.toFixed(0).padStart(5)} ms   max ${t.max.toFixed(0).padStart(5)} ms`;
      const status = (args: readonly string[]) => [...args, '--context', 'bench-cli', 'status'];
      // status exits 3 here (no conditions yet): execFile rejects; time it through a shell that ignores the code
      const statusTimed = (file: string, args: readonly string[]) => timed('/bin/sh', ['-c', '"$0" "$@" >/dev/null 2>&1; exit 0', file, ...args], env);
      return {
        scenario: 'cli-start',
        figures: [],
        notes: [
          line('amko-fed --help   (repository, type stripping)', await timed(fromRepo[0], [fromRepo[1], '--help'], env)),
          line('amko-fed --help   (installed package)', await timed(packaged, ['--help'], env)),
          line('amko-fed status   (repository, type stripping)', await statusTimed(fromRepo[0], status([fromRepo[1]]))),
          line('amko-fed status   (installed package)', await statusTimed(packaged, status([]))),
        ],
      };
    } finally {
      await cluster.close();
      await redis.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
