import { AmkoFedError, ErrorCode, type AmkoFedErrorOptions } from '@amko-fed/domain';

/** The kubeconfig cannot be used for a context. Terminal until the secret is fixed. */
export class KubeConfigError extends AmkoFedError {
  readonly code = ErrorCode.UnknownCluster;
  readonly retryable = false;

  constructor(message: string, options: AmkoFedErrorOptions = {}) {
    super(message, options);
  }
}
