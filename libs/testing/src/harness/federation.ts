/**
 * A whole federation on one machine, for end-to-end tests and the sandbox: N emulated clusters (a
 * leader and followers) each with its AMKOCluster in avi-system, the members kubeconfig as the
 * gslb-config-secret file, Redis, and the watcher and replicator as real child processes with their
 * logs in files. `stop()` ends every process, cluster and private Redis it started, leaving no
 * process or port behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeconfigEntryOf, kubeconfigYaml, startEmulatedCluster, type EmulatedCluster, type PolicyRule, type TokenSpec } from '@amko-fed/kube-emulator';
import { freePort, isolatedPrefix, startTestRedis, type TestRedis } from '../redis.ts';
import { createAppProcess, type AppProcess } from './app-process.ts';
import { amkoPath, createKubeRest, type KubeRest } from './kube-rest.ts';

/** The repository root (this file is libs/testing/src/harness/federation.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export const AMKO_CLUSTER_NAME = 'amkocluster-federation';
export const AVI_SYSTEM = 'avi-system';

export type AppName = 'watcher' | 'replicator';

export interface AppSettings {
  /** Extra or overriding environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Start it with the federation. @defaultValue true */
  readonly start?: boolean;
}

/**
 * A restricted identity in an emulated cluster: its own bearer token that may do only what `rules`
 * allow (everything else gets 403, like RBAC). The harness's own admin access is not affected.
 */
export interface AccessSpec {
  /** User name in the request log and in 403 messages. */
  readonly user?: string;
  readonly rules: readonly PolicyRule[];
}

/** Another replica of an app (e.g. a second watcher sharing the Lease); see `Federation.addReplica`. */
export interface ReplicaSettings {
  /** Distinguishes the replica: its name is `<app>-<id>`, its log `logs/<app>-<id>.log`, a watcher's POD_NAME `watcher-<id>`. */
  readonly id: string;
  /** Extra or overriding environment variables (on top of the app's own environment). */
  readonly env?: Readonly<Record<string, string>>;
  /** Start it (and wait until ready). @defaultValue true */
  readonly start?: boolean;
}

export interface FederationOptions {
  /** The leader's context name. @defaultValue "leader" */
  readonly leader?: string;
  /** Follower context names, or how many (named follower1…). @defaultValue 2 */
  readonly followers?: number | readonly string[];
  /** `spec.version` of every AMKOCluster. @defaultValue "1.13.1" */
  readonly amkoVersion?: string;
  /** Use this Redis (e.g. the test run's) instead of starting a private redis-server. */
  readonly redisUrl?: string;
  /** The private Redis runs with `appendonly yes` (restartable without losing data). @defaultValue false */
  readonly appendOnly?: boolean;
  /** Redis key prefix (with a hash tag). @defaultValue isolatedPrefix('fed') */
  readonly prefix?: string;
  /** Where kubeconfigs and logs go. @defaultValue a new temporary directory (removed by stop unless keepWorkDir) */
  readonly workDir?: string;
  /** Keep the work directory (logs) after stop. @defaultValue true when AMKO_TEST_KEEP_WORKDIR=1, else false */
  readonly keepWorkDir?: boolean;
  /** LOG_LEVEL of both processes. @defaultValue "debug" */
  readonly logLevel?: string;
  /** Watcher settings, or false for no watcher process. */
  readonly watcher?: AppSettings | false;
  /** Replicator settings, or false for no replicator process. */
  readonly replicator?: AppSettings | false;
  /** @defaultValue REPO_ROOT */
  readonly repoRoot?: string;
  /**
   * The identity of the watcher's LOCAL_KUBECONFIG in the leader (in production its ServiceAccount).
   * @defaultValue the leader's admin token
   */
  readonly localAccess?: AccessSpec;
  /**
   * The identity the members kubeconfig (gslb-config-secret) uses in each cluster, leader included:
   * one spec for every cluster, or one per cluster name (undefined: that cluster's admin token).
   * @defaultValue every cluster's admin token
   */
  readonly memberAccess?: AccessSpec | ((cluster: string) => AccessSpec | undefined);
}

