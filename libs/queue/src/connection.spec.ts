import { describe, expect, it } from 'vitest';
import { reconnectDelay, redisOptionsFor } from './connection.ts';

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
