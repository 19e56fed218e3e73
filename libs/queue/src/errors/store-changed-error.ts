import { AmkoFedError, ErrorCode } from '@amko-fed/domain';

/** Why the data set is not the one the writer knows. */
export const StoreChange = {
  /** The incarnation id is missing or different: Redis lost its data (restart without AOF, FLUSHALL, a new Redis). */
  replaced: 'replaced',
  /** The seq counter is below a seq the writer has seen: Redis was restored from an older snapshot. */
  rolledBack: 'rolled-back',
} as const;
export type StoreChange = (typeof StoreChange)[keyof typeof StoreChange];

/**
 * A guarded write found Redis holding another data set than the writer's (see `StoreGuard`);
 * nothing was written. Retryable once the writer has rebuilt its view of the store.
 */
export class StoreChangedError extends AmkoFedError {
  readonly code = ErrorCode.StoreChanged;
  readonly retryable = true;
  readonly change: StoreChange;

  constructor(change: StoreChange) {
    super(
      change === StoreChange.replaced
        ? 'Redis holds a different federation data set than this writer knows (data lost or replaced)'
        : 'Redis holds an older federation data set than this writer knows (restored from an older snapshot)',
    );
    this.change = change;
  }
}
