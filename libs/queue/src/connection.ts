/**
 * ioredis connections for the roles this system uses, readiness, and the BullMQ prerequisite
 * `maxmemory-policy noeviction`.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { parseRedisTarget, type RedisNodeAddress } from './redis-url.ts';

/**
 * A connection of any supported topology: `Redis` for a standalone server or a Sentinel-managed
 * master, `Cluster` for Redis Cluster. Both take the same commands; the stores, BullMQ and the
 * readiness checks accept either.
 */
export type RedisConnection = Redis | Cluster;

/**
 * - `client`: short commands (queues, stores). Commands fail after `maxRetriesPerRequest`
 *   reconnect attempts so callers see outages instead of hanging forever.
 * - `worker`: BullMQ Workers and blocking reads (XREAD BLOCK). BullMQ requires
 *   `maxRetriesPerRequest: null` so blocking commands survive reconnects.
 * - `subscriber`: pub/sub; same retry settings as `worker`.
 */
export const RedisRole = { client: 'client', worker: 'worker', subscriber: 'subscriber' } as const;
export type RedisRole = (typeof RedisRole)[keyof typeof RedisRole];

export interface RedisConnectionOptions {
  readonly role: RedisRole;
  /** `CLIENT SETNAME` value, shown in `CLIENT LIST`. @defaultValue `amko-fed-<role>` */
  readonly connectionName?: string;
  /** For `client` connections. @defaultValue 20 */
  readonly maxRetriesPerRequest?: number;
  /** Do not connect until the first command. @defaultValue false */
  readonly lazyConnect?: boolean;
  /** Extra ioredis options, applied last (tests, TLS CA files). */
  readonly overrides?: RedisOptions;
  /**
   * Receives connection errors (ioredis reconnects by itself). Without a listener ioredis prints
   * "Unhandled error event" to stderr; pass the logger here.
   */
  readonly onError?: (error: Error) => void;
}

/**
 * Reconnect delay after `attempt` failed attempts: 50 ms doubling to at most 5 s. Never gives up:
 * the processes are useless without Redis and the orchestrator restarts them on failed readiness.
 */
export function reconnectDelay(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(Math.max(attempt - 1, 0), 10), 5_000);
}

/** Reconnect (and resend the command) when a failover turned our node into a replica. */
function reconnectOnError(err: Error): 2 | false {
  return /^(READONLY|LOADING|MASTERDOWN)/.test(err.message) ? 2 : false;
}

/** The ioredis options for `url` in `role` (for a Cluster URL: of each node); pure, exported for tests and diagnostics. */
export function redisOptionsFor(url: string, options: RedisConnectionOptions): RedisOptions {
  const target = parseRedisTarget(url);
  return {
    ...(target.topology === 'cluster' ? target.nodeOptions : target.options),
    ...behaviourOptions(options),
  };
}

function behaviourOptions(options: RedisConnectionOptions): RedisOptions {
  const blocking = options.role !== RedisRole.client;
  return {
    connectionName: options.connectionName ?? `amko-fed-${options.role}`,
    enableReadyCheck: true,
    lazyConnect: options.lazyConnect ?? false,
    maxRetriesPerRequest: blocking ? null : (options.maxRetriesPerRequest ?? 20),
    retryStrategy: reconnectDelay,
    reconnectOnError,
    ...options.overrides,
  };
}

/**
 * The ioredis Cluster options for a Cluster URL in `role` (pure). Node connections get the role's
 * options (credentials, TLS, `maxRetriesPerRequest`, connection name); the cluster client retries
 * a command while a failover moves its slot (connection closed, CLUSTERDOWN, TRYAGAIN) for about
 * 10 s before the caller sees the error, and reconnects forever (`reconnectDelay`).
 */
