/**
 * createReplicator: wires the capabilities (fencing, workers per member, catch-up, replay, metrics,
 * HTTP) over the ports its adapters provide (adapters.ts, built by main.ts): the stores (log,
 * results, member registry, follower queues), the follower ClusterClients, Redis readiness, the
 * worker factory and the board.
 * `start()` serves HTTP at once (/healthz live, /readyz not ready while Redis is not), then waits for
 * Redis however long it takes (redis-wait.ts), then follows the member registry; `stop()` ends that
 * wait at once, or stops intake, drains the workers (bounded by SHUTDOWN_TIMEOUT, then interrupts
 * what is still running), closes the HTTP server and the adapters.
 */
import { hostname } from 'node:os';
import type { MembersDocument } from '@amko-fed/domain';
import { registerBuildInfo, registerRedisUp, type ReadinessCheck } from '@amko-fed/service';
import type { Logger } from 'pino';
import type { ReplicatorAdapters } from './adapters.ts';
import { createFollowerCatchUp } from './catch-up/follower-catch-up.ts';
import { promotionPolicy } from './catch-up/promotion-backoff.ts';
import type { ReplicatorConfig } from './config.ts';
import { createLeaderFence } from './fencing/leader-fence.ts';
import { startHttpServer, type HttpServer } from './http/http-server.ts';
import { createReplicatorMetrics } from './metrics/metrics.ts';
import { createReadiness } from './readiness.ts';
import { waitForRedis } from './redis-wait.ts';
import { createReplay } from './replay/replay.ts';
import { closeWorker } from './worker/close-worker.ts';
import type { WatchableFollowerWorker } from './worker/follower-worker.ts';
import { watchForStalls, type QueueObservation } from './worker/stall-watchdog.ts';
import { createJobProcessor } from './worker/replicate-job.ts';
import { createWrittenCopies } from './worker/written-copies.ts';
import { knownFollowers } from './workers-by-member/desired-workers.ts';
import { createMemberWorkers, type RunningWorker } from './workers-by-member/member-workers.ts';

export interface ReplicatorDeps {
  readonly config: ReplicatorConfig;
  readonly logger: Logger;
  /** The Redis, BullMQ and Kubernetes adapters (createReplicatorAdapters); closed by `stop()`. */
  readonly adapters: ReplicatorAdapters;
  /** @defaultValue () => new Date() */
  readonly clock?: () => Date;
  /** Randomness of the backoff jitter. @defaultValue Math.random */
  readonly random?: () => number;
  /** Name stored on the jobs this process works on. @defaultValue replicator-<hostname>-<pid> */
  readonly workerName?: string;
  /** Exported as amko_fed_build_info{version}. @defaultValue "unknown" */
  readonly version?: string;
}

export interface ReplicatorHealth {
  readonly ready: boolean;
  readonly checks: readonly ReadinessCheck[];
  /** Followers with a running worker. */
  readonly followers: readonly string[];
  /** Followers currently failing to answer (being probed). */
  readonly unreachable: readonly string[];
}

export interface Replicator {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): Promise<ReplicatorHealth>;
  /** Base URL of the HTTP server once started. */
  readonly url: string | undefined;
}

