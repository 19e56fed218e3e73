/**
 * createWatcher: wires the adapters it is given (the local cluster client, the stores, the store
 * health, member clients and the members kubeconfig source: adapters.ts builds them) into the
 * capabilities (election → leader session: role, members, capture, resync, status) and the ops
 * server. Tests run it in-process over real or in-memory adapters; main.ts adds the environment,
 * the root logger, the adapters and signals. The adapters are the caller's to close.
 */
import { createOpsServer, registerBuildInfo, registerRedisUp } from '@amko-fed/service';
import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock.ts';
import type { WatcherConfig } from './config.ts';
import { createLeaseElector, type LeaseElector } from './election/lease-elector.ts';
import { createWatcherMetrics, RoleMetric, type WatcherMetrics } from './http/metrics.ts';
import { readinessChecks, type WatcherHealth } from './http/readiness.ts';
import type { WatcherAdapters } from './ports.ts';
import { createLeaderSession, type LeaderSession } from './session/leader-session.ts';

export interface WatcherOptions {
  readonly config: WatcherConfig;
  readonly logger: Logger;
  readonly adapters: WatcherAdapters;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /** Serve /healthz, /readyz and /metrics. @defaultValue true */
  readonly http?: boolean;
  /** Exported as amko_fed_build_info{version}. @defaultValue "unknown" */
  readonly version?: string;
}

export interface Watcher {
  /** Starts the ops server and campaigns for the Lease; returns without waiting for Redis or the Lease. */
  start(): Promise<void>;
  /** Stops leader work, releases the Lease, closes the ops server (not the adapters: the caller closes them after). */
  stop(): Promise<void>;
  health(): Promise<WatcherHealth>;
  /** `http://host:port` of the ops server once started. */
  address(): string | undefined;
  readonly metrics: WatcherMetrics;
}

interface Running {
  readonly elector: LeaseElector;
  readonly close: () => Promise<void>;
}

export function createWatcher(options: WatcherOptions): Watcher {
  const { config, adapters } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ component: 'watcher' });
  const metrics = createWatcherMetrics();
  registerBuildInfo(metrics.registry, { component: 'watcher', version: options.version ?? 'unknown' });
  registerRedisUp(metrics.registry, async () => (await adapters.storeHealth.readiness()).ready);
  if (adapters.kubeRequests !== undefined) metrics.registry.registerMetric(adapters.kubeRequests);
  let running: Running | undefined;
  let session: LeaderSession | undefined;
  let address: string | undefined;
  // Redis came back (maybe without its data): the session re-publishes and resyncs.
  adapters.storeHealth.onRecovered(() => session?.redisRecovered());

  async function health(): Promise<WatcherHealth> {
    if (running === undefined) return { ready: false, checks: [{ name: 'started', ok: false, detail: 'not started' }], role: 'stopped', lease: 'unknown' };
    return readinessChecks({ redis: await adapters.storeHealth.readiness(), lease: running.elector.state(), leaseError: running.elector.lastError(), session: session?.health() });
  }

  async function open(): Promise<Running> {
    const { local, stores } = adapters;
    const elector = createLeaseElector({
      client: local,
      namespace: config.podNamespace,
      identity: config.podName,
      durationMs: config.leaseDurationMs,
      clock,
      logger: options.logger,
      onStartedLeading: () => {
        session = createLeaderSession({
          config,
          logger: options.logger,
          local,
          stores,
          storesReady: () => adapters.storeHealth.readiness(),
          metrics,
          memberClients: adapters.memberClients,
          membersSource: adapters.membersSource,
          clock,
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
    return { elector, close: async () => void (await server?.close()) };
  }

  return {
    metrics,
    async start() {
      if (running !== undefined) return;
      running = await open();
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

