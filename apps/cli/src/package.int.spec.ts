/**
 * The packaged amko-fed runs without the repository: scripts/build-cli-package.ts builds the npm
 * package (bundled JavaScript, no dependencies), it is installed with npm into a temp directory
 * outside the repository, and the installed `amko-fed` answers --version, --help and status
 * (in sync against an emulated cluster and a real Redis; an unknown context; Redis down).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AMKO_CLUSTER_KIND, ConditionStatus, ConditionType } from '@amko-fed/domain';
import { createClusterClient, kubeConfigForContext } from '@amko-fed/kube';
import { kubeconfigYaml, startEmulatedClusters, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { createMemberRegistry, createRedisConnection } from '@amko-fed/queue';
import { freePort, isolatedPrefix, REPO_ROOT } from '@amko-fed/testing';

const exec = promisify(execFile);
let dir = '';
let bin = '';
let clusters: EmulatedCluster[] = [];
let kubeconfigFile = '';
const redisUrl = inject('redisUrl');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amko-fed-package-'));
  const { stdout } = await exec(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cli-package.ts')], { cwd: REPO_ROOT, timeout: 300_000 });
  const tgz = stdout.trim().split('\n').at(-1) ?? '';
  const prefix = join(dir, 'install');
  await exec('npm', ['install', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tgz], { cwd: dir, timeout: 300_000 });
  bin = join(prefix, 'node_modules', '.bin', 'amko-fed');
  clusters = await startEmulatedClusters(['site1']);
  kubeconfigFile = join(dir, 'kubeconfig');
  const text = kubeconfigYaml(clusters, { currentContext: 'site1' });
  await writeFile(kubeconfigFile, text);
  const client = createClusterClient({ context: 'site1', kubeConfig: kubeConfigForContext(text, 'site1') });
  await client.create(AMKO_CLUSTER_KIND, 'avi-system', {
    apiVersion: 'amko.vmware.com/v1alpha1', kind: 'AMKOCluster', metadata: { name: 'amkocluster-federation', namespace: 'avi-system' },
    spec: { isLeader: true, clusterContext: 'site1', version: '1.12.1', clusters: ['site1'] },
  });
  await client.patchStatus(AMKO_CLUSTER_KIND, 'avi-system', 'amkocluster-federation', {
    conditions: [
      { type: ConditionType.AMKOClusterValidation, status: ConditionStatus.ValidAMKOCluster },
      { type: ConditionType.MemberInitialisation, status: ConditionStatus.AllClientsFetched },
      { type: ConditionType.MemberValidation, status: ConditionStatus.ValidatedAllMembers },
    ],
  });
}, 600_000);

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.close()));
  await rm(dir, { recursive: true, force: true });
});

/** The installed binary, from the temp directory, with an environment that knows nothing of the repository. */
async function amkoFed(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(bin, args, { cwd: dir, env: { PATH: `${join(process.execPath, '..')}:/usr/bin:/bin`, HOME: dir, KUBECONFIG: kubeconfigFile }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the packaged amko-fed', () => {
  describe('when installed from its tarball outside the repository', () => {
    it('prints its version and help', async () => {
      expect(await amkoFed(['--version'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
      const help = await amkoFed(['--help']);
      expect(help.code).toBe(0);
      for (const command of ['status', 'replay', 'backup', 'restore', 'promote', 'demote']) expect(help.stdout).toContain(command);
    });

    it('reads a federation: in sync exits 0', async () => {
      const prefix = isolatedPrefix('pkg');
      const redis = createRedisConnection(redisUrl, { role: 'client' });
      try {
        await createMemberRegistry({ redis, prefix }).publishMembers({ leader: 'site1', members: [] });
      } finally {
        redis.disconnect();
      }
      const status = await amkoFed(['--context', 'site1', 'status', '--redis-url', redisUrl, '--key-prefix', prefix]);
      expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
      expect(status.stdout).toContain('All followers are in sync.');
    });

    it('exits 2 on an unknown context and 1 with one error line when Redis is down', async () => {
      const unknown = await amkoFed(['--context', 'nope', 'status', '--redis-url', redisUrl]);
      expect(unknown).toMatchObject({ code: 2, stderr: 'error: context "nope" does not exist in the kubeconfig; known contexts: site1\n' });
      const port = await freePort();
      const down = await amkoFed(['--context', 'site1', 'status', '--redis-url', `redis://127.0.0.1:${port}`]);
      expect(down).toEqual({ code: 1, stdout: '', stderr: `error: cannot connect to Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n` });
    });
  });
});
