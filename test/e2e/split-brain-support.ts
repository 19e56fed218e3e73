/**
 * The split-brain suite's world: emulated clusters, each site reached by every site's workloads
 * with a token of its own (user `site:<name>`, as the sandbox does), so that a partition can cut
 * one pair of sites (`faults.unreachableFrom`) and the request logs say which site wrote what. The
 * sites given workloads run a watcher and a replicator as real processes, each pair with its own
 * Redis key prefix, as production runs them next to AMKO in every cluster.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigEntryOf, kubeconfigYaml, startEmulatedCluster, type EmulatedCluster, type RequestLogEntry } from '@amko-fed/kube-emulator';
import {
  AMKO_CLUSTER_NAME,
  AVI_SYSTEM,
  amkoPath,
  createAppProcess,
  createKubeRest,
  eventually,
  freePort,
  isolatedPrefix,
  REPO_ROOT,
  workloadRuntimeEnv,
  type AppProcess,
  type KubeRest,
} from '@amko-fed/testing';
import { pathOf, runAmkoFed, type CliRun, type Kind } from './support.ts';

export const AMKO_CLUSTER_PATH = amkoPath('v1alpha1', 'amkoclusters', AVI_SYSTEM, AMKO_CLUSTER_NAME);
export const FENCE_LEASE = 'amko-federation-fence';
export const FENCE_PATH = `/apis/coordination.k8s.io/v1/namespaces/${AVI_SYSTEM}/leases/${FENCE_LEASE}`;
export const LEADER_EPOCH = 'federation.amko-fed.io/leader-epoch';
export const FENCE_EPOCH = 'federation.amko-fed.io/epoch';
export const SOURCE_CLUSTER = 'federation.amko-fed.io/source-cluster';
export const MEMBER_VALIDATION = 'member cluster validation';

/** The emulator user a site's workloads (and its operator's CLI) authenticate as on every cluster. */
export const siteUser = (site: string): string => `site:${site}`;

export interface Site {
  readonly name: string;
  readonly keyPrefix: string;
  readonly watcher: AppProcess;
  readonly replicator: AppProcess;
  /** The site's gslb-config-secret: every cluster, reached with this site's tokens (also the CLI's kubeconfig). */
  readonly membersKubeconfigFile: string;
}

export interface SplitBrainOptions {
  /** Context names; every AMKOCluster lists all of them in spec.clusters. */
  readonly clusters: readonly string[];
  readonly leader: string;
  /** The sites that run a watcher and a replicator. */
  readonly sites: readonly string[];
  readonly redisUrl: string;
  readonly watcherEnv?: Readonly<Record<string, string>>;
  readonly replicatorEnv?: Readonly<Record<string, string>>;
}

export interface SplitBrainWorld {
  readonly workDir: string;
  cluster(name: string): EmulatedCluster;
  /** Admin REST access (never partitioned). */
  kube(name: string): KubeRest;
  site(name: string): Site;
  /** Sites `a` and `b` cannot reach each other's API server (both directions); both reach the rest. */
  partition(a: string, b: string): void;
  heal(): void;
  /** Runs the amko-fed binary as `site`'s operator: the site's kubeconfig, so a partition cuts it too. */
  amkoFed(site: string, args: readonly string[]): Promise<CliRun>;
  stop(): Promise<void>;
}

const token = (): string => `split-${randomBytes(16).toString('hex')}`;

