/**
 * The ports the watcher's capabilities work through. The adapters behind them (Redis, BullMQ,
 * client-node) are built by adapters.ts in the composition root; the in-memory fakes of
 * `@amko-fed/queue/testing` and `@amko-fed/kube/testing` stand in for them in unit tests. Nothing
 * below watcher.ts sees ioredis or a KubeConfig.
 */
import type { ClusterClient } from '@amko-fed/kube';
import type { KubeRequestsCounter } from '@amko-fed/service';
import type { FederationLog, FollowerQueues, MemberRegistry, RedisReadiness, ResultsStore } from '@amko-fed/queue';
import type { MemberClients } from './members/member-clients.ts';
import type { MembersKubeconfigSource } from './members/members-kubeconfig.ts';

/** The federation data set: one Redis (one key prefix) in production. */
export interface WatcherStores {
  readonly log: FederationLog;
  readonly results: ResultsStore;
  readonly registry: MemberRegistry;
  readonly queues: FollowerQueues;
}

/** Whether the stores can be reached now, and when they can be again. */
export interface StoreHealth {
  /** Answers at once (a PING with a short timeout); never throws. */
  readiness(): Promise<RedisReadiness>;
  /** `listener` runs every time the connection to the stores is (re)established. */
  onRecovered(listener: () => void): void;
}

export interface WatcherAdapters {
  /** The cluster this watcher runs in (AMKOClusters, the Lease, informers, the members secret). */
  readonly local: ClusterClient;
  readonly stores: WatcherStores;
  readonly storeHealth: StoreHealth;
  readonly memberClients: MemberClients;
  readonly membersSource: MembersKubeconfigSource;
  /** Counts the Kubernetes API requests of the local and member clients (exported by the watcher's registry). */
  readonly kubeRequests?: KubeRequestsCounter;
  /** Closes the queues and the Redis connections (after the watcher stopped). */
  close(): Promise<void>;
}