export interface Federation extends AsyncDisposable {
  readonly leader: EmulatedCluster;
  readonly followers: readonly EmulatedCluster[];
  /** Leader first. */
  readonly clusters: readonly EmulatedCluster[];
  readonly redisUrl: string;
  /** The private Redis (undefined when `redisUrl` was given). */
  readonly redis: TestRedis | undefined;
  readonly prefix: string;
  readonly workDir: string;
  /** The members kubeconfig (gslb-config-secret key gslb-members) and its file (GSLB_CONFIG_FILE). */
  readonly membersKubeconfig: string;
  readonly membersKubeconfigFile: string;
  /** A kubeconfig for the leader only (the watcher's LOCAL_KUBECONFIG). */
  readonly localKubeconfigFile: string;
  /** The request-log user of the watcher's local kubeconfig in the leader ("admin" without `localAccess`). */
  readonly localUser: string;
  /** The request-log user of the members kubeconfig in each cluster ("admin" where it has no `memberAccess`). */
  memberUser(cluster: string): string;
  /** Every credential in the kubeconfigs (to check that no log line contains one). */
  readonly secrets: readonly string[];
  /** Admin REST access to a cluster by name. */
  kube(cluster: string): KubeRest;
  cluster(name: string): EmulatedCluster;
  /** The app processes (created even when not started). */
  readonly watcher: AppProcess | undefined;
  readonly replicator: AppProcess | undefined;
  app(name: AppName): AppProcess;
  /** The environment an app gets (useful to start more replicas by hand). */
  envOf(name: AppName): Record<string, string>;
  /**
   * Another replica of `name` with the app's environment, its own HTTP_PORT (and, for a watcher,
   * its own POD_NAME, so that it competes for the same Lease). `stop()` stops it too.
   */
  addReplica(name: AppName, settings: ReplicaSettings): Promise<AppProcess>;
  /** Patches a cluster's AMKOCluster spec (e.g. `{ isLeader: true }`). */
  patchAMKOCluster(cluster: string, spec: Record<string, unknown>): Promise<void>;
  /** The AMKOCluster status conditions of a cluster. */
  amkoClusterConditions(cluster: string): Promise<{ type?: string; status?: string; reason?: string }[]>;
  /** Stops processes, clusters and the private Redis; removes the work directory unless kept. */
  stop(): Promise<void>;
}

interface RestrictedToken {
  readonly token: string;
  readonly user: string;
}

const newToken = (): string => `emu-${randomBytes(16).toString('hex')}`;

function restricted(access: AccessSpec, fallbackUser: string): TokenSpec & RestrictedToken {
  return { token: newToken(), user: access.user ?? fallbackUser, rules: access.rules };
}

/**
 * The workloads run as deployed (deploy/base/*.yaml and the Dockerfile; keep them in sync): V8 heap
 * caps (without them the young generation and the old-space growth under a fan-out take the RSS
 * of either process to 450–600 MB; see docs/benchmarks.md), and Node's compile cache, so that a
 * start does not load Node's TypeScript stripper (~15 MB of RSS) for sources it has seen before.
 * An app's own `env` may override both.
 */
export const WORKLOAD_NODE_OPTIONS = '--max-semi-space-size=4 --max-old-space-size=128';

/** The runtime environment of a workload process, as deployed (the harness and the sandbox both use it). */
export function workloadRuntimeEnv(repoRoot: string): Record<string, string> {
  return { NODE_OPTIONS: WORKLOAD_NODE_OPTIONS, NODE_COMPILE_CACHE: join(repoRoot, 'node_modules', '.cache', 'amko-fed-node-compile-cache') };
}

function followerNames(option: FederationOptions['followers']): string[] {
  if (Array.isArray(option)) return [...option];
  const count = typeof option === 'number' ? option : 2;
  return Array.from({ length: count }, (_, i) => `follower${i + 1}`);
}

