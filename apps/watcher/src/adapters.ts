/**
 * The watcher's adapters, built once by the composition root (main.ts, the in-process test
 * harness): the local cluster client from LOCAL_KUBECONFIG / the in-cluster config, the Redis
 * connections and the stores on them (follower queues, federation log, member registry, results),
 * the member clients and the members kubeconfig source. Only this file sees ioredis and the kubeconfig.
 */
import { readFile } from 'node:fs/promises';
import { localClusterClient } from '@amko-fed/kube';
import {
  checkEvictionPolicy,
  checkRedisReady,
  createFederationLog,
  createFollowerQueues,
  createMemberRegistry,
  createRedisConnection,
  createResultsStore,
  redactRedisUrl,
} from '@amko-fed/queue';
import { createKubeRequestsCounter } from '@amko-fed/service';
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { WatcherConfig } from './config.ts';
import { createMemberClients } from './members/member-clients.ts';
import { createMembersKubeconfigSource } from './members/members-kubeconfig.ts';
import type { WatcherAdapters } from './ports.ts';

export async function createWatcherAdapters(config: WatcherConfig, rootLogger: Logger, clock: Clock): Promise<WatcherAdapters> {
  const logger = rootLogger.child({ component: 'watcher' });
  const kubeRequests = createKubeRequestsCounter();
  const onRequest = (r: { cluster: string; verb: string; code: string }): void => void kubeRequests.inc({ cluster: r.cluster, verb: r.verb, code: r.code });
  // Static kubeconfig credentials and the in-cluster service account never load client-node.
  const { kubeconfigFile, context, inCluster } = config.local;
  const local = await localClusterClient(
    kubeconfigFile === undefined ? { kind: 'in-cluster', ...inCluster } : { kind: 'kubeconfig', text: await readFile(kubeconfigFile, 'utf8'), context },
    { timeoutMs: config.kubeTimeoutMs, onRequest },
  );

  // Fail fast while Redis is away (no offline queue): role, member and status work must not wait
  // behind queued Redis commands; everything that needs Redis retries on its own.
  const redis = createRedisConnection(config.redisUrl, { role: 'client', connectionName: 'amko-fed-watcher', overrides: { enableOfflineQueue: false } });
  const recovered: (() => void)[] = [];
  let redisDown: string | undefined;
  redis.on('error', (err: Error) => {
    if (redisDown !== err.message) logger.warn({ err, redis: redactRedisUrl(config.redisUrl) }, 'Redis is not reachable, retrying');
    redisDown = err.message;
  });
  redis.on('ready', () => {
    if (redisDown !== undefined) logger.info({ redis: redactRedisUrl(config.redisUrl) }, 'Redis is reachable again');
    redisDown = undefined;
    for (const listener of recovered) listener();
    checkEvictionPolicy(redis).then(
      (check) => check.warning !== undefined && logger.warn({ policy: check.policy }, check.warning),
      () => undefined,
    );
  });
  const prefix = config.keyPrefix;
  const queues = createFollowerQueues({ connection: redis, prefix, onError: (err, cluster) => logger.warn({ err, cluster }, 'Follower queue error') });
  const log = createFederationLog({ redis, prefix, clock, history: config.history });
  const registry = createMemberRegistry({ redis, prefix, clock });
  // The results store follows a stream with blocking reads on a duplicate of its connection; that
  // one keeps ioredis' offline queue, so a read issued while (re)connecting waits instead of failing.
  const resultsRedis = createRedisConnection(config.redisUrl, { role: 'client', connectionName: 'amko-fed-watcher-results' });
  // Errors are reported through the main connection's events. A reconnect of this one alone (a
  // failover the main connection did not notice) also counts as a recovery: the server it reads
  // now may lack results the previous one held, and the resync that follows confirms them again.
  let resultsDown = false;
  resultsRedis.on('error', () => undefined);
  resultsRedis.on('close', () => {
    resultsDown = true;
  });
  resultsRedis.on('ready', () => {
    if (!resultsDown) return;
    resultsDown = false;
    for (const listener of recovered) listener();
  });
  const results = createResultsStore({ redis: resultsRedis, prefix });

  return {
    local,
    stores: { log, results, registry, queues },
    storeHealth: {
      readiness: () => checkRedisReady(redis),
      onRecovered: (listener) => void recovered.push(listener),
    },
    memberClients: createMemberClients({ timeoutMs: config.kubeTimeoutMs, onRequest }),
    kubeRequests,
    membersSource: createMembersKubeconfigSource({ ...config.gslbConfig, local, namespace: config.podNamespace }),
    async close() {
      await queues.close().catch((err: unknown) => logger.warn({ err }, 'Could not close follower queues'));
      await redis.quit().catch(() => redis.disconnect());
      await resultsRedis.quit().catch(() => resultsRedis.disconnect());
    },
  };
}
