import { AmkoFedError, type AmkoFedErrorOptions } from './amko-fed-error.ts';
import { ErrorCode } from './error-code.ts';

/** A job or request names a cluster that is not a configured member. Terminal. */
export class UnknownClusterError extends AmkoFedError {
  readonly code = ErrorCode.UnknownCluster;
  readonly retryable = false;
  readonly cluster: string;

  constructor(cluster: string, options: AmkoFedErrorOptions = {}) {
    super(`unknown cluster ${cluster}: not a member of the federation`, options);
    this.cluster = cluster;
  }
}
