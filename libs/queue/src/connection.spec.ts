import { describe, expect, it } from 'vitest';
import { clusterOptionsFor, evictionPolicyFromInfo, reconnectDelay, redisOptionsFor } from './connection.ts';

describe('redisOptionsFor', () => {
  describe('when the role blocks (worker, subscriber)', () => {
    it.each(['worker', 'subscriber'] as const)('sets maxRetriesPerRequest to null for %s, as BullMQ requires', (role) => {
      const options = redisOptionsFor('redis://127.0.0.1:6379', { role });
      expect(options.maxRetriesPerRequest).toBeNull();
      expect(options.enableReadyCheck).toBe(true);
      expect(options.connectionName).toBe(`amko-fed-${role}`);
    });
  });

  describe('when the role is client', () => {
    it('bounds retries per command', () => {
      expect(redisOptionsFor('redis://127.0.0.1:6379', { role: 'client' }).maxRetriesPerRequest).toBe(20);
      expect(redisOptionsFor('redis://127.0.0.1', { role: 'client', maxRetriesPerRequest: 2 }).maxRetriesPerRequest).toBe(2);
    });
  });

  describe('when reconnecting', () => {
    it('backs off from 50 ms to at most 5 s and never gives up', () => {
      expect([1, 2, 3, 4, 7, 8, 50, 10_000].map(reconnectDelay)).toEqual([50, 100, 200, 400, 3200, 5000, 5000, 5000]);
    });
  });
});

describe('clusterOptionsFor', () => {
  describe('when given a Cluster URL for a worker', () => {
    it('seeds the nodes and gives every node connection the role, credentials and TLS', () => {
      const { nodes, options } = clusterOptionsFor('rediss-cluster://app:pw@n1:7000,n2:7001', { role: 'worker', connectionName: 'w' });
      expect(nodes).toEqual([{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }]);
      expect(options.redisOptions).toMatchObject({ username: 'app', password: 'pw', tls: {}, maxRetriesPerRequest: null, connectionName: 'w' });
      expect(options.scaleReads).toBe('master');
    });
  });

  describe('when reconnecting', () => {
    it('reconnects the cluster with the shared backoff, or as the caller overrides', () => {
      const { options } = clusterOptionsFor('redis-cluster://n1:7000', { role: 'client' });
      expect(options.clusterRetryStrategy?.(3, new Error('x'))).toBe(200);
      const once = clusterOptionsFor('redis-cluster://n1:7000', { role: 'client', overrides: { retryStrategy: () => null, enableOfflineQueue: false } });
      expect(once.options.clusterRetryStrategy?.(1, new Error('x'))).toBeNull();
      expect(once.options.enableOfflineQueue).toBe(false);
      expect(once.options.redisOptions).not.toHaveProperty('retryStrategy');
    });
  });

  describe('when given a standalone URL', () => {
    it('refuses it', () => {
      expect(() => clusterOptionsFor('redis://n1:6379', { role: 'client' })).toThrow(TypeError);
    });
  });
});

describe('evictionPolicyFromInfo', () => {
  describe('when the policy is noeviction', () => {
    it('returns no warning', () => {
      expect(evictionPolicyFromInfo('# Memory\r\nused_memory:1\r\nmaxmemory_policy:noeviction\r\n')).toEqual({
        policy: 'noeviction',
        warning: undefined,
      });
    });
  });

  describe('when the policy evicts keys', () => {
    it('returns a warning naming the policy', () => {
      const check = evictionPolicyFromInfo('# Memory\r\nmaxmemory_policy:allkeys-lru\r\n');
      expect(check.policy).toBe('allkeys-lru');
      expect(check.warning).toContain('allkeys-lru');
      expect(check.warning).toContain('noeviction');
    });
  });

  describe('when INFO does not show the policy', () => {
    it('returns a warning', () => {
      expect(evictionPolicyFromInfo('# Memory\r\n').warning).toBeDefined();
    });
  });
});
