/**
 * createReplicator: wires the capabilities (clusters, fencing, workers per member, catch-up,
 * board, replay, metrics, HTTP) over two Redis connections:
 *   - `client`: projection reads, results, registry, queues (board, replay, counts);
 *   - `worker`: shared by every Worker for its non-blocking commands (each Worker adds its own
 *     blocking connection for fetching jobs).
 * `start()` serves HTTP at once (/healthz live, /readyz not ready while Redis is not), then waits for
 * Redis however long it takes (a Redis maintenance must not crash-loop the pod), then follows the
 * member registry; `stop()` ends that wait at once, or stops intake, drains the workers (bounded by
 * SHUTDOWN_TIMEOUT, then interrupts what is still running), closes the HTTP server and the
 * connections.
 */
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MembersDocument } from '@amko-fed/domain';
import {
  checkRedisReady,
  createFederationLog,
  createFollowerQueues,
  createMemberRegistry,
  createRedisConnection,
  createResultsStore,
  followerJobOptions,
  redactRedisUrl,
  type FederationLog,
  type FollowerQueues,
  type FollowerQueuesOptions,
  type MemberRegistry,
  type ResultsStore,
} from '@amko-fed/queue';
import type { ReadinessCheck } from '@amko-fed/service';
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { createBoard } from './board/board.ts';
import { createFollowerCatchUp } from './catch-up/follower-catch-up.ts';
import { promotionPolicy } from './catch-up/promotion-backoff.ts';
import { createClusterClients } from './clusters/cluster-clients.ts';
import type { ReplicatorConfig } from './config.ts';
import { createLeaderFence } from './fencing/leader-fence.ts';
import { startHttpServer, type HttpServer } from './http/http-server.ts';
import { createReplicatorMetrics } from './metrics/metrics.ts';
import { createReplay } from './replay/replay.ts';
import { createFollowerWorker } from './worker/follower-worker.ts';
import { createJobProcessor } from './worker/replicate-job.ts';
import { knownFollowers } from './workers-by-member/desired-workers.ts';
import { createMemberWorkers, type RunningWorker } from './workers-by-member/member-workers.ts';

export interface ReplicatorDeps {
  readonly config: ReplicatorConfig;
  readonly logger: Logger;
  /** @defaultValue () => new Date() */
  readonly clock?: () => Date;
  /** Randomness of the backoff jitter. @defaultValue Math.random */
  readonly random?: () => number;
  /** Name stored on the jobs this process works on. @defaultValue replicator-<hostname>-<pid> */
  readonly workerName?: string;
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

/** After the grace period, interrupted jobs get this long to hand themselves back to the queue. */
const INTERRUPT_GRACE_MS = 2_000;

const delay = (ms: number): Promise<'timeout'> =>
  new Promise((resolve) => {
    setTimeout(() => resolve('timeout'), ms).unref();
  });

/** Logs a connection's errors once per distinct message (ioredis repeats them on every reconnect). */
function connectionErrorLogger(logger: Logger, name: string, onMessage: (message: string) => void = () => undefined): (error: Error) => void {
  let last: string | undefined;
  return (error) => {
    onMessage(error.message);
    if (error.message === last) return;
    last = error.message;
    logger.warn({ connection: name, reason: error.message }, 'Redis connection error');
  };
}

/** Pause between Redis checks while waiting for it at start: 100 ms doubling to 5 s. */
function redisWaitDelay(attempt: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(attempt, 16));
}

export interface ReplicatorStores {
  readonly log: FederationLog;
  readonly results: ResultsStore;
  readonly registry: MemberRegistry;
  readonly queues: FollowerQueues;
}

/**
 * The Redis-backed stores the replicator works with, all over one `client` connection under `prefix`
 * (exported so that the integration fixture writes through the same wiring).
 */
export function createReplicatorStores(connection: FollowerQueuesOptions['connection'], prefix: string, queueOptions: Omit<FollowerQueuesOptions, 'connection' | 'prefix'>): ReplicatorStores {
  return {
    log: createFederationLog({ redis: connection, prefix }),
    results: createResultsStore({ redis: connection, prefix }),
    registry: createMemberRegistry({ redis: connection, prefix }),
    queues: createFollowerQueues({ connection, prefix, ...queueOptions }),
  };
}

