import { AmkoFedError, ErrorCode } from '@amko-fed/domain';

/** The component was closed; create a new one to continue. Terminal. */
export class ClosedError extends AmkoFedError {
  readonly code = ErrorCode.Closed;
  readonly retryable = false;

  constructor(component: string) {
    super(`${component} is closed`);
  }
}