export async function startSplitBrainWorld(options: SplitBrainOptions): Promise<SplitBrainWorld> {
  const workDir = await mkdtemp(join(tmpdir(), 'amko-fed-split-brain-'));
  await mkdir(join(workDir, 'logs'));
  const clusters = new Map<string, EmulatedCluster>();
  const rests = new Map<string, KubeRest>();
  const sites = new Map<string, Site>();
  const tokens = new Map<string, string>();
  const tokenOf = (cluster: string, site: string): string => tokens.get(`${cluster}\u0000${site}`) ?? '';

  async function stop(): Promise<void> {
    await Promise.all([...sites.values()].flatMap((s) => [s.watcher.stop(10_000), s.replicator.stop(10_000)]).map((p) => p.catch(() => undefined)));
    for (const rest of rests.values()) rest.close();
    await Promise.all([...clusters.values()].map((c) => c.close().catch(() => undefined)));
    await rm(workDir, { recursive: true, force: true });
  }

  try {
    for (const cluster of options.clusters) for (const site of options.clusters) tokens.set(`${cluster}\u0000${site}`, token());
    for (const name of options.clusters) {
      const cluster = await startEmulatedCluster({
        name,
        // every request of the whole scenario stays in the log (the no-write assertions read it)
        requestLogSize: 500_000,
        tokens: [token(), ...options.clusters.map((site) => ({ token: tokenOf(name, site), user: siteUser(site) }))],
      });
      clusters.set(name, cluster);
      rests.set(name, createKubeRest(cluster));
    }
    const cluster = (name: string): EmulatedCluster => {
      const found = clusters.get(name);
      if (found === undefined) throw new Error(`no cluster ${name}; clusters: ${options.clusters.join(', ')}`);
      return found;
    };
    const kube = (name: string): KubeRest => {
      const found = rests.get(name);
      if (found === undefined) throw new Error(`no cluster ${name}; clusters: ${options.clusters.join(', ')}`);
      return found;
    };
    for (const name of options.clusters) {
      await kube(name).create(amkoPath('v1alpha1', 'amkoclusters', AVI_SYSTEM), {
        apiVersion: 'amko.vmware.com/v1alpha1',
        kind: 'AMKOCluster',
        metadata: { name: AMKO_CLUSTER_NAME, namespace: AVI_SYSTEM },
        spec: { isLeader: name === options.leader, clusterContext: name, version: '1.13.1', clusters: [...options.clusters] },
      });
    }

    const entry = (clusterName: string, site: string) => {
      const c = cluster(clusterName);
      return { kubeconfigEntry: kubeconfigEntryOf({ name: c.name, url: c.url, token: tokenOf(c.name, site), caPem: c.caPem }) };
    };
    for (const name of options.sites) {
      const membersKubeconfigFile = join(workDir, `${name}-gslb-members`);
      const localKubeconfigFile = join(workDir, `${name}-local`);
      await writeFile(membersKubeconfigFile, kubeconfigYaml(options.clusters.map((c) => entry(c, name)), { currentContext: name }), { mode: 0o600 });
      await writeFile(localKubeconfigFile, kubeconfigYaml([entry(name, name)]), { mode: 0o600 });
      const keyPrefix = isolatedPrefix(`split-${name}`);
      const common = {
        ...workloadRuntimeEnv(REPO_ROOT),
        REDIS_URL: options.redisUrl, KEY_PREFIX: keyPrefix, GSLB_CONFIG_FILE: membersKubeconfigFile, HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'debug', LOG_FORMAT: 'json',
      };
      const app = (kind: 'watcher' | 'replicator', env: Record<string, string>): AppProcess =>
        createAppProcess({
          name: `${name}/${kind}`,
          entry: join(REPO_ROOT, 'apps', kind, 'src', 'main.ts'),
          env,
          logFile: join(workDir, 'logs', `${name}-${kind}.log`),
          url: `http://127.0.0.1:${env['HTTP_PORT'] ?? ''}`,
          cwd: REPO_ROOT,
          readyTimeoutMs: 120_000,
        });
      const watcher = app('watcher', {
        ...common,
        HTTP_PORT: String(await freePort()),
        LOCAL_KUBECONFIG: localKubeconfigFile,
        LOCAL_CONTEXT: name,
        POD_NAMESPACE: AVI_SYSTEM,
        POD_NAME: `${name}-watcher-0`,
        ...options.watcherEnv,
      });
      const replicator = app('replicator', { ...common, HTTP_PORT: String(await freePort()), ...options.replicatorEnv });
      sites.set(name, { name, keyPrefix, watcher, replicator, membersKubeconfigFile });
    }
    // The replicators first: a watcher's first resync then finds workers waiting.
    await Promise.all([...sites.values()].map((s) => s.replicator.start()));
    await Promise.all([...sites.values()].map((s) => s.watcher.start()));

    const partitions = new Set<string>();
    const applyPartitions = (): void => {
      for (const [name, c] of clusters) {
        const from = [...partitions].map((k) => JSON.parse(k) as [string, string]).flatMap(([x, y]) => (x === name ? [y] : y === name ? [x] : []));
        c.faults.set(from.length === 0 ? {} : { unreachableFrom: from.map(siteUser) });
      }
    };
    const site = (name: string): Site => {
      const found = sites.get(name);
      if (found === undefined) throw new Error(`no workloads at ${name}; sites: ${options.sites.join(', ')}`);
      return found;
    };

    return {
      workDir,
      cluster,
      kube,
      site,
      partition(a, b) {
        cluster(a);
        cluster(b);
        partitions.add(JSON.stringify([a, b].sort()));
        applyPartitions();
      },
      heal() {
        partitions.clear();
        applyPartitions();
      },
      amkoFed: (name, args) => runAmkoFed(args, { HOME: workDir, KUBECONFIG: site(name).membersKubeconfigFile }),
      stop,
    };
  } catch (err) {
    const logs = await Promise.all([...sites.values()].flatMap((s) => [s.watcher, s.replicator]).map(async (a) => `--- ${a.name} ---\n${(await a.logs().catch(() => '')).slice(-4000)}`));
    await stop();
    if (err instanceof Error) err.message += `\n${logs.join('\n')}`;
    throw err;
  }
}

