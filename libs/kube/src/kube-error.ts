/**
 * Maps failures of API requests to the domain's classified errors, for both request paths: the
 * lean one (`kube-transport.ts`: a status code, a body and headers, or a thrown network error) and
 * client-node's (an ApiException, or whatever its fetch threw). Messages carry the API server's
 * Status message (never request headers, so never a token).
 */
import type { ApiException } from '@kubernetes/client-node';
import { UnavailableError, errorForHttpStatus, parseRetryAfterMs, type AmkoFedError, isAmkoFedError } from '@amko-fed/domain';
import { loadedClientNode } from './client-node.ts';

interface StatusBody {
  message?: unknown;
  reason?: unknown;
}

function statusMessage(body: unknown): string | undefined {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.length > 0 ? body.slice(0, 500) : undefined;
    }
  }
  if (parsed && typeof parsed === 'object') {
    const { message } = parsed as StatusBody;
    if (typeof message === 'string') return message;
  }
  return undefined;
}

function headerValue(headers: Readonly<Record<string, string | string[] | undefined>> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * The classified error of an API answer with a failure status: the Status `message` of `body`
 * (JSON text or an object) after `operation`, Retry-After for 429. Undefined for 2xx.
 */
export function errorForResponse(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string | string[] | undefined>> | undefined,
  operation: string,
  nowMs: number = Date.now(),
): AmkoFedError | undefined {
  const message = statusMessage(body) ?? `HTTP ${status}`;
  const retryAfterMs = parseRetryAfterMs(headerValue(headers, 'retry-after'), nowMs);
  const mapped = errorForHttpStatus(status, `${operation}: ${message}`, { retryAfterMs });
  if (mapped) Object.defineProperty(mapped, 'httpStatus', { value: status, enumerable: true });
  return mapped;
}

/** undici's codes for "no connection, no headers or no body within the timeout". */
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Whether `err` says that the server did not answer in time (an abort by timeout, or undici's timeouts). */
function isTimeout(err: unknown): boolean {
  const name = err instanceof Error ? err.name : 'Error';
  if (name === 'TimeoutError' || name === 'AbortError') return true;
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && TIMEOUT_CODES.has(code);
}

/**
 * client-node's ApiException, checked without loading client-node: an ApiException has a numeric
 * `code` and a `body`, and none can exist unless something loaded client-node.
 */
function asApiException(err: unknown): ApiException<unknown> | undefined {
  if (!(err instanceof Error) || typeof (err as { code?: unknown }).code !== 'number' || !('body' in err)) return undefined;
  const loaded = loadedClientNode();
  return loaded !== undefined && err instanceof loaded.ApiException ? (err as ApiException<unknown>) : undefined;
}

/** `operation` reads like "get GSLBConfig avi-system/gc-1 on cluster2". */
export function toKubeError(err: unknown, operation: string, nowMs: number = Date.now()): AmkoFedError {
  if (isAmkoFedError(err)) return err;
  const exception = asApiException(err);
  if (exception) {
    const mapped = errorForResponse(exception.code, exception.body, exception.headers, operation, nowMs);
    if (mapped) return mapped;
  }
  if (isTimeout(err)) {
    return new UnavailableError(`${operation}: the API server did not answer in time`);
  }
  const detail = networkDetail(err);
  return new UnavailableError(`${operation}: ${detail}`);
}

/** "fetch failed" hides the reason in `cause` (ECONNREFUSED, certificate errors…). */
function networkDetail(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : 'request failed';
}

/** The HTTP status of a mapped error, when the server answered. */
export function httpStatusOf(err: unknown): number | undefined {
  const status = (err as { httpStatus?: unknown } | undefined)?.httpStatus;
  return typeof status === 'number' ? status : undefined;
}
