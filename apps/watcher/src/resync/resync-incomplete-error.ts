import { AmkoFedError, ErrorCode, type AmkoFedErrorOptions } from '@amko-fed/domain';

/** A resync could not record every object in the federation log (Redis unavailable); it is retried. */
export class ResyncIncompleteError extends AmkoFedError {
  readonly code = ErrorCode.ResyncIncomplete;
  readonly retryable = true;

  constructor(message: string, options: AmkoFedErrorOptions = {}) {
    super(message, options);
  }
}
