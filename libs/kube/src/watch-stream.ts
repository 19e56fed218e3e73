/**
 * The events of a watch response: newline-delimited JSON (`{"type":"ADDED","object":{…}}\n`),
 * parsed one line at a time as the chunks arrive. A chunk may end inside a line (or inside a
 * multi-byte UTF-8 character): only that unfinished line is kept until the next chunk, never the
 * stream.
 */
import { StringDecoder } from 'node:string_decoder';
import { UnavailableError } from '@amko-fed/domain';

export const WatchEventType = { Added: 'ADDED', Modified: 'MODIFIED', Deleted: 'DELETED', Bookmark: 'BOOKMARK', Error: 'ERROR' } as const;
export type WatchEventType = (typeof WatchEventType)[keyof typeof WatchEventType];

export interface WatchEvent {
  readonly type: WatchEventType;
  /** The object; a Status for ERROR; only `metadata.resourceVersion` for BOOKMARK. */
  readonly object: Record<string, unknown>;
}

const TYPES: ReadonlySet<string> = new Set(Object.values(WatchEventType));

function parseEvent(line: string, operation: string): WatchEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new UnavailableError(`${operation}: the watch stream carried a line that is not JSON`);
  }
  const { type, object } = (parsed ?? {}) as { type?: unknown; object?: unknown };
  if (typeof type !== 'string' || !TYPES.has(type) || object === null || typeof object !== 'object') {
    throw new UnavailableError(`${operation}: the watch stream carried an event without a known type and an object`);
  }
  return { type: type as WatchEventType, object: object as Record<string, unknown> };
}

/** The events of `chunks` (a response body), in order; fails (UnavailableError) on a line that is not an event. */
export async function* watchEvents(chunks: AsyncIterable<Buffer | string>, operation: string): AsyncGenerator<WatchEvent> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      const line = pending.slice(start, end).trim();
      start = end + 1;
      if (line.length > 0) yield parseEvent(line, operation);
    }
    pending = pending.slice(start);
  }
  const last = (pending + decoder.end()).trim();
  if (last.length > 0) yield parseEvent(last, operation);
}
