import { describe, expect, it } from 'vitest';
import { InvalidNameError } from '@amko-fed/domain';
import { assertKeyPrefix, clusterOfQueueName, federationKeys, followerQueueName, hashTagOf } from './names.ts';

describe('names', () => {
  describe('when naming follower queues', () => {
    it('prefixes the context with follower.', () => {
      expect(followerQueueName('cluster-b')).toBe('follower.cluster-b');
      expect(clusterOfQueueName('follower.cluster-b')).toBe('cluster-b');
      expect(clusterOfQueueName('other')).toBeUndefined();
    });

    it.each(['', 'arn:aws:eks:eu-west-1:1:cluster/x', 'a b', '{tag}', '-leading', 'x'.repeat(201)])(
      'rejects the context %j',
      (context) => {
        expect(() => followerQueueName(context)).toThrow(InvalidNameError);
      },
    );

    it.each(['kind-follower', 'user@cluster.example', 'gke_project_zone_name', 'eks/cluster-1', 'C1'])(
      'accepts the context %j',
      (context) => {
        expect(followerQueueName(context)).toBe(`follower.${context}`);
      },
    );
  });

  describe('when checking key prefixes', () => {
    it('finds the Redis Cluster hash tag', () => {
      expect(hashTagOf('{amko-fed}')).toBe('amko-fed');
      expect(hashTagOf('prod:{amko}:x')).toBe('amko');
      expect(hashTagOf('{}amko')).toBeUndefined();
      expect(hashTagOf('amko-fed')).toBeUndefined();
    });

    it.each(['amko-fed', '{}', '', '{amko} fed', '{amko-fed}:'])('rejects %j', (prefix) => {
      expect(() => assertKeyPrefix(prefix)).toThrow(InvalidNameError);
    });

    it('puts every key under the prefix so they share the hash tag', () => {
      const keys = federationKeys('{p}');
      const all = [keys.seq, keys.events, keys.projection, keys.members, keys.resultClusters, keys.resultsStream, keys.resultsOf('c1')];
      for (const key of all) expect(key.startsWith('{p}:fed:')).toBe(true);
      expect(new Set(all).size).toBe(all.length);
    });
  });
});
