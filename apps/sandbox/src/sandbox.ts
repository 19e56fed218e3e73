/**
 * The local sandbox: emulated clusters (by default cluster1 the leader, cluster2, cluster3; any
 * kubeconfig context names with `clusters`, the first the leader) with AMKO's CRDs and avi-system, an AMKOCluster in each, the gslb-config-secret, the sample gc-1 and
 * global-gdp on the leader, Redis, and a watcher + replicator per cluster as real processes,
 * federating for real.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kubeconfigYaml, startEmulatedCluster, type EmulatedCluster, type KubeconfigEntry } from '@amko-fed/kube-emulator';
import { amkoPath, createKubeRest, findOnPath, REPO_ROOT, startTestRedis, type KubeRest, type ReadyProgress, type TestRedis } from '@amko-fed/testing';
import { DEFAULT_SANDBOX_CLUSTERS, siteSlug } from './cluster-list.ts';
import { amkoClusterObject, globalDeploymentPolicyObject, gslbConfigObject, gslbConfigSecret } from './sample-objects.ts';
import { createSite, type Site } from './site.ts';


export class SandboxError extends Error {
  readonly code = 'SANDBOX_FAILED';
}

export interface SandboxOptions {
  /** Where the kubeconfig, env file and logs go (emptied first). */
  readonly workDir: string;
  /** Use this Redis instead of a private redis-server. */
  readonly redisUrl?: string | undefined;
  readonly logFormat: 'json' | 'pretty';
  /** @defaultValue "info" */
  readonly logLevel?: string;
  /** Extra environment for every workload. */
  readonly env?: Readonly<Record<string, string>>;
  /** @defaultValue REPO_ROOT */
  readonly repoRoot?: string;
  /** Kubeconfig context names, the leader first (any context name; see cluster-list.ts). @defaultValue cluster1, cluster2, cluster3 */
  readonly clusters?: readonly string[];
  /** How long each workload may take to become ready. @defaultValue DEFAULT_READY_TIMEOUT_MS (180 s) */
  readonly readyTimeoutMs?: number;
  /** Told every 10 s what a slow workload still waits for (the sandbox prints it). */
  readonly onSlowReady?: (progress: ReadyProgress) => void;
}

export interface Sandbox {
  readonly workDir: string;
  readonly kubeconfigFile: string;
  readonly envFile: string;
  readonly redisUrl: string;
  readonly redisSource: 'REDIS_URL' | 'private redis-server';
  /** The context names, the leader first. */
  readonly clusters: readonly string[];
  readonly sites: readonly Site[];
  readonly board: { readonly username: string; readonly password: string };
  site(name: string): Site;
  kube(name: string): KubeRest;
  /** A site failure: its watcher and replicator stop, its API server refuses connections (objects kept). */
  fail(name: string): Promise<void>;
  /** The site comes back: API server, then its workloads, with the state they had. */
  recover(name: string): Promise<void>;
  /** Sites `a` and `b` cannot reach each other's API servers; both still reach the others. */
  partition(a: string, b: string): void;
  /** Removes every partition. */
  heal(): void;
  /** What is up, down and partitioned. */
  state(): SandboxState;
  /** Stops every process, cluster and the private Redis. */
  stop(): Promise<void>;
}

export interface SiteState {
  readonly name: string;
  /** The Redis key prefix of this site's watcher and replicator (for amko-fed status --key-prefix). */
  readonly keyPrefix: string;
  readonly apiServer: 'up' | 'down';
  readonly watcher: 'running' | 'stopped';
  readonly replicator: 'running' | 'stopped';
  /** Sites this one cannot reach (and that cannot reach it). */
  readonly partitionedFrom: readonly string[];
}

export interface SandboxState {
  readonly kubeconfigFile: string;
  readonly redisUrl: string;
  readonly sites: readonly SiteState[];
}

/** The emulator user a site's workloads authenticate as on every cluster (partitions are per user). */
export const siteUser = (name: string): string => `site:${name}`;

