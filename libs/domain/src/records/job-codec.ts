/**
 * The replication job: identity only. The worker reads the object's latest state from the
 * projection when it runs, so a retried, replayed or reordered job never pushes older state.
 */
import { z } from 'zod';
import { encodeClusterName, isValidClusterName } from '../cluster-name.ts';
import { InvalidJobPayloadError } from '../errors/invalid-job-payload-error.ts';
import { ObjectKeySchema } from './object-key-schema.ts';
import { describeIssues } from './zod-issues.ts';

/** Why a job was enqueued: a watch event, a periodic/initial resync, or a replay/re-drive. */
export const JobReason = { event: 'event', resync: 'resync', replay: 'replay' } as const;
export type JobReason = (typeof JobReason)[keyof typeof JobReason];

export const ReplicationJobSchema = z.object({
  /** The follower cluster (kubeconfig context) to apply to. */
  cluster: z.string().refine(isValidClusterName, { message: 'must be a valid cluster (context) name' }),
  objectKey: ObjectKeySchema,
  /**
   * The projection seq that caused the job: a lower bound of what the worker applies (it reads the
   * latest projection entry, which may be newer).
   */
  seq: z.number().int().min(0),
  reason: z.enum(['event', 'resync', 'replay']).optional(),
});
export type ReplicationJob = z.infer<typeof ReplicationJobSchema>;

export type DecodeJobResult =
  | { readonly ok: true; readonly job: ReplicationJob }
  | { readonly ok: false; readonly error: InvalidJobPayloadError };

/** Validates and returns the plain object stored as BullMQ job data. Throws InvalidJobPayloadError. */
export function encodeJob(job: ReplicationJob): ReplicationJob {
  const result = decodeJob(job);
  if (!result.ok) throw result.error;
  const { cluster, objectKey, seq, reason } = result.job;
  return reason === undefined ? { cluster, objectKey, seq } : { cluster, objectKey, seq, reason };
}

/** Decodes BullMQ job data; an invalid payload is a terminal `InvalidJobPayloadError`, never a throw. */
export function decodeJob(data: unknown): DecodeJobResult {
  const parsed = ReplicationJobSchema.safeParse(data);
  if (parsed.success) return { ok: true, job: parsed.data };
  return { ok: false, error: new InvalidJobPayloadError(describeIssues(parsed.error), { cause: parsed.error }) };
}

/**
 * The deduplication id of a job: `<cluster>/<objectKey>`, the cluster encoded as in Redis keys
 * (`encodeClusterName`: unchanged for plain names), since BullMQ puts the id into a key.
 */
export function deduplicationIdOf(job: Pick<ReplicationJob, 'cluster' | 'objectKey'>): string {
  return `${encodeClusterName(job.cluster)}/${job.objectKey}`;
}
