/**
 * The production dependency set starts. deploy/Dockerfile's /app is built without a container
 * engine (dockerfile.ts: the files it copies, its `npm ci --omit=dev`, its RUN steps), and both
 * workloads start from it with the environment the rendered deploy/base manifests give their pods
 * (manifests.ts: Secret keys, downward API, mounted Secret files), against emulated clusters and
 * the run's Redis, until their readiness probes answer and an object reaches a follower: as the
 * image's USER, with LOG_FORMAT=pretty, and as OpenShift's restricted-v2 runs it (an arbitrary
 * UID in group 0). A module that only the dev install provides fails here (pino-pretty did).
 */
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppProcess, findOnPath, freePort, isolatedPrefix, REPO_ROOT, startFederation, type AppProcess, type Federation } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildAppFromDockerfile, type BuiltApp } from './dockerfile.ts';
import { containerRun, podSpecOf, render, type PodSpec } from './manifests.ts';
import { federates, podSources, serviceAccountKubeconfig } from './pod-fixture.ts';

/** An OpenShift-style UID (restricted-v2 assigns one from the namespace's range) in the root group. */
const OPENSHIFT_USER = { uid: 1000870000, gid: 0 } as const;

const kubectl = await findOnPath('kubectl');
let workDir = '';
let app: BuiltApp;
/**
 * The image's Node (`/usr/local/bin/node` in node:24-slim): a copy of the Node running the tests
 * beside /app, because the image's USER cannot reach the checkout's `.tools/node24` when the
 * checkout sits in a directory only root may enter (a `mktemp -d` clone, as CI runs), and would
 * then find the machine's older `node` on PATH instead.
 */
let nodeBinDir = '';
let pods: Record<'watcher' | 'replicator', PodSpec>;

beforeAll(async () => {
  if (!kubectl) throw new Error('kubectl is missing: scripts/ensure-tools.sh installs it');
  if (process.getuid?.() !== 0) throw new Error('building the image\'s /app (chown, RUN as its USER) and starting as other UIDs needs root, as an image build does');
  const manifests = render(kubectl, 'base');
  pods = { watcher: podSpecOf(manifests, 'amko-federation-watcher'), replicator: podSpecOf(manifests, 'amko-federation-replicator') };
  // outside the repository: from inside it, Node would find what /app lacks in the checkout's own
  // node_modules (module resolution walks up the parent directories), and hide the missing package
  workDir = await mkdtemp(join(tmpdir(), 'amko-fed-production-start-'));
  await chmod(workDir, 0o755); // other UIDs must reach /app inside it
  nodeBinDir = join(workDir, 'node-bin');
  await mkdir(nodeBinDir, { recursive: true });
  await copyFile(process.execPath, join(nodeBinDir, 'node'));
  await chmod(join(nodeBinDir, 'node'), 0o755);
  app = await buildAppFromDockerfile(REPO_ROOT, join(workDir, 'app'), join(REPO_ROOT, 'tmp', 'prod-deps'), { nodeBinDir });
}, 300_000);

afterAll(async () => {
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
});

interface Started {
  readonly federation: Federation;
  readonly watcher: AppProcess;
  readonly replicator: AppProcess;
  stop(): Promise<void>;
}

/** `Uid:` of /proc/<pid>/status: real, effective, saved, filesystem. */
async function uidsOf(pid: number | undefined): Promise<number[]> {
  const status = await readFile(`/proc/${pid ?? 0}/status`, 'utf8');
  return (/^Uid:\s+(.*)$/m.exec(status)?.[1] ?? '').split(/\s+/).map(Number);
}

