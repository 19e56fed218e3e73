/** Stable error codes: safe to match on, log and store (they never change meaning). */
export const ErrorCode = {
  InvalidPayload: 'INVALID_PAYLOAD',
  InvalidJobPayload: 'INVALID_JOB_PAYLOAD',
  InvalidName: 'INVALID_NAME',
  UnknownCluster: 'UNKNOWN_CLUSTER',
  FencedLeader: 'FENCED_LEADER',
  SchemaRejected: 'SCHEMA_REJECTED',
  RequestRejected: 'REQUEST_REJECTED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  Throttled: 'THROTTLED',
  Unavailable: 'UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
