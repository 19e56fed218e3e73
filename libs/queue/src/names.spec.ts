import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidNameError, isValidClusterName } from '@amko-fed/domain';
import { assertKeyPrefix, clusterOfQueueName, federationKeys, followerQueueName, hashTagOf } from './names.ts';

describe('names', () => {
  describe('when naming follower queues', () => {
    it('prefixes the context with follower.', () => {
      expect(followerQueueName('cluster-b')).toBe('follower.cluster-b');
      expect(clusterOfQueueName('follower.cluster-b')).toBe('cluster-b');
      expect(clusterOfQueueName('other')).toBeUndefined();
    });

    it.each(['', 'line\nbreak', 'x'.repeat(1025)])('rejects the context %j', (context) => {
      expect(() => followerQueueName(context)).toThrow(InvalidNameError);
      expect(() => federationKeys('{p}').resultsOf(context)).toThrow(InvalidNameError);
    });

    it.each(['kind-follower', 'user@cluster.example', 'gke_proj_europe-west1_site2', 'eks/cluster-1', 'C1', 'clusterA'])(
      'keeps the queue name of the context %j as it was',
      (context) => {
        expect(followerQueueName(context)).toBe(`follower.${context}`);
        expect(federationKeys('{p}').resultsOf(context)).toBe(`{p}:fed:results:cluster:${context}`);
      },
    );

    it.each([
      ['avi-system/api-ocp2-example-com:6443/kube:admin', 'follower.avi-system/api-ocp2-example-com%3A6443/kube%3Aadmin'],
      ['arn:aws:eks:us-east-1:123456789012:cluster/site3', 'follower.arn%3Aaws%3Aeks%3Aus-east-1%3A123456789012%3Acluster/site3'],
      ['site four (DR)', 'follower.site%20four%20%28DR%29'],
      ['tag{east}', 'follower.tag%7Beast%7D'],
    ])('encodes the context %j in the queue name and decodes it back', (context, queueName) => {
      expect(followerQueueName(context)).toBe(queueName);
      expect(clusterOfQueueName(queueName)).toBe(context);
    });

    it('answers undefined for a follower queue name that no context encodes to', () => {
      expect(clusterOfQueueName('follower.a:b')).toBeUndefined();
      expect(clusterOfQueueName('follower.%zz')).toBeUndefined();
      expect(clusterOfQueueName('follower.')).toBeUndefined();
    });
  });

  describe('when the context is any valid name (property)', () => {
    const contexts = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }).filter(isValidClusterName);
    const prefixes = fc.constantFrom('{amko-fed}', 'prod:{amko}', '{p}x');

    it('round-trips through the queue name', () => {
      fc.assert(fc.property(contexts, (context) => clusterOfQueueName(followerQueueName(context)) === context));
    });

    it('never puts ":", braces or whitespace into the queue name or the results key suffix', () => {
      fc.assert(
        fc.property(contexts, prefixes, (context, prefix) => {
          const queue = followerQueueName(context);
          const suffix = federationKeys(prefix).resultsOf(context).slice(`${prefix}:fed:results:cluster:`.length);
          return ![queue, suffix].some((name) => /[:{}\s]/u.test(name));
        }),
      );
    });

    it('never changes the hash tag of a key', () => {
      fc.assert(
        fc.property(contexts, prefixes, (context, prefix) => {
          const tag = hashTagOf(prefix);
          return hashTagOf(`${prefix}:${followerQueueName(context)}:wait`) === tag && hashTagOf(federationKeys(prefix).resultsOf(context)) === tag;
        }),
      );
    });
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
      const all = [keys.seq, keys.events, keys.projection, keys.changes, keys.members, keys.resultClusters, keys.resultsStream, keys.resultsOf('c1')];
      for (const key of all) expect(key.startsWith('{p}:fed:')).toBe(true);
      expect(new Set(all).size).toBe(all.length);
    });
  });
});