/** A cluster's kubeconfig entry with another token: how site `s` reaches it. */
function withToken(entry: KubeconfigEntry, token: string): KubeconfigEntry {
  return { ...entry, user: { ...entry.user, user: { token } } };
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const { workDir } = options;
  const names = options.clusters ?? DEFAULT_SANDBOX_CLUSTERS;
  await rm(workDir, { recursive: true, force: true });
  await mkdir(join(workDir, 'logs'), { recursive: true });

  let redis: TestRedis | undefined;
  const clusters: EmulatedCluster[] = [];
  const rests = new Map<string, KubeRest>();
  const sites: Site[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(sites.map((s) => s.close().catch(() => undefined)));
    for (const rest of rests.values()) rest.close();
    await Promise.all(clusters.map((c) => c.close().catch(() => undefined)));
    await redis?.dispose().catch(() => undefined);
  };

  try {
    if (options.redisUrl === undefined) {
      if (!(await findOnPath('redis-server'))) {
        throw new SandboxError('the sandbox needs Redis: set REDIS_URL=redis://HOST:PORT, or install redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) so a private one can be started');
      }
      redis = await startTestRedis({ appendOnly: true });
    }
    const redisUrl = options.redisUrl ?? redis?.url ?? '';

    // Each site's workloads reach every cluster with a token of their own (user site:<name>), so a
    // partition can cut one pair of sites and leave the rest: faults.unreachableFrom is per user.
    const tokens = new Map<string, string>();
    const tokenOf = (cluster: string, site: string): string => tokens.get(`${cluster}\u0000${site}`) ?? '';
    for (const cluster of names) for (const site of names) tokens.set(`${cluster}\u0000${site}`, `sandbox-${randomBytes(16).toString('hex')}`);
    for (const name of names) {
      clusters.push(await startEmulatedCluster({
        name,
        tokens: [`emu-${randomBytes(16).toString('hex')}`, ...names.map((site) => ({ token: tokenOf(name, site), user: siteUser(site) }))],
      }));
    }
    for (const cluster of clusters) rests.set(cluster.name, createKubeRest(cluster));
    const kube = (name: string): KubeRest => {
      const rest = rests.get(name);
      if (!rest) throw new SandboxError(`no cluster ${name} in the sandbox; clusters: ${names.join(', ')}`);
      return rest;
    };

    const kubeconfigFile = join(workDir, 'kubeconfig');
    await writeFile(kubeconfigFile, kubeconfigYaml(clusters, { currentContext: names[0] ?? '' }), { mode: 0o600 });
    // What each site's gslb-config-secret holds: every cluster, reached with that site's tokens.
    const membersOf = (site: string): string => kubeconfigYaml(clusters.map((c) => ({ kubeconfigEntry: withToken(c.kubeconfigEntry, tokenOf(c.name, site)) })));

    const leader = names[0] ?? '';
    for (const cluster of clusters) {
      const rest = kube(cluster.name);
      await rest.create(amkoPath('v1alpha1', 'amkoclusters', 'avi-system'), amkoClusterObject(cluster.name, names, cluster.name === leader));
      await rest.create('/api/v1/namespaces/avi-system/secrets', gslbConfigSecret(membersOf(cluster.name)));
    }
    await kube(leader).create(amkoPath('v1alpha1', 'gslbconfigs', 'avi-system'), gslbConfigObject(names));
    await kube(leader).create(amkoPath('v1alpha2', 'globaldeploymentpolicies', 'avi-system'), globalDeploymentPolicyObject(names));

    const board = { username: 'admin', password: randomBytes(9).toString('base64url') };
    for (const [index, cluster] of clusters.entries()) {
      // File names and key prefixes from a slug: a context name can hold "/", ":" or braces.
      const slug = siteSlug(cluster.name, index);
      const localKubeconfigFile = join(workDir, `${slug}.kubeconfig`);
      await writeFile(localKubeconfigFile, kubeconfigYaml([{ kubeconfigEntry: withToken(cluster.kubeconfigEntry, tokenOf(cluster.name, cluster.name)) }]), { mode: 0o600 });
      const membersKubeconfigFile = join(workDir, `${slug}-gslb-members`);
      await writeFile(membersKubeconfigFile, membersOf(cluster.name), { mode: 0o600 });
      sites.push(await createSite({
        cluster, slug, repoRoot, workDir, redisUrl, membersKubeconfigFile, localKubeconfigFile, board,
        logFormat: options.logFormat, logLevel: options.logLevel ?? 'info', env: options.env ?? {},
        ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
        ...(options.onSlowReady === undefined ? {} : { onSlowReady: options.onSlowReady }),
      }));
    }
    await Promise.all(sites.map((s) => s.start()));

    const siteNamed = (name: string): Site => {
      const found = sites.find((s) => s.name === name);
      if (!found) throw new SandboxError(`no site ${name} in the sandbox; sites: ${names.join(', ')}`);
      return found;
    };
    const partitions = new Set<string>();
    const pairKey = (a: string, b: string): string => JSON.stringify([a, b].sort());
    const partnersOf = (name: string): string[] =>
      [...partitions].map((k) => JSON.parse(k) as [string, string]).flatMap(([x, y]) => (x === name ? [y] : y === name ? [x] : []));
    const applyPartitions = (): void => {
      for (const cluster of clusters) {
        const from = partnersOf(cluster.name).map(siteUser);
        cluster.faults.set(from.length === 0 ? {} : { unreachableFrom: from });
      }
    };

    const envFile = join(workDir, 'env');
    await writeFile(envFile, [
      `export KUBECONFIG=${kubeconfigFile}`,
      `export REDIS_URL=${redisUrl}`,
      `export KEY_PREFIX='${sites[0]?.keyPrefix ?? ''}'`,
      '',
    ].join('\n'), { mode: 0o600 });

    return {
      workDir,
      kubeconfigFile,
      envFile,
      redisUrl,
      redisSource: options.redisUrl === undefined ? 'private redis-server' : 'REDIS_URL',
      clusters: names,
      sites,
      board,
      site(name) {
        const found = sites.find((s) => s.name === name);
        if (!found) throw new SandboxError(`no site ${name} in the sandbox; sites: ${names.join(', ')}`);
        return found;
      },
      kube,
      stop,
      fail: (name) => siteNamed(name).stop(),
      recover: (name) => siteNamed(name).restore(),
      partition(a, b) {
        if (a === b) throw new SandboxError(`a partition needs two different sites, not ${a} twice`);
        siteNamed(a);
        siteNamed(b);
        partitions.add(pairKey(a, b));
        applyPartitions();
      },
      heal() {
        partitions.clear();
        applyPartitions();
      },
      state: () => ({
        kubeconfigFile,
        redisUrl,
        sites: sites.map((s) => ({
          name: s.name,
          keyPrefix: s.keyPrefix,
          apiServer: s.cluster.running ? 'up' : 'down',
          watcher: s.watcher.running ? 'running' : 'stopped',
          replicator: s.replicator.running ? 'running' : 'stopped',
          partitionedFrom: partnersOf(s.name),
        })),
      }),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
