/**
 * `rediss-cluster://` against a real Redis Cluster that speaks TLS only (clients, bus and
 * replication; a certificate for 127.0.0.1 from a test CA). In production the CA comes from the
 * system trust store or NODE_EXTRA_CA_CERTS; here the test passes it as `overrides.tls.ca`.
 */
import { readFile } from 'node:fs/promises';
import { startRedisCluster, type TestRedisCluster } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../test/redis-fixture.ts';
import { checkRedisReady, createRedisConnection, type RedisConnection } from './connection.ts';
import { createMemberRegistry } from './member-registry.ts';

let cluster: TestRedisCluster | undefined;
const connections: RedisConnection[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster({ password: 'tls-cluster-pw', tls: true });
}, 300_000);

afterAll(async () => {
  for (const c of connections) c.disconnect();
  await cluster?.stop();
}, 120_000);

describe('redis connection over TLS to a Redis Cluster', () => {
  describe('when the client trusts the CA', () => {
    it('stores and reads through every node it is routed to', async () => {
      const redis = cluster as TestRedisCluster;
      expect(redis.url.startsWith('rediss-cluster://')).toBe(true);
      const connection = createRedisConnection(redis.url, { role: 'client', overrides: { tls: { ca: await readFile(redis.caFile ?? '') } } });
      connections.push(connection);
      await eventually(() => connection.status, (s) => s === 'ready', 60_000);
      expect(await checkRedisReady(connection)).toEqual({ ready: true });
      const registry = createMemberRegistry({ redis: connection, prefix: '{tls-cluster}' });
      await registry.publishMembers({ leader: 'leader', members: [{ cluster: 'f1', state: 'valid' }] });
      expect((await registry.readMembers())?.members).toEqual([{ cluster: 'f1', state: 'valid' }]);
    });
  });

  describe('when the client does not trust the CA', () => {
    it('never becomes ready (the certificate is verified)', async () => {
      const redis = cluster as TestRedisCluster;
      const errors: Error[] = [];
      const connection = createRedisConnection(redis.url, { role: 'client', onError: (e) => errors.push(e) });
      connections.push(connection);
      await eventually(() => errors.length, (n) => n > 0, 60_000);
      expect(connection.status).not.toBe('ready');
      expect(await checkRedisReady(connection)).toMatchObject({ ready: false });
    });
  });
});
