/** A bounded in-memory log of the requests a cluster answered, for tests that count calls. */
import type { Verb } from './request-info.ts';

export interface RequestLogEntry {
  /** ISO time the request arrived. */
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** HTTP status sent (for watches: the status of the response headers). */
  status: number;
  readonly verb: Verb | undefined;
  readonly resource: string | undefined;
  readonly subresource: string | undefined;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly fieldManager: string | undefined;
  readonly user: string | undefined;
  readonly userAgent: string | undefined;
  /** Milliseconds until the response headers were sent. */
  durationMs: number;
  /** When the request arrived, in the emulator process's monotonic milliseconds (`performance.now()`). */
  readonly startedMs: number;
}

/** Two writes to one object that were in flight at the same time (the second arrived before the first was answered). */
export interface WriteOverlap {
  readonly first: RequestLogEntry;
  readonly second: RequestLogEntry;
}

export interface RequestLogFilter {
  readonly verb?: Verb | readonly Verb[];
  readonly resource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly method?: string;
}

const writeVerbs: readonly Verb[] = ['create', 'update', 'patch', 'delete', 'deletecollection'];

export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  add(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
  }

  /** Logged requests, oldest first, optionally filtered. */
  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const verbs = filter.verb === undefined ? undefined : Array.isArray(filter.verb) ? filter.verb : [filter.verb];
    return this.#entries.filter(
      (e) =>
        (verbs === undefined || (e.verb !== undefined && verbs.includes(e.verb))) &&
        (filter.resource === undefined || e.resource === filter.resource) &&
        (filter.namespace === undefined || e.namespace === filter.namespace) &&
        (filter.name === undefined || e.name === filter.name) &&
        (filter.method === undefined || e.method === filter.method),
    );
  }

  /** Logged writes (create, update, patch, delete, deletecollection), optionally filtered further. */
  writes(filter: Omit<RequestLogFilter, 'verb'> = {}): RequestLogEntry[] {
    return this.entries({ ...filter, verb: writeVerbs });
  }

  /**
   * Pairs of writes to the same object (resource, subresource, namespace and name) whose times in
   * flight overlap: the second arrived before the first had been answered (an unanswered request is
   * still in flight). Only writes that name their object in the path count (update, patch, delete);
   * a create names it in its body, which the log does not read. Used to prove that no two clients
   * ever wrote one object at once.
   */
  overlappingWrites(filter: Omit<RequestLogFilter, 'verb'> = {}): WriteOverlap[] {
    const byObject = new Map<string, RequestLogEntry[]>();
    for (const entry of this.writes(filter)) {
      if (entry.name === undefined) continue;
      const key = [entry.resource, entry.subresource, entry.namespace, entry.name].join('/');
      byObject.set(key, [...(byObject.get(key) ?? []), entry]);
    }
    const overlaps: WriteOverlap[] = [];
    for (const entries of byObject.values()) {
      const sorted = [...entries].sort((a, b) => a.startedMs - b.startedMs);
      sorted.forEach((first, i) => {
        const end = first.status === 0 ? Number.POSITIVE_INFINITY : first.startedMs + first.durationMs;
        for (const second of sorted.slice(i + 1)) {
          if (second.startedMs >= end) break;
          overlaps.push({ first, second });
        }
      });
    }
    return overlaps;
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
