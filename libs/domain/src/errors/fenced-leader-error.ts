import { AmkoFedError, type AmkoFedErrorOptions } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

export interface FencedLeaderErrorOptions extends AmkoFedErrorOptions {
  /**
   * Why the write is refused, when it is not the follower saying `isLeader: true`: e.g. its fencing
   * token names a later leader (`fencedMessage`).
   */
  readonly reason?: string;
}

/**
 * Refusal to write into a cluster: its AMKOCluster says `isLeader: true` (dual-leader fencing), or
 * it follows a later leadership than this leader's (epoch fencing). Terminal for the job; the
 * member is re-driven once it is a valid follower of this leader again.
 */
export class FencedLeaderError extends AmkoFedError {
  readonly code = ErrorCode.FencedLeader;
  readonly retryable = false;
  readonly cluster: string;

  constructor(cluster: string, options: FencedLeaderErrorOptions = {}) {
    super(options.reason ?? `refusing to write into cluster ${cluster}: its AMKOCluster says isLeader: true`, options);
    this.cluster = cluster;
  }
}
