/** Reading request bodies and writing JSON responses and Status errors. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, internalError } from './pure/index.ts';
import type { KubeObject } from './object.ts';

export const jsonContentType = 'application/json';

/** Reads the whole request body; 413-like 400 when it exceeds `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 3 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw badRequest(`the request body is larger than ${limit} bytes`);
    chunks.push(buf);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

const jsonCache = new WeakMap<object, string>();

/**
 * JSON of a stored object, cached per object (stored objects are immutable). When `apiVersion`
 * differs from the stored one (a CRD served in several versions), the object is re-labelled.
 */
export function objectJson(obj: KubeObject, apiVersion?: string): string {
  if (apiVersion !== undefined && obj.apiVersion !== apiVersion) return JSON.stringify({ ...obj, apiVersion });
  let json = jsonCache.get(obj);
  if (json === undefined) {
    json = JSON.stringify(obj);
    jsonCache.set(obj, json);
  }
  return json;
}

/** Sends a JSON body (a string is sent as is). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string | string[]>> = {},
  contentType = jsonContentType,
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Turns anything thrown by a handler into an ApiError (unknown errors become 500). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : 'unknown error';
  return internalError(message);
}

/** Sends a `Status` object for an error. */
export function sendError(res: ServerResponse, err: unknown, headers: Readonly<Record<string, string | string[]>> = {}): void {
  const apiError = toApiError(err);
  const extra: Record<string, string | string[]> = { ...headers };
  const retryAfter = apiError.status.details?.retryAfterSeconds;
  if (retryAfter !== undefined) extra['Retry-After'] = String(retryAfter);
  sendJson(res, apiError.code, apiError.status, extra);
}
