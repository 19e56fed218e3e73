import { QueueError } from './queue-error.ts';

/** A Redis URL that cannot be parsed. The message carries the redacted URL only. */
export class InvalidRedisUrlError extends QueueError {
  readonly code = 'INVALID_REDIS_URL';
  readonly terminal = true;

  constructor(redactedUrl: string, reason: string, options?: { cause?: unknown }) {
    super(`Invalid Redis URL ${redactedUrl}: ${reason}`, options);
  }
}
