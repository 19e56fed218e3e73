/**
 * The four systems the baselines scenario compares, on one federation's emulated clusters and
 * Redis. amko-federation is the harness's watcher and replicator (they federate avi-system); each
 * baseline federates its own namespace, created on every cluster, so that all four can stay
 * started side by side and only ever see their own objects.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AVI_SYSTEM, isolatedPrefix, type Federation } from '@amko-fed/testing';
import type { EmulatedCluster } from '@amko-fed/kube-emulator';
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
  stop(): Promise<void>;
}

const accessOf = (c: EmulatedCluster): ClusterAccess => ({ name: c.name, url: c.url, token: c.token, caPem: c.caPem });

/** Creates the baselines' namespaces on every cluster and starts the three baselines (amko-federation runs already). */
export async function startSystems(federation: Federation): Promise<StartedSystems> {
  const systems: SystemUnderTest[] = [
    { name: SYSTEMS.amkoFederation, namespace: AVI_SYSTEM },
    { name: SYSTEMS.amkoStyle, namespace: 'bench-amko-style' },
    { name: SYSTEMS.floor, namespace: 'bench-floor' },
    { name: SYSTEMS.kubectlLoop, namespace: 'bench-kubectl' },
  ];
  for (const cluster of federation.clusters) {
    for (const { namespace } of systems.slice(1)) {
      await federation.kube(cluster.name).create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    }
  }
  const leader = accessOf(federation.leader);
  const followers = federation.followers.map(accessOf);
  const started: Running[] = [];
  const children: { stderr(): string }[] = [];
  const configFile = async (name: string, config: unknown): Promise<string> => {
    const path = join(federation.workDir, `${name}.json`);
    await writeFile(path, JSON.stringify(config), { mode: 0o600 });
    return path;
  };
  try {
    const amkoStyle: AmkoStyleConfig = { leader, members: followers, namespace: 'bench-amko-style' };
    const floor = { leader, followers, namespace: 'bench-floor', redisUrl: federation.redisUrl, prefix: isolatedPrefix('floor') };
    for (const [name, entry, config] of [
      ['amko-style', AMKO_STYLE_ENTRY, amkoStyle],
      ['floor-workers', FLOOR_ENTRY, { ...floor, role: 'workers' } satisfies FloorConfig],
      ['floor-producer', FLOOR_ENTRY, { ...floor, role: 'producer' } satisfies FloorConfig],
    ] as const) {
      const child = await startChild(name, entry, await configFile(name, config));
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
    return {
      systems,
      kubectlLoop,
      errors: () => children.map((c) => c.stderr()).join('').slice(-2_000),
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
      },
    };
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
}
