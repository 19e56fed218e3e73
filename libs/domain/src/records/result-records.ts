/** Per-(follower, object) replication results, written by replicators, read by the status aggregator. */
import { z } from 'zod';
import { isValidClusterName } from '../cluster-name.ts';
import { ObjectKeySchema } from './object-key-schema.ts';

export const ResultOutcome = {
  created: 'created',
  updated: 'updated',
  deleted: 'deleted',
  noop: 'noop',
  failed: 'failed',
  /** Refused: the follower's AMKOCluster says it is a leader. */
  fenced: 'fenced',
} as const;
export type ResultOutcome = (typeof ResultOutcome)[keyof typeof ResultOutcome];

/** Whether an outcome means the follower does not hold the applied state (failed or fenced). */
export function isFailedOutcome(outcome: ResultOutcome): boolean {
  return outcome === ResultOutcome.failed || outcome === ResultOutcome.fenced;
}

/** Longest stored `errorMessage`; longer ones are cut and end with `…`. */
export const MAX_ERROR_MESSAGE_LENGTH = 1024;

export const ResultRecordSchema = z.object({
  cluster: z.string().refine(isValidClusterName, { message: 'must be a valid cluster (context) name' }),
  objectKey: ObjectKeySchema,
  outcome: z.enum(['created', 'updated', 'deleted', 'noop', 'failed', 'fenced']),
  /** The projection seq that was applied (or attempted). */
  seq: z.number().int().min(0),
  /** Content hash of the applied state (absent for deletes and failures before reading). */
  contentHash: z.string().optional(),
  /** Attempts made, including this one. */
  attempts: z.number().int().min(0),
  /** Stable error code (`code` of the error class) when outcome is failed/fenced. */
  errorCode: z.string().max(128).optional(),
  /** Secret-free message (callers redact); at most MAX_ERROR_MESSAGE_LENGTH characters. */
  errorMessage: z.string().max(MAX_ERROR_MESSAGE_LENGTH).optional(),
  at: z.iso.datetime({ offset: true }),
  /** When the job was enqueued (for end-to-end latency). */
  enqueuedAt: z.iso.datetime({ offset: true }).optional(),
});
export type ResultRecord = z.infer<typeof ResultRecordSchema>;
export type ResultRecordInput = z.input<typeof ResultRecordSchema>;

/** An entry of the results stream: a recorded result, or all results of a cluster were cleared. */
export type ResultStreamEntry =
  | { readonly id: string; readonly type: 'result'; readonly record: ResultRecord }
  | { readonly id: string; readonly type: 'cleared'; readonly cluster: string };

/** Cuts a message to MAX_ERROR_MESSAGE_LENGTH characters (without splitting a surrogate pair). */
export function capErrorMessage(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE_LENGTH) return message;
  let cut = MAX_ERROR_MESSAGE_LENGTH - 1;
  const code = message.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${message.slice(0, cut)}…`;
}
