import { AmkoFedError, ErrorCode, type AmkoFedErrorOptions } from '@amko-fed/domain';

/**
 * A failure the CLI reports as one clear line on stderr, with a non-zero exit code. Not retryable
 * by the CLI itself: the operator reads the line and decides.
 */
export class CliError extends AmkoFedError {
  readonly code = ErrorCode.CliFailed;
  readonly retryable = false;
  readonly exitCode: number;

  constructor(message: string, exitCode = 1, options: AmkoFedErrorOptions = {}) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/**
 * Exit codes: 1 = the operation failed, 2 = the input is wrong (kubectl/getopt convention);
 * `status` also: 3 = not in sync yet (something pending, nothing failed), 4 = something failed
 * (an object, a member, or an AMKOCluster condition that is not AMKO's success string).
 */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_PENDING = 3;
export const EXIT_FAILED_STATE = 4;
