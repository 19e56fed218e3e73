// Records: what flows between the workloads through Redis (jobs, federation log, member registry,
// results). Schemas and the pure rules over them; the Redis adapters live in @amko-fed/queue.
export { ObjectKeySchema } from './object-key-schema.ts';
export { describeIssues } from './zod-issues.ts';
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
  MemberState,
  MemberSchema,
  MembersDocumentSchema,
  PublishMembersInputSchema,
  type Member,
  type MembersDocument,
  type PublishMembersInput,
} from './member-records.ts';
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
  HistoryChange,
  ChangeOriginSchema,
  HistoryEntrySchema,
  DEFAULT_HISTORY_RETENTION,
  assertHistoryRetention,
  type HistoryEntry,
  type HistoryRetention,
} from './history-records.ts';
