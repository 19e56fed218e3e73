/** Default BullMQ job options of follower queues. */
import type { DefaultJobOptions } from 'bullmq';
import { CAPPED_JITTER_BACKOFF, DEFAULT_BACKOFF } from './backoff.ts';

/** The BullMQ job name of replication jobs. */
export const REPLICATE_JOB_NAME = 'replicate' as const;

export interface FollowerJobOptionsInput {
  /** Attempts per job before it is failed (kept for replay). @defaultValue 15 */
  readonly attempts?: number;
  /** Base delay (first retry's ceiling) read by `cappedJitterBackoffStrategy`. @defaultValue 200 */
  readonly backoffBaseMs?: number;
  /** Any other BullMQ default job options, applied last. */
  readonly overrides?: DefaultJobOptions;
}

/**
 * attempts 15; backoff `capped-jitter` (the replicator's Worker registers
 * `cappedJitterBackoffStrategy` in `settings.backoffStrategy`); completed jobs kept ≤ 1000 and
 * ≤ 1 h; failed jobs kept (≤ 5000) for replay.
 */
export function followerJobOptions(input: FollowerJobOptionsInput = {}): DefaultJobOptions {
  const attempts = input.attempts ?? 15;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError('attempts must be a positive integer');
  return {
    attempts,
    backoff: { type: CAPPED_JITTER_BACKOFF, delay: input.backoffBaseMs ?? DEFAULT_BACKOFF.baseMs },
    removeOnComplete: { count: 1000, age: 3600 },
    removeOnFail: { count: 5000 },
    ...input.overrides,
  };
}
