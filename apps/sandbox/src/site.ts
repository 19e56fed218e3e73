/**
 * A site of the sandbox: one emulated cluster with AMKO's CRDs, and next to it the two
 * amko-federation workloads (watcher and replicator) as real child processes, as deploy/ installs
 * them in every cluster. Each site has its own Redis key prefix, as each real site has its own
 * Redis. `stop()` takes the whole site down (API server and processes), like a site failure.
 */
import { join } from 'node:path';
import type { EmulatedCluster } from '@amko-fed/kube-emulator';
import { createAppProcess, freePort, workloadRuntimeEnv, type AppProcess, type ReadyProgress } from '@amko-fed/testing';

/**
 * Generous: at load average 11–14 on 2 cores a workload took more than 30 s to become ready. A slow
 * start is reported as it happens (onSlowReady), so a long limit does not hide a stuck one.
 */
export const DEFAULT_READY_TIMEOUT_MS = 180_000;

export interface SiteOptions {
  readonly cluster: EmulatedCluster;
  /** Names the site's log files, POD_NAME and key prefix (the context name can hold "/", ":" or braces). */
  readonly slug: string;
  readonly repoRoot: string;
  readonly workDir: string;
  readonly redisUrl: string;
  readonly membersKubeconfigFile: string;
  readonly localKubeconfigFile: string;
  readonly logFormat: 'json' | 'pretty';
  readonly logLevel: string;
  readonly board: { readonly username: string; readonly password: string };
  /** Extra environment for both workloads (e.g. a shorter RESYNC_INTERVAL in tests). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long a workload may take to become ready. @defaultValue 180000 */
  readonly readyTimeoutMs?: number;
  /** Told every 10 s what a slow workload's readiness still waits for. */
  readonly onSlowReady?: (progress: ReadyProgress) => void;
}

export interface Site {
  readonly name: string;
  readonly cluster: EmulatedCluster;
  readonly keyPrefix: string;
  readonly watcher: AppProcess;
  readonly replicator: AppProcess;
  readonly boardUrl: string;
  /** Starts the workloads (the cluster must be running) and waits until both are ready. */
  start(): Promise<void>;
  /** The whole site goes down: workloads stopped, API server stopped (objects kept). */
  stop(): Promise<void>;
  /** The API server comes back, then the workloads. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function createSite(options: SiteOptions): Promise<Site> {
  const name = options.cluster.name;
  const { slug } = options;
  const keyPrefix = `{amko-fed-${slug}}`;
  const [watcherPort, replicatorPort] = [await freePort(), await freePort()];
  const common = {
    ...workloadRuntimeEnv(options.repoRoot),
    REDIS_URL: options.redisUrl,
    KEY_PREFIX: keyPrefix,
    GSLB_CONFIG_FILE: options.membersKubeconfigFile,
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel,
    LOG_FORMAT: options.logFormat,
  };
  // Each workload in its own process group: a terminal's Ctrl-C reaches only the sandbox, which then
  // sends one SIGTERM, so the workloads drain instead of taking the terminal's SIGINT as the first
  // signal and the sandbox's SIGTERM as a second one ("Second signal, exiting now").
  const lifecycle = {
    detached: true,
    readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
    ...(options.onSlowReady === undefined ? {} : { onSlowReady: options.onSlowReady }),
  };
  const watcher = createAppProcess({
    ...lifecycle,
    name: `${name}/watcher`,
    entry: join(options.repoRoot, 'apps', 'watcher', 'src', 'main.ts'),
    env: {
      ...common,
      HTTP_PORT: String(watcherPort),
      LOCAL_KUBECONFIG: options.localKubeconfigFile,
      LOCAL_CONTEXT: name,
      POD_NAMESPACE: 'avi-system',
      POD_NAME: `${slug}-watcher-0`,
      RESYNC_INTERVAL: '30s',
      MEMBER_CHECK_INTERVAL: '5s',
      ...options.env,
    },
    logFile: join(options.workDir, 'logs', `${slug}-watcher.log`),
    url: `http://127.0.0.1:${watcherPort}`,
    cwd: options.repoRoot,
  });
  const replicator = createAppProcess({
    ...lifecycle,
    name: `${name}/replicator`,
    entry: join(options.repoRoot, 'apps', 'replicator', 'src', 'main.ts'),
    env: {
      ...common,
      HTTP_PORT: String(replicatorPort),
      BOARD_USERNAME: options.board.username,
      BOARD_PASSWORD: options.board.password,
      // The sandbox is for trying things, retrying a failed job from the board too: it opts in to the
      // board's write access, which deploy/ and the replicator's default leave off.
      BOARD_READ_ONLY: 'false',
      ...options.env,
    },
    logFile: join(options.workDir, 'logs', `${slug}-replicator.log`),
    url: `http://127.0.0.1:${replicatorPort}`,
    cwd: options.repoRoot,
  });

  const stopWorkloads = async (): Promise<void> => {
    // Long enough for a drain on a busy machine (the replicator waits for its active jobs).
    await Promise.all([watcher.stop(30_000), replicator.stop(30_000)]);
  };
  const startWorkloads = async (): Promise<void> => {
    await Promise.all([replicator.start(), watcher.start()]);
  };

  return {
    name,
    cluster: options.cluster,
    keyPrefix,
    watcher,
    replicator,
    boardUrl: `http://127.0.0.1:${replicatorPort}/board`,
    start: startWorkloads,
    async stop() {
      await stopWorkloads();
      await options.cluster.stop();
    },
    async restore() {
      await options.cluster.start();
      await startWorkloads();
    },
    async close() {
      await stopWorkloads();
      await options.cluster.close();
    },
  };
}