export function createReplicator(deps: ReplicatorDeps): Replicator {
  const { config } = deps;
  const logger = deps.logger;
  const clock = deps.clock ?? (() => new Date());
  const workerName = deps.workerName ?? `replicator-${hostname()}-${process.pid}`;
  const prefix = config.keyPrefix;

  const redisTarget = redactRedisUrl(config.redisUrl);
  /** The last connection error of `client` since it was last ready (for /readyz and the wait log). */
  let redisError: string | undefined;
  const client = createRedisConnection(config.redisUrl, {
    role: 'client', connectionName: 'amko-fed-replicator', lazyConnect: true, onError: connectionErrorLogger(logger, 'client', (message) => (redisError = message)),
  });
  client.on('ready', () => (redisError = undefined));
  const workerConnection = createRedisConnection(config.redisUrl, {
    role: 'worker', connectionName: 'amko-fed-replicator-worker', lazyConnect: true, onError: connectionErrorLogger(logger, 'worker'),
  });
  const { log, results, registry, queues } = createReplicatorStores(client, prefix, {
    defaultJobOptions: followerJobOptions({ attempts: config.retryAttempts, backoffBaseMs: config.retryBaseMs }),
    onError: connectionErrorLogger(logger, 'queues'),
  });
  const clients = createClusterClients({ source: config.gslbConfig, timeoutMs: config.kubeRequestTimeoutMs, maxConnections: config.concurrency + 1, logger });
  const fence = createLeaderFence({ ttlMs: config.fenceCacheTtlMs });
  const board = createBoard({ readOnly: config.boardReadOnly });
  let members: MembersDocument | undefined;
  const metrics = createReplicatorMetrics({
    queueDepth: { clusters: () => knownFollowers(members), counts: (cluster) => queues.counts(cluster) },
  });
  /** Moves a follower's delayed (backing-off) jobs to waiting; returns how many. */
  async function promoteDelayed(cluster: string): Promise<number> {
    const queue = queues.queue(cluster);
    const delayed = await queue.getDelayedCount();
    if (delayed > 0) await queue.promoteJobs();
    return delayed;
  }
  const catchUp = createFollowerCatchUp({
    probe: (cluster) => fence.refresh(cluster, clients.clientFor(cluster)),
    promote: promoteDelayed,
    policy: promotionPolicy({ retryBaseMs: config.retryBaseMs, retryCapMs: config.retryCapMs, requestTimeoutMs: config.kubeRequestTimeoutMs }),
    logger,
  });
  const jobDeps = {
    log,
    results,
    clientFor: (cluster: string) => clients.clientFor(cluster),
    redact: clients.redact,
    fence,
    leaderContext: () => members?.leader,
    metrics,
    clock,
    maxAttempts: config.retryAttempts,
    bursts: { quietMs: config.burstQuietMs, maxDeferMs: config.burstMaxDeferMs },
    logger,
    onReachability: (cluster: string, reachable: boolean) => catchUp.reachability(cluster, reachable),
  };

  async function closeWorker(cluster: string, worker: Worker): Promise<void> {
    const closing = worker.close();
    if ((await Promise.race([closing.then(() => 'closed' as const), delay(config.shutdownTimeoutMs)])) === 'closed') return;
    logger.warn({ cluster, timeoutMs: config.shutdownTimeoutMs }, 'Active jobs did not finish in time; interrupting them');
    worker.cancelAllJobs('shutdown');
    if ((await Promise.race([closing.then(() => 'closed' as const), delay(INTERRUPT_GRACE_MS)])) === 'timeout') {
      logger.warn({ cluster }, 'Worker did not close; its jobs are recovered as stalled');
    }
  }

  function startWorker(cluster: string): RunningWorker {
    const worker = createFollowerWorker({
      cluster,
      connection: workerConnection,
      prefix,
      concurrency: config.concurrency,
      retryBaseMs: config.retryBaseMs,
      retryCapMs: config.retryCapMs,
      process: createJobProcessor(cluster, jobDeps),
      onError: (error) => logger.warn({ cluster, reason: clients.redact(error.message) }, 'Worker error'),
      onStalled: (jobId) => logger.warn({ cluster, jobId }, 'Recovered a job whose worker stopped (stalled); retrying it'),
      name: workerName,
      ...(deps.random === undefined ? {} : { random: deps.random }),
    });
    // A member that (re)joins catches up at once: its jobs delayed by backoff run now.
    promoteDelayed(cluster).then(
      (promoted) => promoted > 0 && logger.info({ cluster, promoted }, 'Retrying the delayed jobs of a joining follower now'),
      (err: unknown) => logger.warn({ cluster, err }, 'Could not promote the delayed jobs of a joining follower'),
    );
    return { close: () => closeWorker(cluster, worker) };
  }

  const memberWorkers = createMemberWorkers({
    registry,
    startWorker,
    async onDocument(document) {
      members = document;
      await clients.refresh();
      fence.clear();
      board.showQueues(knownFollowers(document).map((cluster) => queues.queue(cluster)));
    },
    onStopped: (cluster) => catchUp.forget(cluster),
    logger,
  });

  /** Why Redis is not usable, or undefined when it answers. */
  async function redisProblem(): Promise<string | undefined> {
    const redis = await checkRedisReady(client);
    if (redis.ready) return undefined;
    return redisError === undefined ? `${redisTarget}: ${redis.reason}` : `${redisTarget}: ${redis.reason} (${redisError})`;
  }

  async function registryCheck(): Promise<ReadinessCheck> {
    try {
      const document = await registry.readMembers();
      return {
        name: 'member-registry',
        ok: true,
        detail: document === undefined ? 'not published yet' : `revision ${document.revision}, leader ${document.leader}, ${knownFollowers(document).length} followers`,
      };
    } catch (err) {
      return { name: 'member-registry', ok: false, detail: err instanceof Error ? err.message : 'unreadable' };
    }
  }

  async function readiness(): Promise<ReadinessCheck[]> {
    const redis = await redisProblem();
    return [
      { name: 'redis', ok: redis === undefined, ...(redis === undefined ? {} : { detail: redis }) },
      // Without Redis, reading the registry would wait for the reconnect (and the probe time out).
      redis === undefined ? await registryCheck() : { name: 'member-registry', ok: false, detail: 'waiting for Redis' },
      { name: 'members-kubeconfig', ok: clients.problem === undefined, ...(clients.problem === undefined ? {} : { detail: clients.problem }) },
    ];
  }

  /**
   * Resolves true once both connections answer, false when `signal` aborts first. ioredis keeps
   * reconnecting by itself (reconnectDelay); this only checks, with its own capped backoff, and
   * says so: once, then every tenth check.
   */
  async function waitForRedis(signal: AbortSignal): Promise<boolean> {
    for (let attempt = 0; !signal.aborted; attempt += 1) {
      const [problem, worker] = await Promise.all([redisProblem(), checkRedisReady(workerConnection)]);
      if (problem === undefined && worker.ready) {
        if (attempt > 0) logger.info({ redis: redisTarget, checks: attempt + 1 }, 'Redis is reachable; taking up replication');
        return true;
      }
      if (attempt % 10 === 0) {
        logger.warn({ redis: redisTarget, reason: problem ?? `worker connection: ${worker.ready ? 'ready' : worker.reason}`, checks: attempt + 1 }, 'Waiting for Redis before taking up replication');
      }
      await sleep(redisWaitDelay(attempt), undefined, { signal }).catch(() => undefined);
    }
    return false;
  }

  let http: HttpServer | undefined;
  let starting: Promise<void> | undefined;
  const stopping = new AbortController();

  async function startOnce(): Promise<void> {
    await clients.refresh();
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
    // A failed first connect rejects ("Connection is closed.") but ioredis goes on reconnecting.
    for (const connection of [client, workerConnection]) connection.connect().catch(() => undefined);
    if (!(await waitForRedis(stopping.signal))) return;
    await memberWorkers.start();
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
      await queues.close();
      // A connection that is not ready (never connected, or reconnecting) is dropped: QUIT would
      // wait for a server that is not there. The others quit cleanly.
      await Promise.all([client, workerConnection].map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())));
    },
    async health() {
      const checks = await readiness();
      return { ready: checks.every((c) => c.ok), checks, followers: memberWorkers.running(), unreachable: catchUp.unreachable() };
    },
  };
}
