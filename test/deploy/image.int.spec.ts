/**
 * The image itself: scripts/build-image.sh builds deploy/Dockerfile with buildah (no Docker daemon),
 * and podman runs both workloads from it as OpenShift's restricted-v2 would (an arbitrary UID in
 * group 0, read-only root filesystem, no capabilities, no privilege escalation), with the
 * environment and Secret mounts of the rendered deploy/base, host network to reach the emulated
 * clusters and the run's Redis on loopback, until their readiness probes answer and an object
 * reaches a follower. Runtime: podman with runc (crun refuses this machine's hybrid cgroups) and
 * rlimits this process may set (no CAP_SYS_RESOURCE here). See deploy/README.md.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, freePort, isolatedPrefix, REPO_ROOT, startFederation, type Federation } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { containerRun, podSpecOf, render, type PodSpec } from './manifests.ts';
import { federates, podSources, serviceAccountKubeconfig } from './pod-fixture.ts';

const IMAGE = 'localhost/amko-federation:test';
const OPENSHIFT_USER = '1000870000:0';
const PODMAN = ['--storage-driver', 'overlay', '--runtime', 'runc']; // the storage scripts/build-image.sh builds into

function run(command: string, args: readonly string[], timeout = 60_000): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout, cwd: REPO_ROOT });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout.trim();
}

let workDir = '';
let pods: Record<'watcher' | 'replicator', PodSpec>;
const containers: string[] = [];

beforeAll(async () => {
  const kubectl = await findOnPath('kubectl');
  for (const tool of ['kubectl', 'buildah', 'podman', 'runc']) {
    if (!(await findOnPath(tool))) throw new Error(`${tool} is missing: scripts/ensure-tools.sh installs it`);
  }
  pods = { watcher: podSpecOf(render(kubectl ?? '', 'base'), 'amko-federation-watcher'), replicator: podSpecOf(render(kubectl ?? '', 'base'), 'amko-federation-replicator') };
  run('bash', ['scripts/build-image.sh', IMAGE], 600_000);
  workDir = await mkdtemp(join(tmpdir(), 'amko-fed-image-'));
  await chmod(workDir, 0o755);
}, 660_000);

afterAll(async () => {
  for (const name of containers) spawnSync('podman', [...PODMAN, 'rm', '-f', '-t', '2', name], { encoding: 'utf8' });
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

async function ready(url: string, name: string): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const state = spawnSync('podman', [...PODMAN, 'inspect', '--format', '{{.State.Running}}', name], { encoding: 'utf8' }).stdout.trim();
    if (state !== 'true') break;
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1_000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} was not ready at ${url}:\n${spawnSync('podman', [...PODMAN, 'logs', '--tail', '30', name], { encoding: 'utf8' }).stdout}`);
}

/** Starts one workload's container as its pod would run under restricted-v2; returns its name. */
async function startContainer(federation: Federation, app: 'watcher' | 'replicator', localKubeconfig: string): Promise<string> {
  const pod = pods[app];
  const spec = await containerRun(pod, podSources(federation), join(workDir, `mounts-${app}`));
  const port = await freePort();
  const env: Record<string, string> = {
    ...spec.podEnv,
    HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), KEY_PREFIX: federation.prefix,
    ...(app === 'watcher' ? { LOCAL_KUBECONFIG: '/var/run/secrets/amko-fed-test/kubeconfig', LOCAL_CONTEXT: federation.leader.name } : {}),
  };
  const name = `amko-fed-test-${app}-${process.pid}`;
  containers.push(name);
  run('podman', [
    ...PODMAN, 'run', '-d', '--replace', '--name', name, '--network', 'host',
    '--user', OPENSHIFT_USER, '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    '--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=1024:1024',
    ...spec.mounts.flatMap((m) => ['-v', `${m.source}:${m.target}:ro`]),
    ...(app === 'watcher' ? ['-v', `${localKubeconfig}:/var/run/secrets/amko-fed-test/kubeconfig:ro`] : []),
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    IMAGE, ...spec.args,
  ]);
  await ready(`http://127.0.0.1:${port}${spec.readinessPath}`, name);
  return name;
}

async function uidsOf(name: string): Promise<string> {
  const pid = run('podman', [...PODMAN, 'inspect', '--format', '{{.State.Pid}}', name]);
  return /^Uid:\s+(.*)$/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]?.split(/\s+/).join(' ') ?? '';
}

describe('the image of deploy/Dockerfile (buildah, podman)', () => {
  describe('when it is built', () => {
    it('runs as the numeric non-root user 1000 by default', () => {
      expect(run('podman', [...PODMAN, 'image', 'inspect', '--format', '{{.Config.User}}', IMAGE])).toBe('1000');
    });
  });

  describe('when both workloads run from it as an arbitrary UID in group 0 on a read-only root filesystem', () => {
    it('become ready and federate', { timeout: 180_000 }, async () => {
      const federation = await startFederation({ redisUrl: inject('redisUrl'), prefix: isolatedPrefix('image'), followers: 1, watcher: false, replicator: false });
      try {
        const localKubeconfig = await serviceAccountKubeconfig(federation, join(workDir, 'serviceaccount'));
        const replicator = await startContainer(federation, 'replicator', localKubeconfig);
        const watcher = await startContainer(federation, 'watcher', localKubeconfig);
        expect(await uidsOf(watcher)).toBe('1000870000 1000870000 1000870000 1000870000');
        expect(await uidsOf(replicator)).toBe('1000870000 1000870000 1000870000 1000870000');
        await federates(federation);
        for (const name of [watcher, replicator]) {
          const logs = spawnSync('podman', [...PODMAN, 'logs', name], { encoding: 'utf8' });
          const lines = `${logs.stdout}${logs.stderr}`.split('\n').filter((l) => l.trim() !== '');
          expect(lines.length).toBeGreaterThan(0);
          expect(lines.filter((l) => !l.startsWith('{') || (JSON.parse(l) as { level: number }).level >= 50), name).toEqual([]);
        }
      } finally {
        for (const name of containers) spawnSync('podman', [...PODMAN, 'stop', '-t', '5', name], { encoding: 'utf8' });
        await federation.stop();
      }
    });
  });
});
