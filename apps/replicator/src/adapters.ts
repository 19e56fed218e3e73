/**
 * The replicator's adapters, built once by the composition root (main.ts) and by the in-process
 * test fixture, and handed to createReplicator, which sees only their ports:
 *   - two Redis connections: `client` (projection reads, results, registry, queues, board, replay)
 *     and `worker`, shared by every Worker for its non-blocking commands (each Worker adds its own
 *     blocking connection for fetching jobs);
 *   - the stores over `client`: FederationLog, ResultsStore, MemberRegistry, FollowerQueues;
 *   - the Redis readiness of both connections (secret-free reasons);
 *   - the BullMQ worker factory over the `worker` connection;
 *   - the follower ClusterClients from the members kubeconfig;
 *   - bull-board over the BullMQ queues (loaded on the first /board request);
 *   - `close()`: the board, the queues, then the connections.
 */
import {
  checkRedisReady,
  createFederationLog,
  createFollowerQueues,
  createMemberRegistry,
  createRedisConnection,
  createLockedProjectionReader,
  createResultsStore,
  followerJobOptions,
  redactRedisUrl,
  type BullFollowerQueues,
  type FederationLog,
  type FollowerQueues,
  type FollowerQueuesOptions,
  type LockedProjectionReader,
  type MemberRegistry,
  type ResultsStore,
} from '@amko-fed/queue';
import { createKubeRequestsCounter, type KubeRequestsCounter } from '@amko-fed/service';
import type { Logger } from 'pino';
import { createBoard, type Board } from './board/board.ts';
import { createClusterClients, type ClusterClients } from './clusters/cluster-clients.ts';
import type { ReplicatorConfig } from './config.ts';
import { createFollowerWorker, watchableWorker, type FollowerWorkerOptions, type WatchableFollowerWorker } from './worker/follower-worker.ts';

/** The stores, all over one `client` connection under one prefix. */
export interface ReplicatorStores<Queues extends FollowerQueues = FollowerQueues> {
  readonly log: FederationLog;
  /** The job lock check with the projection read in one round trip (absent: two, see replicate-job.ts). */
  readonly lockedRead?: LockedProjectionReader;
  readonly results: ResultsStore;
  readonly registry: MemberRegistry;
  readonly queues: Queues;
}

/** Whether Redis answers, for readiness and for the wait at start. */
export interface RedisHealth {
  /** The Redis URL with its password redacted (for logs). */
  readonly target: string;
  /** Why the `client` connection is not usable (`<target>: <reason> (<last error>)`), or undefined. */
  problem(): Promise<string | undefined>;
  /** Why the `worker` connection is not usable (`worker connection: <reason>`), or undefined. */
  workerProblem(): Promise<string | undefined>;
}

/** What createFollowerWorker takes that the replicator decides (the adapters add connection and prefix). */
export type FollowerWorkerSpec = Omit<FollowerWorkerOptions, 'connection' | 'prefix'>;

export interface ReplicatorAdapters {
  readonly stores: ReplicatorStores;
  readonly clusters: ClusterClients;
  readonly redis: RedisHealth;
  readonly board: Board;
  /** Counts the followers' Kubernetes API requests (exported by the replicator's registry). */
  readonly kubeRequests?: KubeRequestsCounter;
  /** Starts the BullMQ worker of one follower queue (over the shared `worker` connection). */
  startWorker(spec: FollowerWorkerSpec): WatchableFollowerWorker;
  /** Starts connecting (ioredis goes on reconnecting by itself until `close()`). */
  connect(): void;
  /** Closes the queues, then the connections (after the workers have closed). */
  close(): Promise<void>;
}

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

/** The Redis-backed stores over `connection` under `prefix` (the integration fixture writes through them too). */
export function createReplicatorStores(
  connection: FollowerQueuesOptions['connection'],
  prefix: string,
  queueOptions: Omit<FollowerQueuesOptions, 'connection' | 'prefix'>,
): ReplicatorStores<BullFollowerQueues> {
  return {
    log: createFederationLog({ redis: connection, prefix }),
    lockedRead: createLockedProjectionReader({ redis: connection, prefix }),
    results: createResultsStore({ redis: connection, prefix }),
    registry: createMemberRegistry({ redis: connection, prefix }),
    queues: createFollowerQueues({ connection, prefix, ...queueOptions }),
  };
}

export function createReplicatorAdapters(config: ReplicatorConfig, logger: Logger): ReplicatorAdapters {
  const prefix = config.keyPrefix;
  const target = redactRedisUrl(config.redisUrl);
  /** The last connection error of `client` since it was last ready (for /readyz and the wait log). */
  let clientError: string | undefined;
  const client = createRedisConnection(config.redisUrl, {
    role: 'client', connectionName: 'amko-fed-replicator', lazyConnect: true, onError: connectionErrorLogger(logger, 'client', (message) => (clientError = message)),
  });
  client.on('ready', () => (clientError = undefined));
  const workerConnection = createRedisConnection(config.redisUrl, {
    role: 'worker', connectionName: 'amko-fed-replicator-worker', lazyConnect: true, onError: connectionErrorLogger(logger, 'worker'),
  });
  const stores = createReplicatorStores(client, prefix, {
    defaultJobOptions: followerJobOptions({ attempts: config.retryAttempts, backoffBaseMs: config.retryBaseMs }),
    onError: connectionErrorLogger(logger, 'queues'),
  });
  const kubeRequests = createKubeRequestsCounter();
  const clusters = createClusterClients({
    source: config.gslbConfig, timeoutMs: config.kubeRequestTimeoutMs, maxConnections: config.concurrency + 1, logger,
    onRequest: (r) => kubeRequests.inc({ cluster: r.cluster, verb: r.verb, code: r.code }),
  });
  const board = createBoard({ readOnly: config.boardReadOnly, queues: stores.queues });

  return {
    stores,
    clusters,
    board,
    kubeRequests,
    redis: {
      target,
      async problem() {
        const redis = await checkRedisReady(client);
        if (redis.ready) return undefined;
        return clientError === undefined ? `${target}: ${redis.reason}` : `${target}: ${redis.reason} (${clientError})`;
      },
      async workerProblem() {
        const redis = await checkRedisReady(workerConnection);
        return redis.ready ? undefined : `worker connection: ${redis.reason}`;
      },
    },
    startWorker: (spec) => watchableWorker(createFollowerWorker({ ...spec, connection: workerConnection, prefix })),
    connect() {
      // A failed first connect rejects ("Connection is closed.") but ioredis goes on reconnecting.
      for (const connection of [client, workerConnection]) connection.connect().catch(() => undefined);
    },
    async close() {
      await board.close();
      await stores.queues.close();
      // A connection that is not ready (never connected, or reconnecting) is dropped: QUIT would
      // wait for a server that is not there. The others quit cleanly.
      await Promise.all([client, workerConnection].map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())));
    },
  };
}