/** A leadership as the fencing token or an annotation names it. */
export interface Term {
  readonly leader: string | undefined;
  readonly epoch: string | undefined;
}

const annotationsOf = (object: Record<string, unknown> | undefined): Record<string, string> =>
  ((object?.['metadata'] as { annotations?: Record<string, string> } | undefined)?.annotations ?? {});

/** The fencing token on a cluster (undefined when it has none). */
export async function tokenOn(world: SplitBrainWorld, cluster: string): Promise<Term | undefined> {
  const lease = await world.kube(cluster).get(FENCE_PATH);
  if (lease === undefined) return undefined;
  return { leader: (lease['spec'] as { holderIdentity?: string } | undefined)?.holderIdentity, epoch: annotationsOf(lease)[FENCE_EPOCH] };
}

/** The leader-epoch annotation of a cluster's AMKOCluster (undefined when it has none). */
export async function epochOf(world: SplitBrainWorld, cluster: string): Promise<string | undefined> {
  return annotationsOf(await world.kube(cluster).get(AMKO_CLUSTER_PATH))[LEADER_EPOCH];
}

/** A cluster's object of `kind`: its spec and the term its provenance names. */
export interface CopyView {
  readonly spec: Record<string, unknown> | undefined;
  readonly term: Term;
}

export async function copyOn(world: SplitBrainWorld, cluster: string, kind: Kind): Promise<CopyView | undefined> {
  const object = await world.kube(cluster).get(pathOf(kind));
  if (object === undefined) return undefined;
  const annotations = annotationsOf(object);
  return { spec: object['spec'] as Record<string, unknown> | undefined, term: { leader: annotations[SOURCE_CLUSTER], epoch: annotations[LEADER_EPOCH] } };
}

/** The AMKOCluster status conditions of a cluster. */
export async function conditionsOn(world: SplitBrainWorld, cluster: string): Promise<{ type?: string; status?: string; reason?: string }[]> {
  const status = (await world.kube(cluster).get(AMKO_CLUSTER_PATH))?.['status'] as { conditions?: { type?: string; status?: string; reason?: string }[] } | undefined;
  return status?.conditions ?? [];
}

