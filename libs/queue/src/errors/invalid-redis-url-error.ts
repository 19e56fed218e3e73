import { AmkoFedError, ErrorCode, type AmkoFedErrorOptions } from '@amko-fed/domain';

/** A Redis URL that cannot be parsed. The message carries the redacted URL only. Terminal. */
export class InvalidRedisUrlError extends AmkoFedError {
  readonly code = ErrorCode.InvalidRedisUrl;
  readonly retryable = false;
  /** What is wrong and how to fix it, without the URL (safe to show; names no secret). */
  readonly reason: string;

  constructor(redactedUrl: string, reason: string, options: AmkoFedErrorOptions = {}) {
    super(`Invalid Redis URL ${redactedUrl}: ${reason}`, options);
    this.reason = reason;
  }
}