export function createReplicator(deps: ReplicatorDeps): Replicator {
  const { config, logger, adapters } = deps;
  const { log, lockedRead, results, registry, queues } = adapters.stores;
  const { clusters, board } = adapters;
  const clock = deps.clock ?? (() => new Date());
  const workerName = deps.workerName ?? `replicator-${hostname()}-${process.pid}`;

  const fence = createLeaderFence({ ttlMs: config.fenceCacheTtlMs });
  const writtenCopies = createWrittenCopies({ maxEntries: config.writtenCopies, now: () => clock().getTime() });
  let members: MembersDocument | undefined;
  const metrics = createReplicatorMetrics({
    queueDepth: { clusters: () => knownFollowers(members), counts: (cluster) => queues.counts(cluster) },
  });
  registerBuildInfo(metrics.registry, { component: 'replicator', version: deps.version ?? 'unknown' });
  registerRedisUp(metrics.registry, async () => (await adapters.redis.problem()) === undefined);
  if (adapters.kubeRequests !== undefined) metrics.registry.registerMetric(adapters.kubeRequests);
  const catchUp = createFollowerCatchUp({
    probe: (cluster) => fence.refresh(cluster, clusters.clientFor(cluster)),
    promote: (cluster) => queues.promoteDelayed(cluster),
    policy: promotionPolicy({ retryBaseMs: config.retryBaseMs, retryCapMs: config.retryCapMs, requestTimeoutMs: config.kubeRequestTimeoutMs }),
    logger,
  });
  const jobDeps = {
    log,
    lockedRead,
    results,
    clientFor: (cluster: string) => clusters.clientFor(cluster),
    redact: clusters.redact,
    fence,
    leaderContext: () => members?.leader,
    leaderEpoch: () => members?.epoch,
    metrics,
    clock,
    maxAttempts: config.retryAttempts,
    bursts: { quietMs: config.burstQuietMs, maxDeferMs: config.burstMaxDeferMs },
    logger,
    onReachability: (cluster: string, reachable: boolean) => catchUp.reachability(cluster, reachable),
    writtenCopies,
  };

  function startWorker(cluster: string): RunningWorker {
    const watchdog = watchForStalls({
      cluster,
      start: () => startFollowerWorker(cluster),
      observe: () => observeFollowerQueue(cluster),
      timeoutMs: config.workerStallTimeoutMs,
      onRestart: () => metrics.countWorkerRestart(cluster),
      logger,
    });
    // A member that (re)joins catches up at once: its jobs delayed by backoff run now.
    queues.promoteDelayed(cluster).then(
      (promoted) => promoted > 0 && logger.info({ cluster, promoted }, 'Retrying the delayed jobs of a joining follower now'),
      (err: unknown) => logger.warn({ cluster, err }, 'Could not promote the delayed jobs of a joining follower'),
    );
    return {
      close: async () => closeWorker({ cluster, worker: await watchdog.stop(), timeoutMs: config.shutdownTimeoutMs, logger }),
    };
  }

  async function observeFollowerQueue(cluster: string): Promise<QueueObservation> {
    const problems = await Promise.all([adapters.redis.problem(), adapters.redis.workerProblem()]);
    if (problems.some((p) => p !== undefined)) return { runnable: 0, paused: false, storeHealthy: false };
    const [counts, paused] = await Promise.all([queues.counts(cluster), queues.isPaused(cluster)]);
    return { runnable: counts.waiting + counts.prioritized, paused, storeHealthy: true };
  }

  function startFollowerWorker(cluster: string): WatchableFollowerWorker {
    return adapters.startWorker({
      cluster,
      concurrency: config.concurrency,
      retryBaseMs: config.retryBaseMs,
      retryCapMs: config.retryCapMs,
      process: createJobProcessor(cluster, jobDeps),
      onError: (error) => logger.warn({ cluster, reason: clusters.redact(error.message) }, 'Worker error'),
      onStalled: (jobId) => logger.warn({ cluster, jobId }, 'Recovered a job whose worker stopped (stalled); retrying it'),
      name: workerName,
      ...(deps.random === undefined ? {} : { random: deps.random }),
    });
  }

  const memberWorkers = createMemberWorkers({
    registry,
    startWorker,
    async onDocument(document) {
      members = document;
      await clusters.refresh();
      fence.clear();
      writtenCopies.clear();
      board.showFollowers(knownFollowers(document));
    },
    onStopped: (cluster) => {
      catchUp.forget(cluster);
      writtenCopies.forgetCluster(cluster);
    },
    logger,
  });

  let following = false;
  const readiness = createReadiness({ redis: adapters.redis, registry, clusters, following: () => following });
  let http: HttpServer | undefined;
  let starting: Promise<void> | undefined;
  const stopping = new AbortController();

  async function startOnce(): Promise<void> {
    await clusters.refresh();
    http = await startHttpServer({
      logger,
      registry: metrics.registry,
      readiness,
      board,
      replay: createReplay({ queues, log, members: () => members }),
      credentials: config.board,
      host: config.httpHost,
      port: config.httpPort,
    });
    adapters.connect();
    if (!(await waitForRedis(adapters.redis, logger, stopping.signal))) return;
    await memberWorkers.start();
    following = true;
    logger.info({ followers: memberWorkers.running(), concurrency: config.concurrency }, 'Replicator started');
  }

  return {
    get url() {
      return http?.url;
    },
    start() {
      if (starting !== undefined) return Promise.reject(new Error('the replicator was already started'));
      starting = startOnce();
      return starting;
    },
    async stop() {
      stopping.abort();
      // Ends at once when start() is still waiting for Redis; it must finish before intake stops.
      await starting?.catch(() => undefined);
      catchUp.stop();
      await memberWorkers.stop();
      await http?.close();
      await adapters.close();
    },
    async health() {
      const checks = await readiness();
      return { ready: checks.every((c) => c.ok), checks, followers: memberWorkers.running(), unreachable: catchUp.unreachable() };
    },
  };
}