/** The reason of a cluster's member validation condition. */
export async function memberValidationOf(world: SplitBrainWorld, cluster: string): Promise<string | undefined> {
  return (await conditionsOn(world, cluster)).find((c) => c.type === MEMBER_VALIDATION)?.reason;
}

const succeeded = (entry: RequestLogEntry): boolean => entry.status >= 200 && entry.status < 300;

/** When `site`'s stamp of the fencing token on `cluster` landed: its last successful write of the Lease (answered), monotonic ms. */
export function stampLanded(world: SplitBrainWorld, cluster: string, site: string): number | undefined {
  const stamps = world.cluster(cluster).requestLog.writes({ resource: 'leases', namespace: AVI_SYSTEM, name: FENCE_LEASE })
    .filter((e) => e.user === siteUser(site) && succeeded(e));
  // A create names its object in the body, not the path: the log has no name for it.
  const creates = world.cluster(cluster).requestLog.entries({ verb: 'create', resource: 'leases', namespace: AVI_SYSTEM })
    .filter((e) => e.user === siteUser(site) && succeeded(e));
  const last = [...stamps, ...creates].sort((a, b) => a.startedMs - b.startedMs).at(-1);
  return last === undefined ? undefined : last.startedMs + last.durationMs;
}

/** Every write request (create, update, patch, delete) `site` sent to `cluster` that arrived after `afterMs` (monotonic). */
export function writesFrom(world: SplitBrainWorld, cluster: string, site: string, afterMs: number): RequestLogEntry[] {
  return world.cluster(cluster).requestLog.writes().filter((e) => e.user === siteUser(site) && e.startedMs > afterMs);
}

/** Requests of any kind `site` sent to `cluster` after `afterMs` (proof that it was still talking to it). */
export function requestsFrom(world: SplitBrainWorld, cluster: string, site: string, afterMs: number): RequestLogEntry[] {
  return world.cluster(cluster).requestLog.entries().filter((e) => e.user === siteUser(site) && e.startedMs > afterMs);
}

/** One line per request, for failure messages. */
export const describeRequests = (entries: readonly RequestLogEntry[]): string[] =>
  entries.map((e) => `${e.user ?? '?'} ${e.verb ?? e.method} ${e.resource ?? ''} ${e.namespace ?? ''}/${e.name ?? ''} -> ${e.status}`);

/** The JSON log lines an app wrote at or after `sinceMs` (wall clock). */
export async function logLinesSince(app: AppProcess, sinceMs: number): Promise<string[]> {
  const text = await readFile(app.logFile, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => {
    try {
      const time = (JSON.parse(line) as { time?: number | string }).time;
      return (typeof time === 'number' ? time : Date.parse(time ?? '')) >= sinceMs;
    } catch {
      return false;
    }
  });
}

/** Full resyncs a watcher logged at or after `sinceMs` (wall clock). */
export async function resyncsSince(app: AppProcess, sinceMs: number): Promise<number> {
  const text = await readFile(app.logFile, 'utf8').catch(() => '');
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.includes('Resynced all followers')) continue;
    try {
      const record = JSON.parse(line) as { time?: number | string; msg?: string };
      const time = typeof record.time === 'number' ? record.time : Date.parse(record.time ?? '');
      if (record.msg === 'Resynced all followers' && time >= sinceMs) count += 1;
    } catch {
      // a line cut by a crash
    }
  }
  return count;
}

/**
 * Polls `sample` every `intervalMs` and keeps every value until `done()` holds; returns them. For
 * "X stays true while Y happens": the caller asserts over every sample.
 */
export async function sampleUntil<T>(sample: () => Promise<T>, done: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 250): Promise<T[]> {
  const samples: T[] = [];
  await eventually(async () => {
    samples.push(await sample());
    return done();
  }, (finished) => finished, timeoutMs, what, intervalMs);
  return samples;
}
