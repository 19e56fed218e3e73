/**
 * HTTP status → failure class, shared by every adapter that talks to an API server, so that
 * "retryable or terminal" is decided in one place.
 */
import type { AmkoFedError, AmkoFedErrorOptions } from './amko-fed-error.ts';
import { ConflictError } from './conflict-error.ts';
import { ForbiddenError } from './forbidden-error.ts';
import { NotFoundError } from './not-found-error.ts';
import { RequestRejectedError } from './request-rejected-error.ts';
import { SchemaRejectedError } from './schema-rejected-error.ts';
import { ThrottledError } from './throttled-error.ts';
import { UnavailableError } from './unavailable-error.ts';

export const HttpStatusClass = {
  Success: 'success',
  SchemaRejected: 'schema-rejected',
  Forbidden: 'forbidden',
  NotFound: 'not-found',
  Conflict: 'conflict',
  Throttled: 'throttled',
  Unavailable: 'unavailable',
  Rejected: 'rejected',
} as const;
export type HttpStatusClass = (typeof HttpStatusClass)[keyof typeof HttpStatusClass];

export interface HttpStatusClassification {
  readonly class: HttpStatusClass;
  /** Meaningless for `success`; for failures, whether the same request may succeed later. */
  readonly retryable: boolean;
}

/**
 * Classifies a status code. 0 (or any non-integer) means no response arrived (network error,
 * timeout) and is `unavailable`. 410 Gone (resourceVersion too old) is a `conflict`: re-read.
 */
export function classifyHttpStatus(status: number): HttpStatusClassification {
  if (!Number.isInteger(status) || status <= 0) return { class: HttpStatusClass.Unavailable, retryable: true };
  if (status >= 200 && status < 300) return { class: HttpStatusClass.Success, retryable: false };
  if (status === 400 || status === 422) return { class: HttpStatusClass.SchemaRejected, retryable: false };
  if (status === 401 || status === 403) return { class: HttpStatusClass.Forbidden, retryable: true };
  if (status === 404) return { class: HttpStatusClass.NotFound, retryable: true };
  if (status === 409 || status === 410) return { class: HttpStatusClass.Conflict, retryable: true };
  if (status === 429) return { class: HttpStatusClass.Throttled, retryable: true };
  if (status === 408 || status >= 500) return { class: HttpStatusClass.Unavailable, retryable: true };
  return { class: HttpStatusClass.Rejected, retryable: false };
}

export interface HttpErrorOptions extends AmkoFedErrorOptions {
  /** For 429: the parsed Retry-After (see `parseRetryAfterMs`). */
  readonly retryAfterMs?: number | undefined;
}

/** The error class for a failed response; undefined for 2xx. */
export function errorForHttpStatus(status: number, message: string, options: HttpErrorOptions = {}): AmkoFedError | undefined {
  const { class: statusClass } = classifyHttpStatus(status);
  const base = { cause: options.cause };
  switch (statusClass) {
    case HttpStatusClass.Success:
      return undefined;
    case HttpStatusClass.SchemaRejected:
      return new SchemaRejectedError(message, { ...base, status });
    case HttpStatusClass.Forbidden:
      return new ForbiddenError(message, base);
    case HttpStatusClass.NotFound:
      return new NotFoundError(message, base);
    case HttpStatusClass.Conflict:
      return new ConflictError(message, base);
    case HttpStatusClass.Throttled:
      return new ThrottledError(message, { ...base, retryAfterMs: options.retryAfterMs });
    case HttpStatusClass.Unavailable:
      return new UnavailableError(message, { ...base, status: status > 0 ? status : undefined });
    case HttpStatusClass.Rejected:
      return new RequestRejectedError(message, base);
    default: {
      const _exhaustive: never = statusClass;
      return undefined;
    }
  }
}

/**
 * Retry-After (RFC 9110): delay-seconds or an HTTP-date, to milliseconds from `nowMs` (never
 * negative). Undefined when absent or unreadable. The clock is an argument: this stays pure.
 */
export function parseRetryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date) || !/[a-z]/i.test(trimmed)) return undefined;
  return Math.max(0, date - nowMs);
}
