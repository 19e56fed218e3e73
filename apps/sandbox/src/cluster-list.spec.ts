import { describe, expect, it } from 'vitest';
import { ClusterListError, parseClusterList, shellQuote, siteSlug } from './cluster-list.ts';

describe('parseClusterList', () => {
  describe('when the list names a leader and followers', () => {
    it.each([
      ['a,b', ['a', 'b']],
      [' cluster1 , cluster2,cluster3 ', ['cluster1', 'cluster2', 'cluster3']],
      [
        'avi-system/api-ocp2-example-com:6443/kube:admin,arn:aws:eks:us-east-1:123456789012:cluster/site3,site four (DR),tag{east}',
        ['avi-system/api-ocp2-example-com:6443/kube:admin', 'arn:aws:eks:us-east-1:123456789012:cluster/site3', 'site four (DR)', 'tag{east}'],
      ],
    ])('reads %j, the leader first', (text, names) => {
      expect(parseClusterList(text)).toEqual(names);
    });
  });

  describe('when the list is bad', () => {
    it.each([
      ['', /has an empty name; give comma-separated context names, the leader first/],
      ['a,,b', /has an empty name/],
      ['a', /needs a leader and at least one follower, got only "a"/],
      ['a,b,a', /names "a" twice; every context name must be different/],
      ['a,b\tc', /the context name "b\\tc" must not contain control characters/],
      [`a,${'x'.repeat(1025)}`, /is 1025 characters long; at most 1024 are allowed/],
    ])('refuses %j with what to change', (text, message) => {
      expect(() => parseClusterList(text)).toThrow(ClusterListError);
      expect(() => parseClusterList(text)).toThrow(message);
    });
  });
});

describe('siteSlug', () => {
  describe('when naming files and key prefixes', () => {
    it('keeps a plain context name and numbers any other', () => {
      expect(siteSlug('cluster1', 0)).toBe('cluster1');
      expect(siteSlug('arn:aws:eks:us-east-1:1:cluster/site3', 1)).toBe('site2');
      expect(siteSlug('tag{east}', 2)).toBe('site3');
      expect(siteSlug('x'.repeat(64), 3)).toBe('site4');
    });
  });
});

describe('shellQuote', () => {
  describe('when a name is printed in a command', () => {
    it('quotes only what a shell would split or expand', () => {
      expect(shellQuote('cluster1')).toBe('cluster1');
      expect(shellQuote('arn:aws:eks:us-east-1:1:cluster/site3')).toBe('arn:aws:eks:us-east-1:1:cluster/site3');
      expect(shellQuote('site four (DR)')).toBe("'site four (DR)'");
      expect(shellQuote("it's")).toBe("'it'\\''s'");
    });
  });
});