export function clusterOptionsFor(url: string, options: RedisConnectionOptions): { nodes: RedisNodeAddress[]; options: ClusterOptions } {
  const target = parseRedisTarget(url);
  if (target.topology !== 'cluster') throw new TypeError('clusterOptionsFor needs a redis-cluster:// or rediss-cluster:// URL');
  const { retryStrategy, enableOfflineQueue, lazyConnect, ...nodeOverrides } = { ...behaviourOptions(options) };
  return {
    nodes: [...target.nodes],
    options: {
      redisOptions: { ...target.nodeOptions, ...nodeOverrides },
      // ioredis node connections do not reconnect by themselves in a cluster; the cluster does.
      clusterRetryStrategy: (times) => (retryStrategy === undefined || retryStrategy === null ? reconnectDelay(times) : retryStrategy(times)),
      ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      enableReadyCheck: true,
      scaleReads: 'master',
      maxRedirections: 32,
      retryDelayOnFailover: 300,
      retryDelayOnClusterDown: 300,
      retryDelayOnTryAgain: 300,
      slotsRefreshTimeout: 2_000,
    },
  };
}

function newCluster(url: string, options: RedisConnectionOptions): Cluster {
  const { nodes, options: clusterOptions } = clusterOptionsFor(url, options);
  return new Cluster(nodes, clusterOptions);
}

/**
 * A new ioredis connection for any supported URL (the one place the workloads and the CLI create
 * Redis connections); the caller owns it and must `quit()` it.
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions): RedisConnection {
  const connection = parseRedisTarget(url).topology === 'cluster' ? newCluster(url, options) : new Redis(redisOptionsFor(url, options));
  const { onError } = options;
  if (onError) connection.on('error', onError);
  return connection;
}

/**
 * A connection like `connection` for blocking reads or pub/sub (`maxRetriesPerRequest: null`),
 * e.g. for `watchMembers` and `followResults`.
 */
export function duplicateForBlocking(connection: RedisConnection, connectionName?: string): RedisConnection {
  const name = connectionName !== undefined ? { connectionName } : {};
  if (connection instanceof Cluster) {
    return connection.duplicate([], { redisOptions: { ...connection.options.redisOptions, maxRetriesPerRequest: null, ...name } });
  }
  return connection.duplicate({ maxRetriesPerRequest: null, ...name });
}

export type RedisReadiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** PING within `timeoutMs` (readiness probes); never throws, never waits for reconnects. */
export async function checkRedisReady(connection: RedisConnection, timeoutMs = 1_000): Promise<RedisReadiness> {
  if (connection.status !== 'ready') return { ready: false, reason: `connection is ${connection.status}` };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<RedisReadiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `PING timed out after ${timeoutMs} ms` }), timeoutMs);
  });
  const ping = connection.ping().then(
    (answer): RedisReadiness => (answer === 'PONG' ? { ready: true } : { ready: false, reason: `PING answered ${answer}` }),
    (error: unknown): RedisReadiness => ({
      ready: false,
      reason: `PING failed: ${error instanceof Error ? error.message : String(error)}`,
    }),
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface EvictionPolicyCheck {
  /** The server's `maxmemory_policy`, or undefined when INFO does not show it. */
  readonly policy: string | undefined;
  /** Set when the policy is not `noeviction` (BullMQ may lose keys under memory pressure). */
  readonly warning: string | undefined;
}

/** The eviction check for the text of `INFO memory` (pure). */
export function evictionPolicyFromInfo(info: string): EvictionPolicyCheck {
  const line = info.split(/\r?\n/).find((l) => l.startsWith('maxmemory_policy:'));
  const policy = line?.slice('maxmemory_policy:'.length).trim();
  if (policy === 'noeviction') return { policy, warning: undefined };
  return {
    policy,
    warning:
      policy === undefined
        ? 'Could not read maxmemory_policy from INFO memory; BullMQ needs "noeviction"'
        : `Redis maxmemory-policy is "${policy}"; BullMQ needs "noeviction" or queued jobs may be evicted`,
  };
}

/**
 * Reads `maxmemory_policy` from `INFO memory` (works where `CONFIG` is disabled, e.g. managed
 * Redis) and returns a warning when it is not `noeviction`; on a Cluster, of every master (the
 * first one with a wrong policy is reported). Does not throw for a wrong policy; a failed INFO
 * command rejects.
 */
export async function checkEvictionPolicy(connection: RedisConnection): Promise<EvictionPolicyCheck> {
  if (connection instanceof Cluster) {
    const checks = await Promise.all(connection.nodes('master').map(async (node) => evictionPolicyFromInfo(await node.info('memory'))));
    return checks.find((c) => c.warning !== undefined) ?? checks[0] ?? evictionPolicyFromInfo('');
  }
  return evictionPolicyFromInfo(await connection.info('memory'));
}
