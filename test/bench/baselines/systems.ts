/**
 * The four systems the baselines scenario compares, on one federation's emulated clusters and
 * Redis. amko-federation is the harness's watcher and replicator (they federate avi-system); each
 * baseline federates its own namespace, created on every cluster, so that all four can stay
 * started side by side and only ever see their own objects.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AVI_SYSTEM, isolatedPrefix, type Federation } from '@amko-fed/testing';
import type { EmulatedCluster } from '@amko-fed/kube-emulator';
import { cpuMs, redisPidOf } from '../support/stats.ts';
import { AMKO_STYLE_ENTRY, type AmkoStyleConfig } from './amko-style.ts';
import { startChild, type Running } from './child.ts';
import { FLOOR_ENTRY, type FloorConfig } from './floor.ts';
import type { ClusterAccess } from './kube-http.ts';
import { startKubectlLoop, type KubectlLoop } from './kubectl-loop.ts';

export const SYSTEMS = {
  amkoFederation: 'amko-federation',
  amkoStyle: 'AMKO-style sequential',
  kubectlLoop: 'kubectl loop',
  floor: 'floor',
} as const;

export type SystemName = (typeof SYSTEMS)[keyof typeof SYSTEMS];

export interface SystemUnderTest {
  readonly name: SystemName;
  readonly namespace: string;
}

export interface StartedSystems {
  readonly systems: readonly SystemUnderTest[];
  readonly kubectlLoop: KubectlLoop;
  /** Errors the child baselines wrote (last lines). */
  errors(): string;
  /**
   * CPU (ms, user + system) a system's own processes used so far: amko-federation the watcher,
   * the replicator and redis-server; the floor its two processes and redis-server; AMKO-style its
   * process; the kubectl loop every kubectl that has exited. Not the emulated clusters (shared).
   */
  cpuMs(system: SystemName): Promise<number>;
  /** The same by process (`watcher`, `replicator`, `redis-server`, `floor producer`…), so that a gap can be placed. */
  cpuMsByProcess(system: SystemName): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export const accessOf = (c: EmulatedCluster): ClusterAccess => ({ name: c.name, url: c.url, token: c.token, caPem: c.caPem });

/** Creates `namespace` on every cluster of the federation (each baseline federates its own). */
export async function createNamespaceEverywhere(federation: Federation, namespace: string): Promise<void> {
  for (const cluster of federation.clusters) {
    await federation.kube(cluster.name).create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  }
}

/** Writes a child baseline's config into the federation's work directory (owner-only: it holds tokens). */
export async function writeChildConfig(federation: Federation, name: string, config: unknown): Promise<string> {
  const path = join(federation.workDir, `${name}.json`);
  await writeFile(path, JSON.stringify(config), { mode: 0o600 });
  return path;
}

/** Creates the baselines' namespaces on every cluster and starts the three baselines (amko-federation runs already). */
export async function startSystems(federation: Federation): Promise<StartedSystems> {
  const systems: SystemUnderTest[] = [
    { name: SYSTEMS.amkoFederation, namespace: AVI_SYSTEM },
    { name: SYSTEMS.amkoStyle, namespace: 'bench-amko-style' },
    { name: SYSTEMS.floor, namespace: 'bench-floor' },
    { name: SYSTEMS.kubectlLoop, namespace: 'bench-kubectl' },
  ];
  for (const { namespace } of systems.slice(1)) await createNamespaceEverywhere(federation, namespace);
  const leader = accessOf(federation.leader);
  const followers = federation.followers.map(accessOf);
  const started: Running[] = [];
  const children: { readonly pid: number | undefined; stderr(): string }[] = [];
  try {
    const amkoStyle: AmkoStyleConfig = { leader, members: followers, namespace: 'bench-amko-style' };
    const floor = { leader, followers, namespace: 'bench-floor', redisUrl: federation.redisUrl, prefix: isolatedPrefix('floor') };
    for (const [name, entry, config] of [
      ['amko-style', AMKO_STYLE_ENTRY, amkoStyle],
      ['floor-workers', FLOOR_ENTRY, { ...floor, role: 'workers' } satisfies FloorConfig],
      ['floor-producer', FLOOR_ENTRY, { ...floor, role: 'producer' } satisfies FloorConfig],
    ] as const) {
      const child = await startChild(name, entry, await writeChildConfig(federation, name, config));
      started.push(child);
      children.push(child);
    }
    const kubectlLoop = await startKubectlLoop({
      kubeconfigFile: federation.membersKubeconfigFile,
      leader: federation.leader.name,
      followers: federation.followers.map((f) => f.name),
      namespace: 'bench-kubectl',
      workDir: federation.workDir,
    });
    started.push(kubectlLoop);
    const redisPid = await redisPidOf(federation.redisUrl);
    const [amkoStyleChild, floorWorkers, floorProducer] = children;
    const byProcess = async (pids: Record<string, number | undefined>): Promise<Record<string, number>> =>
      Object.fromEntries(await Promise.all(Object.entries(pids).map(async ([name, pid]) => [name, await cpuMs(pid)] as const)));
    const processesOf = (system: SystemName): Record<string, number | undefined> | undefined => {
      switch (system) {
        case SYSTEMS.amkoFederation:
          return { watcher: federation.app('watcher').pid, replicator: federation.app('replicator').pid, 'redis-server': redisPid };
        case SYSTEMS.amkoStyle:
          return { 'amko-style': amkoStyleChild?.pid };
        case SYSTEMS.floor:
          return { 'floor producer': floorProducer?.pid, 'floor workers': floorWorkers?.pid, 'redis-server': redisPid };
        case SYSTEMS.kubectlLoop:
          return undefined;
        default: {
          const _exhaustive: never = system;
          return _exhaustive;
        }
      }
    };
    const cpuMsByProcess = async (system: SystemName): Promise<Record<string, number>> => {
      const pids = processesOf(system);
      return pids === undefined ? { kubectl: await exitedChildrenCpuMs() } : byProcess(pids);
    };
    return {
      systems,
      kubectlLoop,
      errors: () => children.map((c) => c.stderr()).join('').slice(-2_000),
      cpuMsByProcess,
      cpuMs: async (system) => Object.values(await cpuMsByProcess(system)).reduce((a, b) => a + b, 0),
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
}

/** CPU (ms) of this process's children that have exited and been waited for (cutime + cstime). */
async function exitedChildrenCpuMs(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}
