import { parseObjectKey, type DecodeJobResult } from '@amko-fed/domain';
import type { FailedJobFilter } from './follower-queues.ts';

/** Whether a failed job's payload matches a `failedJobs`/`retryFailed` filter (as the BullMQ adapter). */
export function matchesFailedFilter(decoded: DecodeJobResult, filter: FailedJobFilter): boolean {
  if (filter.kind === undefined && filter.objectKey === undefined) return true;
  if (!decoded.ok) return false;
  if (filter.objectKey !== undefined && decoded.job.objectKey !== filter.objectKey) return false;
  if (filter.kind !== undefined && parseObjectKey(decoded.job.objectKey)?.kind !== filter.kind) return false;
  return true;
}