/** Both workloads from the built /app, as their pods run them, plus `extra` environment. */
async function startPods(label: string, user: { uid: number; gid: number }, extra: Record<string, string> = {}): Promise<Started> {
  const federation = await startFederation({ redisUrl: inject('redisUrl'), prefix: isolatedPrefix('prod'), followers: 1, watcher: false, replicator: false });
  const dir = join(workDir, label);
  await mkdir(dir, { recursive: true });
  // what the kubelet mounts: the Secrets of deploy/base, and (the watcher's in-cluster identity) a kubeconfig for the leader
  const sources = podSources(federation);
  const localKubeconfig = await serviceAccountKubeconfig(federation, join(dir, 'serviceaccount'));
  const image = Object.fromEntries(Object.entries(app.image.env).map(([k, v]) => [k, app.appPath(v)]));
  const processes: AppProcess[] = [];
  const started = async (name: 'watcher' | 'replicator'): Promise<AppProcess> => {
    const run = await containerRun(pods[name], sources, join(dir, `mounts-${name}`));
    expect(run.readinessPath).toBe('/readyz'); // what createAppProcess polls
    const port = await freePort();
    const env = {
      PATH: `${nodeBinDir}:/usr/local/bin:/usr/bin:/bin`, HOME: '/',
      ...image,
      ...run.env,
      // the test's own: a loopback port of its choosing, its key prefix, the leader's API server
      HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), KEY_PREFIX: federation.prefix,
      ...(name === 'watcher' ? { LOCAL_KUBECONFIG: localKubeconfig, LOCAL_CONTEXT: federation.leader.name } : {}),
      ...extra,
    };
    const [entry = ''] = run.args;
    const child = createAppProcess({ name, entry: join(app.root, entry), env, logFile: join(dir, `${name}.log`), url: `http://127.0.0.1:${port}`, cwd: app.root, user, nodePath: join(nodeBinDir, 'node') });
    processes.push(child);
    await child.start();
    return child;
  };
  try {
    const replicator = await started('replicator');
    const watcher = await started('watcher');
    return {
      federation, watcher, replicator,
      async stop() {
        await Promise.all(processes.map((p) => p.stop(5_000)));
        await federation.stop();
      },
    };
  } catch (err) {
    await Promise.all(processes.map((p) => p.stop(5_000)));
    await federation.stop();
    throw err;
  }
}

const linesOf = async (p: AppProcess): Promise<string[]> => (await p.logs()).split('\n').filter((l) => l.trim() !== '');

describe('the production image\'s /app (npm ci --omit=dev, as deploy/Dockerfile builds it)', () => {
  describe('when both workloads run as the image\'s USER with the environment of deploy/base', () => {
    it('start, become ready, federate, and log JSON lines', async () => {
      const started = await startPods('image-user', app.image.user);
      try {
        expect(app.image.user.uid).toBeGreaterThan(0);
        expect(await uidsOf(started.watcher.pid)).toEqual(Array(4).fill(app.image.user.uid));
        await federates(started.federation);
        for (const p of [started.watcher, started.replicator]) {
          const lines = await linesOf(p);
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) expect(() => JSON.parse(line) as unknown, `${p.name}: ${line}`).not.toThrow();
        }
      } finally {
        await started.stop();
      }
    });

    it('find the compile cache the build filled for that user', async () => {
      const entries = await readdir(join(app.root, '.node-compile-cache'));
      expect(entries.some((e) => e.endsWith(`-${app.image.user.uid}`))).toBe(true);
    });
  });

  describe('when LOG_FORMAT=pretty', () => {
    it('start, become ready and log human-readable lines', async () => {
      const started = await startPods('pretty', app.image.user, { LOG_FORMAT: 'pretty' });
      try {
        await federates(started.federation);
        const watcher = await linesOf(started.watcher);
        const replicator = await linesOf(started.replicator);
        for (const lines of [watcher, replicator]) expect(lines.some((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \([^)]+\): /.test(l))).toBe(true);
        expect([...watcher, ...replicator].filter((l) => l.startsWith('{'))).toEqual([]);
      } finally {
        await started.stop();
      }
    });
  });

  describe('when OpenShift restricted-v2 runs them as an arbitrary UID in group 0', () => {
    it('start without the compile cache, become ready, federate, and log no error', async () => {
      const started = await startPods('openshift', OPENSHIFT_USER);
      try {
        expect(await uidsOf(started.replicator.pid)).toEqual(Array(4).fill(OPENSHIFT_USER.uid));
        await federates(started.federation);
        const entries = await readdir(join(app.root, '.node-compile-cache'));
        expect(entries.filter((e) => e.endsWith(`-${OPENSHIFT_USER.uid}`))).toEqual([]); // no cache for it, and no failure either
        for (const p of [started.watcher, started.replicator]) {
          const lines = await linesOf(p);
          expect(lines.filter((l) => !l.startsWith('{') || (JSON.parse(l) as { level: number }).level >= 50), p.name).toEqual([]);
        }
      } finally {
        await started.stop();
      }
    });
  });

  describe('when the install is repeated with the same package files', () => {
    it('takes it from the cache that the first install left', async () => {
      const again = await buildAppFromDockerfile(REPO_ROOT, join(workDir, 'app-again'), join(REPO_ROOT, 'tmp', 'prod-deps'), { nodeBinDir });
      expect(again.installed).toBe(false);
      expect(again.cacheDir).toBe(app.cacheDir);
      expect(await readFile(join(again.root, 'node_modules', 'pino-pretty', 'package.json'), 'utf8')).toContain('"name": "pino-pretty"');
    });
  });
});