export async function startFederation(options: FederationOptions = {}): Promise<Federation> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'amko-fed-federation-')));
  await mkdir(join(workDir, 'logs'), { recursive: true });
  const leaderName = options.leader ?? 'leader';
  const names = [leaderName, ...followerNames(options.followers)];
  const version = options.amkoVersion ?? '1.13.1';
  const prefix = options.prefix ?? isolatedPrefix('fed');
  const clusters: EmulatedCluster[] = [];
  const rests = new Map<string, KubeRest>();
  const apps = new Map<AppName, AppProcess>();
  const replicas: AppProcess[] = [];
  let redis: TestRedis | undefined;
  let stopped = false;

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    await Promise.all([...apps.values(), ...replicas].map((app) => app.stop(5_000).catch(() => undefined)));
    for (const rest of rests.values()) rest.close();
    await Promise.all(clusters.map((c) => c.close().catch(() => undefined)));
    await redis?.dispose().catch(() => undefined);
    if (!(options.keepWorkDir ?? process.env['AMKO_TEST_KEEP_WORKDIR'] === '1') && options.workDir === undefined) await rm(workDir, { recursive: true, force: true });
  }

  try {
    // Each cluster: the admin token first (the harness's own access, `cluster.token`), then the
    // restricted identities the processes use, when asked for.
    const localToken = options.localAccess === undefined ? undefined : restricted(options.localAccess, 'system:serviceaccount:avi-system:amko-federation');
    const memberTokens = new Map<string, TokenSpec & RestrictedToken>();
    for (const name of names) {
      const access = typeof options.memberAccess === 'function' ? options.memberAccess(name) : options.memberAccess;
      if (access !== undefined) memberTokens.set(name, restricted(access, 'system:serviceaccount:avi-system:amko-federation-member'));
    }
    for (const name of names) {
      const extra = [...(name === leaderName && localToken !== undefined ? [localToken] : []), ...(memberTokens.has(name) ? [memberTokens.get(name) as TokenSpec] : [])];
      clusters.push(await startEmulatedCluster({ name, ...(extra.length > 0 ? { tokens: [newToken(), ...extra] } : {}) }));
    }
    for (const cluster of clusters) rests.set(cluster.name, createKubeRest(cluster));
    const kube = (name: string): KubeRest => {
      const rest = rests.get(name);
      if (!rest) throw new Error(`no cluster named ${name}; clusters: ${names.join(', ')}`);
      return rest;
    };
    const [leader, ...followers] = clusters as [EmulatedCluster, ...EmulatedCluster[]];

    for (const cluster of clusters) {
      await kube(cluster.name).create(amkoPath('v1alpha1', 'amkoclusters', AVI_SYSTEM), {
        apiVersion: 'amko.vmware.com/v1alpha1',
        kind: 'AMKOCluster',
        metadata: { name: AMKO_CLUSTER_NAME, namespace: AVI_SYSTEM },
        spec: { isLeader: cluster === leader, clusterContext: cluster.name, version, clusters: names },
      });
    }

    const entryWith = (cluster: EmulatedCluster, token: RestrictedToken | undefined) =>
      token === undefined ? cluster.kubeconfigEntry : kubeconfigEntryOf({ name: cluster.name, url: cluster.url, token: token.token, caPem: cluster.caPem });
    const membersKubeconfig = kubeconfigYaml(clusters.map((c) => ({ kubeconfigEntry: entryWith(c, memberTokens.get(c.name)) })));
    const membersKubeconfigFile = join(workDir, 'gslb-members');
    const localKubeconfigFile = join(workDir, 'local-kubeconfig');
    await writeFile(membersKubeconfigFile, membersKubeconfig, { mode: 0o600 });
    await writeFile(localKubeconfigFile, kubeconfigYaml([{ kubeconfigEntry: entryWith(leader, localToken) }]), { mode: 0o600 });

    redis = options.redisUrl === undefined ? await startTestRedis({ appendOnly: options.appendOnly ?? false }) : undefined;
    const redisUrl = options.redisUrl ?? redis?.url ?? '';
    const logLevel = options.logLevel ?? 'debug';

    const common = {
      ...workloadRuntimeEnv(repoRoot),
      REDIS_URL: redisUrl, KEY_PREFIX: prefix, GSLB_CONFIG_FILE: membersKubeconfigFile, HTTP_HOST: '127.0.0.1', LOG_LEVEL: logLevel, LOG_FORMAT: 'json',
    };
    const ports = { watcher: await freePort(), replicator: await freePort() };
    const envs: Record<AppName, Record<string, string>> = {
      watcher: {
        ...common,
        HTTP_PORT: String(ports.watcher),
        LOCAL_KUBECONFIG: localKubeconfigFile,
        LOCAL_CONTEXT: leader.name,
        POD_NAMESPACE: AVI_SYSTEM,
        POD_NAME: 'watcher-0',
        ...(options.watcher === false ? {} : options.watcher?.env),
      },
      replicator: {
        ...common,
        HTTP_PORT: String(ports.replicator),
        ...(options.replicator === false ? {} : options.replicator?.env),
      },
    };
    const createApp = (name: AppName, env: Record<string, string> = envs[name], label: string = name): AppProcess =>
      createAppProcess({
        name: label,
        entry: join(repoRoot, 'apps', name, 'src', 'main.ts'),
        env,
        logFile: join(workDir, 'logs', `${label}.log`),
        url: `http://127.0.0.1:${env['HTTP_PORT'] ?? ''}`,
        cwd: repoRoot,
      });
    /**
     * Starts `create(env)`; a free port can be taken by someone else before the child listens on it
     * (other suites and clusters start in parallel): then the child exits with EADDRINUSE and is
     * created again with another port (when the port is ours to choose). Returns the started app.
     */
    const startOnFreePort = async (env: Record<string, string>, ownPort: boolean, create: () => AppProcess): Promise<AppProcess> => {
      for (let attempt = 1; ; attempt += 1) {
        const app = create();
        const logged = (await app.logs()).length;
        try {
          await app.start();
          return app;
        } catch (err) {
          if (!ownPort || attempt >= 3 || app.running || !(await app.logs()).slice(logged).includes('EADDRINUSE')) throw err;
          env['HTTP_PORT'] = String(await freePort());
        }
      }
    };
    for (const name of ['watcher', 'replicator'] as const) {
      if (options[name] !== false) apps.set(name, createApp(name));
    }
    // The replicator first: the watcher's first resync then finds workers waiting.
    for (const name of ['replicator', 'watcher'] as const) {
      const settings = options[name];
      if (settings === false || settings?.start === false) continue;
      let first = true;
      await startOnFreePort(envs[name], settings?.env?.['HTTP_PORT'] === undefined, () => {
        if (!first) apps.set(name, createApp(name));
        first = false;
        return apps.get(name) as AppProcess;
      });
    }

    const federation: Federation = {
      leader,
      followers,
      clusters,
      redisUrl,
      redis,
      prefix,
      workDir,
      membersKubeconfig,
      membersKubeconfigFile,
      localKubeconfigFile,
      localUser: localToken?.user ?? 'admin',
      memberUser: (cluster) => memberTokens.get(cluster)?.user ?? 'admin',
      secrets: [...clusters.map((c) => c.token), ...(localToken ? [localToken.token] : []), ...[...memberTokens.values()].map((t) => t.token)],
      kube,
      cluster(name) {
        const found = clusters.find((c) => c.name === name);
        if (!found) throw new Error(`no cluster named ${name}; clusters: ${names.join(', ')}`);
        return found;
      },
      watcher: apps.get('watcher'),
      replicator: apps.get('replicator'),
      app(name) {
        const found = apps.get(name);
        if (!found) throw new Error(`the ${name} process was disabled for this federation`);
        return found;
      },
      envOf: (name) => ({ ...envs[name] }),
      async addReplica(name, settings) {
        if (!apps.has(name)) throw new Error(`the ${name} process was disabled for this federation`);
        const label = `${name}-${settings.id}`;
        const env: Record<string, string> = {
          ...envs[name],
          HTTP_PORT: String(await freePort()),
          ...(name === 'watcher' ? { POD_NAME: label } : {}),
          ...settings.env,
        };
        if (settings.start === false) {
          const app = createApp(name, env, label);
          replicas.push(app);
          return app;
        }
        return startOnFreePort(env, settings.env?.['HTTP_PORT'] === undefined, () => {
          const app = createApp(name, env, label);
          replicas.push(app);
          return app;
        });
      },
      async patchAMKOCluster(cluster, spec) {
        await kube(cluster).mergePatch(amkoPath('v1alpha1', 'amkoclusters', AVI_SYSTEM, AMKO_CLUSTER_NAME), { spec });
      },
      async amkoClusterConditions(cluster) {
        const object = await kube(cluster).get(amkoPath('v1alpha1', 'amkoclusters', AVI_SYSTEM, AMKO_CLUSTER_NAME));
        return ((object?.['status'] as { conditions?: unknown } | undefined)?.conditions as { type?: string; status?: string; reason?: string }[] | undefined) ?? [];
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
    return federation;
  } catch (err) {
    const logs = await Promise.all([...apps.values()].map(async (app) => `--- ${app.name} ---\n${(await readFile(app.logFile, 'utf8').catch(() => '')).slice(-4000)}`));
    await stop();
    if (logs.length > 0 && err instanceof Error) err.message += `\n${logs.join('\n')}`;
    throw err;
  }
}
