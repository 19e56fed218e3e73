/**
 * Integration-test helpers: the run's Redis (inject('redisUrl')) under a prefix the test got from
 * `isolatedPrefix()` of @amko-fed/testing (imported by the spec files themselves: only spec files
 * may depend on the testing lib).
 */
import { inject } from 'vitest';
import { createRedisConnection, type RedisConnection, type RedisRole } from '../src/index.ts';

// `redisUrl` is provided by libs/testing/src/global-setup.ts (the integration project's
// globalSetup); its type comes with @amko-fed/testing, which the specs import.
import { eventually as pollUntil } from '@amko-fed/testing';
export interface RedisFixture {
  readonly url: string;
  readonly prefix: string;
  connect(role?: RedisRole): RedisConnection;
  /** Quits every connection opened through `connect`. */
  close(): Promise<void>;
}

export function redisFixture(prefix: string): RedisFixture {
  const url = inject('redisUrl');
  const connections: RedisConnection[] = [];
  return {
    url,
    prefix,
    connect(role = 'client') {
      const connection = createRedisConnection(url, { role });
      connections.push(connection);
      return connection;
    },
    async close() {
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/** A promise with its resolve function exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Polls `read` until `done` holds; used to wait for asynchronous effects, never to assert timing. */
export function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  return pollUntil(read, done, timeoutMs);
}
