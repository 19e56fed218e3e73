import { AmkoFedError, ErrorCode } from '@amko-fed/domain';

/** A replay request that names no follower of this leader, or asks for all objects without a cluster. Terminal. */
export class ReplaySelectionError extends AmkoFedError {
  readonly code = ErrorCode.InvalidReplaySelection;
  readonly retryable = false;
}
