// Public surface of @amko-fed/queue (see README.md).
export { QueueError } from './errors/queue-error.ts';
export { InvalidJobPayloadError } from './errors/invalid-job-payload-error.ts';
export { InvalidRecordError } from './errors/invalid-record-error.ts';
export { InvalidNameError } from './errors/invalid-name-error.ts';
export { InvalidRedisUrlError } from './errors/invalid-redis-url-error.ts';
export { RedisCommandError } from './errors/redis-command-error.ts';
export { ClosedError } from './errors/closed-error.ts';
export { StoreChangedError, StoreChange } from './errors/store-changed-error.ts';

export {
  RedisRole,
  createRedisConnection,
  redisOptionsFor,
  reconnectDelay,
  duplicateForBlocking,
  checkRedisReady,
  checkEvictionPolicy,
  evictionPolicyFromInfo,
  type RedisConnectionOptions,
  type RedisReadiness,
  type EvictionPolicyCheck,
} from './connection.ts';
export { parseRedisUrl, redactRedisUrl } from './redis-url.ts';

export {
  DEFAULT_KEY_PREFIX,
  FOLLOWER_QUEUE_PREFIX,
  followerQueueName,
  clusterOfQueueName,
  assertClusterName,
  isValidClusterName,
  assertKeyPrefix,
  hashTagOf,
  federationKeys,
  type FederationKeys,
} from './names.ts';

export {
  JobReason,
  ReplicationJobSchema,
  encodeJob,
  decodeJob,
  deduplicationIdOf,
  type ReplicationJob,
  type DecodeJobResult,
} from './job-codec.ts';

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
  type FollowerQueuesOptions,
  type FollowerQueue,
  type EnqueueResult,
  type JobCounts,
  type FailedJob,
  type FailedJobFilter,
} from './follower-queues.ts';

export {
  EventOp,
  EventSource,
  AppendEventInputSchema,
  FederationEventSchema,
  ProjectionEntrySchema,
  type AppendEventInput,
  type FederationEvent,
  type ProjectionEntry,
  type ProjectionState,
} from './federation-records.ts';
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
} from './federation-log.ts';

export {
  MemberState,
  MemberSchema,
  MembersDocumentSchema,
  PublishMembersInputSchema,
  type Member,
  type MembersDocument,
  type PublishMembersInput,
} from './member-records.ts';
export {
  createMemberRegistry,
  type MemberRegistry,
  type MemberRegistryOptions,
  type WatchMembersOptions,
} from './member-registry.ts';

export {
  ResultOutcome,
  isFailedOutcome,
  ResultRecordSchema,
  MAX_ERROR_MESSAGE_LENGTH,
  capErrorMessage,
  type ResultRecord,
  type ResultRecordInput,
  type ResultStreamEntry,
} from './result-records.ts';
export {
  createResultsStore,
  type ResultsStore,
  type ResultsStoreOptions,
  type RecordResultOptions,
  type ResultsPage,
  type FollowResultsOptions,
  type ResultsFollower,
} from './results-store.ts';
export { replay, ReplaySelectionError, type ReplaySelection, type ReplayResult, type ReplayDeps } from './replay.ts';
