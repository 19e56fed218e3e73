// Public surface of @amko-fed/queue (see README.md). The records it stores (jobs, events,
// projection entries, member documents, results) are @amko-fed/domain's; import them from there.
export { InvalidRecordError } from './errors/invalid-record-error.ts';
export { InvalidRedisUrlError } from './errors/invalid-redis-url-error.ts';
export { RedisCommandError } from './errors/redis-command-error.ts';
export { ClosedError } from './errors/closed-error.ts';
export { StoreChangedError, StoreChange } from './errors/store-changed-error.ts';
export { ReplaySelectionError } from './errors/replay-selection-error.ts';

export {
  RedisRole,
  createRedisConnection,
  redisOptionsFor,
  clusterOptionsFor,
  reconnectDelay,
  duplicateForBlocking,
  checkRedisReady,
  checkEvictionPolicy,
  evictionPolicyFromInfo,
  type RedisConnection,
  type RedisConnectionOptions,
  type RedisReadiness,
  type EvictionPolicyCheck,
} from './connection.ts';
export { parseRedisUrl, parseRedisTarget, redactRedisUrl, redisUrlProblem, REDIS_URL_FORMS, type RedisTarget, type RedisNodeAddress } from './redis-url.ts';

export {
  DEFAULT_KEY_PREFIX,
  FOLLOWER_QUEUE_PREFIX,
  followerQueueName,
  clusterOfQueueName,
  assertKeyPrefix,
  hashTagOf,
  federationKeys,
  type FederationKeys,
} from './names.ts';

export {
  CAPPED_JITTER_BACKOFF,
  DEFAULT_BACKOFF,
  cappedJitterBackoff,
  cappedJitterBackoffStrategy,
  type CappedJitterOptions,
  type RetryAfterCarrier,
} from './backoff.ts';

export { REPLICATE_JOB_NAME, followerJobOptions, type FollowerJobOptionsInput } from './follower-job-options.ts';
export {
  createFollowerQueues,
  type FollowerQueues,
  type BullFollowerQueues,
  type FollowerQueuesOptions,
  type FollowerQueue,
  type EnqueueResult,
  type JobCounts,
  type FailedJob,
  type FailedJobFilter,
} from './follower-queues.ts';

export {
  createFederationLog,
  type ClaimedIncarnation,
  type ClaimIncarnationOptions,
  type StoreGuard,
  type StoreState,
  type FederationLog,
  type FederationLogOptions,
  type AppendResult,
  type ProjectionListing,
  type ReadEventsOptions,
  type ReadEventsResult,
  type PruneHistoryResult,
} from './federation-log.ts';

export {
  createMemberRegistry,
  type MemberRegistry,
  type MemberRegistryOptions,
  type WatchMembersOptions,
} from './member-registry.ts';

export {
  createResultsStore,
  type ResultsStore,
  type ResultsStoreOptions,
  type LatestChange,
  type RecordedResult,
  type ResultsPage,
  type FollowResultsOptions,
  type ResultsFollower,
} from './results-store.ts';
export { replay, type ReplaySelection, type ReplayResult, type ReplayDeps } from './replay.ts';
export {
  createLockedProjectionReader,
  type HeldJobLock,
  type LockedProjectionRead,
  type LockedProjectionReader,
  type LockedProjectionReaderOptions,
} from './locked-projection-read.ts';
