/**
 * Stable error codes: safe to match on, log and store (they never change meaning). One list for
 * every error class of the system (ADR 0007), whichever library or app raises it.
 */
export const ErrorCode = {
  // domain: payloads, names, clusters
  InvalidPayload: 'INVALID_PAYLOAD',
  InvalidJobPayload: 'INVALID_JOB_PAYLOAD',
  InvalidName: 'INVALID_NAME',
  UnknownCluster: 'UNKNOWN_CLUSTER',
  FencedLeader: 'FENCED_LEADER',
  // API server responses (classifyHttpStatus)
  SchemaRejected: 'SCHEMA_REJECTED',
  RequestRejected: 'REQUEST_REJECTED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  Throttled: 'THROTTLED',
  Unavailable: 'UNAVAILABLE',
  // Redis side (@amko-fed/queue)
  InvalidRecord: 'INVALID_RECORD',
  InvalidRedisUrl: 'INVALID_REDIS_URL',
  RedisCommandFailed: 'REDIS_COMMAND_FAILED',
  Closed: 'CLOSED',
  StoreChanged: 'STORE_CHANGED',
  InvalidReplaySelection: 'INVALID_REPLAY_SELECTION',
  // workload plumbing (@amko-fed/service)
  ConfigInvalid: 'CONFIG_INVALID',
  GslbConfigUnavailable: 'GSLB_CONFIG_UNAVAILABLE',
  // apps
  ResyncIncomplete: 'RESYNC_INCOMPLETE',
  /** A replicator attempt stopped because the replicator is shutting down (retried). */
  Interrupted: 'INTERRUPTED',
  /** What the replicator records for a failure that is not one of these classes (a bug, an unexpected throw). */
  Unexpected: 'UNEXPECTED',
  CliFailed: 'CLI_FAILED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
