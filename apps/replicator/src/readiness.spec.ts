/**
 * The /readyz checks over the in-memory member registry of `@amko-fed/queue/testing`: given what
 * Redis, the registry and the members kubeconfig say, then the checks, their order and their details.
 */
import { createInMemoryMemberRegistry } from '@amko-fed/queue/testing';
import { describe, expect, it } from 'vitest';
import { createReadiness } from './readiness.ts';

const redisUp = { problem: async () => undefined };
const kubeconfigOk = { problem: undefined };
const following = (): boolean => true;

describe('createReadiness', () => {
  describe('when Redis answers, the registry is published and the kubeconfig is usable', () => {
    it('is ready and describes the registry', async () => {
      const registry = createInMemoryMemberRegistry();
      await registry.publishMembers({ leader: 'leader', members: [{ cluster: 'follower1', state: 'valid' }, { cluster: 'follower2', state: 'invalid' }] });
      const checks = await createReadiness({ redis: redisUp, registry, clusters: kubeconfigOk, following })();
      expect(checks.map((c) => [c.name, c.ok])).toEqual([['redis', true], ['member-registry', true], ['members-kubeconfig', true]]);
      expect(checks[1]?.detail).toBe('revision 1, leader leader, 2 followers');
    });
  });

  describe('when the registry has not been published yet', () => {
    it('is ready and says so', async () => {
      const checks = await createReadiness({ redis: redisUp, registry: createInMemoryMemberRegistry(), clusters: kubeconfigOk, following })();
      expect(checks[1]).toEqual({ name: 'member-registry', ok: true, detail: 'not published yet' });
    });
  });

  describe('when the registry is readable but the replicator does not follow it yet (starting)', () => {
    it('is not ready, so that a Service sends no board or replay request to it', async () => {
      const registry = createInMemoryMemberRegistry();
      await registry.publishMembers({ leader: 'leader', members: [{ cluster: 'follower1', state: 'valid' }] });
      const checks = await createReadiness({ redis: redisUp, registry, clusters: kubeconfigOk, following: () => false })();
      expect(checks[1]).toEqual({ name: 'member-registry', ok: false, detail: 'revision 1, leader leader, 1 followers; not followed yet (the replicator is starting)' });
    });
  });

  describe('when Redis does not answer', () => {
    it('names the Redis problem and does not wait for the registry', async () => {
      const registry = createInMemoryMemberRegistry();
      const redis = { problem: async () => 'redis://redis:6379: connection is reconnecting (connect ECONNREFUSED)' };
      const checks = await createReadiness({ redis, registry, clusters: kubeconfigOk, following })();
      expect(checks.slice(0, 2)).toEqual([
        { name: 'redis', ok: false, detail: 'redis://redis:6379: connection is reconnecting (connect ECONNREFUSED)' },
        { name: 'member-registry', ok: false, detail: 'waiting for Redis' },
      ]);
    });
  });

  describe('when the members kubeconfig is unusable', () => {
    it('is not ready and says why', async () => {
      const clusters = { problem: 'the members kubeconfig is empty; fill the gslb-config-secret key gslb-members' };
      const checks = await createReadiness({ redis: redisUp, registry: createInMemoryMemberRegistry(), clusters, following })();
      expect(checks[2]).toEqual({ name: 'members-kubeconfig', ok: false, detail: clusters.problem });
    });
  });
});
