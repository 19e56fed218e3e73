/**
 * createWatcher: wires the adapters (Redis, follower queues, federation log, member registry,
 * results store, the local cluster client, member clients) into the capabilities (election →
 * leader session: role, members, capture, resync, status) and the ops server. Tests run it
 * in-process; main.ts only adds the environment, the root logger and signals.
 */
import { readFile } from 'node:fs/promises';
import { createClusterClient, localKubeConfig } from '@amko-fed/kube';
import {
  checkEvictionPolicy,
  createFederationLog,
  createFollowerQueues,
  createMemberRegistry,
  createRedisConnection,
  createResultsStore,
  redactRedisUrl,
  type FollowerQueues,
} from '@amko-fed/queue';
import { createOpsServer } from '@amko-fed/service';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock.ts';
import type { WatcherConfig } from './config.ts';
import { createLeaseElector, type LeaseElector } from './election/lease-elector.ts';
import { createWatcherMetrics, RoleMetric, type WatcherMetrics } from './http/metrics.ts';
import { readinessChecks, type WatcherHealth } from './http/readiness.ts';
import { createMemberClients } from './members/member-clients.ts';
import { createMembersKubeconfigSource } from './members/members-kubeconfig.ts';
import { createLeaderSession, type LeaderSession } from './session/leader-session.ts';

export interface WatcherOptions {
  readonly config: WatcherConfig;
  readonly logger: Logger;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /** Serve /healthz, /readyz and /metrics. @defaultValue true */
  readonly http?: boolean;
}

export interface Watcher {
  /** Starts the ops server and campaigns for the Lease; returns without waiting for Redis or the Lease. */
  start(): Promise<void>;
  /** Stops leader work, releases the Lease, closes queues, Redis and the ops server. */
  stop(): Promise<void>;
  health(): Promise<WatcherHealth>;
  /** `http://host:port` of the ops server once started. */
  address(): string | undefined;
  readonly metrics: WatcherMetrics;
}

interface Running {
  readonly redis: Redis;
  readonly queues: FollowerQueues;
  readonly elector: LeaseElector;
  readonly close: () => Promise<void>;
}

export function createWatcher(options: WatcherOptions): Watcher {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ component: 'watcher' });
  const metrics = createWatcherMetrics();
  let running: Running | undefined;
  let session: LeaderSession | undefined;
  let address: string | undefined;

  async function health(): Promise<WatcherHealth> {
    if (running === undefined) return { ready: false, checks: [{ name: 'started', ok: false, detail: 'not started' }], role: 'stopped', lease: 'unknown' };
    return readinessChecks({ redis: running.redis, lease: running.elector.state(), leaseError: running.elector.lastError(), session: session?.health() });
  }

  async function connect(): Promise<Running> {
    const kubeconfigText = config.local.kubeconfigFile === undefined ? undefined : await readFile(config.local.kubeconfigFile, 'utf8');
    const kubeConfig = localKubeConfig({ kubeconfigText, context: config.local.context });
    const local = createClusterClient({ context: kubeConfig.getCurrentContext(), kubeConfig, timeoutMs: config.kubeTimeoutMs });

    // Fail fast while Redis is away (no offline queue): role, member and status work must not wait
    // behind queued Redis commands; everything that needs Redis retries on its own.
    const redis = createRedisConnection(config.redisUrl, { role: 'client', connectionName: 'amko-fed-watcher', overrides: { enableOfflineQueue: false } });
    let redisDown: string | undefined;
    redis.on('error', (err: Error) => {
      if (redisDown !== err.message) logger.warn({ err, redis: redactRedisUrl(config.redisUrl) }, 'Redis is not reachable, retrying');
      redisDown = err.message;
    });
    redis.on('ready', () => {
      if (redisDown !== undefined) logger.info({ redis: redactRedisUrl(config.redisUrl) }, 'Redis is reachable again');
      redisDown = undefined;
      session?.redisRecovered();
      checkEvictionPolicy(redis).then(
        (check) => check.warning !== undefined && logger.warn({ policy: check.policy }, check.warning),
        () => undefined,
      );
    });
    const prefix = config.keyPrefix;
    const queues = createFollowerQueues({ connection: redis, prefix, onError: (err, cluster) => logger.warn({ err, cluster }, 'Follower queue error') });
    const log = createFederationLog({ redis, prefix, clock });
    const registry = createMemberRegistry({ redis, prefix, clock });
    // The results store follows a stream with blocking reads on a duplicate of its connection; that
    // one keeps ioredis' offline queue, so a read issued while (re)connecting waits instead of failing.
    const resultsRedis = createRedisConnection(config.redisUrl, { role: 'client', connectionName: 'amko-fed-watcher-results' });
    resultsRedis.on('error', () => undefined); // reported through the main connection's events
    const results = createResultsStore({ redis: resultsRedis, prefix });
    const memberClients = createMemberClients({ timeoutMs: config.kubeTimeoutMs });
    const membersSource = createMembersKubeconfigSource({ ...config.gslbConfig, local, namespace: config.podNamespace });

    const elector = createLeaseElector({
      client: local,
      namespace: config.podNamespace,
      identity: config.podName,
      durationMs: config.leaseDurationMs,
      clock,
      logger: options.logger,
      onStartedLeading: () => {
        session = createLeaderSession({
          config, logger: options.logger, local, localKubeConfig: kubeConfig, redis, queues, log, registry, results, metrics, memberClients, membersSource,
        });
        session.start();
      },
      onStoppedLeading: async () => {
        const ending = session;
        session = undefined;
        await ending?.stop();
        metrics.setRole(RoleMetric.standby);
      },
    });

    const server = options.http === false ? undefined : createOpsServer({ logger: options.logger, registry: metrics.registry, readiness: async () => (await health()).checks });
    if (server !== undefined) {
      address = await server.listen({ port: config.httpPort, host: config.httpHost });
      logger.info({ address }, 'Serving /healthz, /readyz and /metrics');
    }
    const close = async (): Promise<void> => {
      await queues.close().catch((err: unknown) => logger.warn({ err }, 'Could not close follower queues'));
      await redis.quit().catch(() => redis.disconnect());
      await resultsRedis.quit().catch(() => resultsRedis.disconnect());
      await server?.close();
    };
    return { redis, queues, elector, close };
  }

  return {
    metrics,
    async start() {
      if (running !== undefined) return;
      running = await connect();
      logger.info({ identity: config.podName, namespace: config.podNamespace, kinds: config.federatedKinds }, 'Starting watcher');
      running.elector.start();
    },
    async stop() {
      const current = running;
      if (current === undefined) return;
      await current.elector.stop();
      await current.close();
      running = undefined;
      address = undefined;
      logger.info('Watcher stopped');
    },
    health,
    address: () => address,
  };
}

