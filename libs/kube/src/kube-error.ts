/**
 * Maps whatever client-node throws to the domain's classified errors. Messages carry the API
 * server's Status message (never request headers, so never a token).
 */
import { ApiException } from '@kubernetes/client-node';
import { UnavailableError, errorForHttpStatus, parseRetryAfterMs, type AmkoFedError, isAmkoFedError } from '@amko-fed/domain';

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

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** `operation` reads like "get GSLBConfig avi-system/gc-1 on cluster2". */
export function toKubeError(err: unknown, operation: string, nowMs: number = Date.now()): AmkoFedError {
  if (isAmkoFedError(err)) return err;
  if (err instanceof ApiException) {
    const code = (err as ApiException<unknown>).code;
    const message = statusMessage((err as ApiException<unknown>).body) ?? `HTTP ${code}`;
    const headers = (err as ApiException<unknown>).headers;
    const retryAfterMs = parseRetryAfterMs(headerValue(headers, 'retry-after'), nowMs);
    const mapped = errorForHttpStatus(code, `${operation}: ${message}`, { retryAfterMs });
    if (mapped) {
      Object.defineProperty(mapped, 'httpStatus', { value: code, enumerable: true });
      return mapped;
    }
  }
  const name = err instanceof Error ? err.name : 'Error';
  if (name === 'TimeoutError' || name === 'AbortError') {
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
