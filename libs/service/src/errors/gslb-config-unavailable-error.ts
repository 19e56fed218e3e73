import { AmkoFedError, ErrorCode } from '@amko-fed/domain';

/**
 * `GSLB_CONFIG_FILE` cannot be read. Retryable: the file is re-read on every call, so mounting
 * the gslb-config-secret fixes it without a restart.
 */
export class GslbConfigUnavailableError extends AmkoFedError {
  readonly code = ErrorCode.GslbConfigUnavailable;
  readonly retryable = true;
}
