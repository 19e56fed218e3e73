/** RequestLog.overlappingWrites over hand-made entries: which writes to one object were in flight at once. */
import { describe, expect, it } from 'vitest';
import type { Verb } from './request-info.ts';
import { RequestLog, type RequestLogEntry } from './request-log.ts';

function entry(verb: Verb, name: string | undefined, startedMs: number, durationMs: number, status = 200): RequestLogEntry {
  return {
    time: '2026-12-06T00:00:00Z', method: 'PUT', path: `/x/${name ?? ''}`, query: {}, status, verb, resource: 'gslbconfigs', subresource: undefined,
    namespace: 'avi-system', name, fieldManager: undefined, user: 'admin', userAgent: undefined, durationMs, startedMs,
  };
}

function overlapsOf(...entries: RequestLogEntry[]): [number, number][] {
  const log = new RequestLog();
  for (const e of entries) log.add(e);
  return log.overlappingWrites().map(({ first, second }) => [first.startedMs, second.startedMs]);
}

describe('RequestLog.overlappingWrites', () => {
  describe('when writes to one object follow each other', () => {
    it('finds none, even when the next one arrives the moment the previous one is answered', () => {
      expect(overlapsOf(entry('update', 'a', 0, 10), entry('update', 'a', 10, 5), entry('delete', 'a', 20, 1))).toEqual([]);
    });
  });

  describe('when a write to an object arrives before the previous one was answered', () => {
    it('reports the pair, in arrival order, whatever order they were logged in', () => {
      expect(overlapsOf(entry('update', 'a', 5, 10), entry('update', 'a', 0, 10))).toEqual([[0, 5]]);
    });

    it('counts a request that was never answered as still in flight', () => {
      expect(overlapsOf(entry('update', 'a', 0, 0, 0), entry('patch', 'a', 1_000, 1))).toEqual([[0, 1_000]]);
    });
  });

  describe('when the overlapping requests are not writes to the same named object', () => {
    it('ignores other objects, reads and creates (whose name is in the body)', () => {
      expect(overlapsOf(entry('update', 'a', 0, 10), entry('update', 'b', 1, 10), entry('get', 'a', 2, 10), entry('create', undefined, 3, 10), entry('create', undefined, 4, 10))).toEqual([]);
    });
  });
});
