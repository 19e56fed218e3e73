import { AmkoFedError, type AmkoFedErrorOptions } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

/**
 * Refusal to write into a cluster whose AMKOCluster says `isLeader: true` (dual-leader fencing).
 * Terminal for the job; the member is re-driven once it is a valid follower again.
 */
export class FencedLeaderError extends AmkoFedError {
  readonly code = ErrorCode.FencedLeader;
  readonly retryable = false;
  readonly cluster: string;

  constructor(cluster: string, options: AmkoFedErrorOptions = {}) {
    super(`refusing to write into cluster ${cluster}: its AMKOCluster says isLeader: true`, options);
    this.cluster = cluster;
  }
}
