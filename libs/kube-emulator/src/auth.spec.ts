import { describe, expect, it } from 'vitest';
import { Authenticator, isAllowed } from './auth.ts';
import type { ResourceRequestInfo } from './request-info.ts';

const request = (overrides: Partial<ResourceRequestInfo>): ResourceRequestInfo => ({
  type: 'resource',
  group: 'amko.vmware.com',
  version: 'v1alpha1',
  plural: 'amkoclusters',
  namespace: 'avi-system',
  name: 'a',
  subresource: undefined,
  verb: 'get',
  ...overrides,
});

describe('Authenticator', () => {
  describe('when a bearer token is sent', () => {
    it('knows the tokens and their users', () => {
      const auth = new Authenticator([{ token: 'a' }, { token: 'b', user: 'bob' }]);
      expect(auth.authenticate('Bearer a')?.user).toBe('admin');
      expect(auth.authenticate('bearer b')?.user).toBe('bob');
      expect(auth.authenticate('Bearer c')).toBeUndefined();
      expect(auth.authenticate('Basic a')).toBeUndefined();
      expect(auth.authenticate(undefined)).toBeUndefined();
    });
  });

  describe('when anonymous requests are served as the admin (plain HTTP)', () => {
    it('maps a missing header to the first token user but still refuses wrong tokens', () => {
      const auth = new Authenticator([{ token: 'a' }], 'first-token-user');
      expect(auth.authenticate(undefined)?.user).toBe('admin');
      expect(auth.authenticate('Bearer nope')).toBeUndefined();
    });
  });
});

describe('isAllowed', () => {
  const identity = {
    user: 'watcher',
    rules: [
      { verbs: ['get', 'list', 'watch'], resources: ['amkoclusters'], namespaces: ['avi-system'] },
      { verbs: ['patch'], resources: ['amkoclusters/status'], namespaces: ['avi-system'], apiGroups: ['amko.vmware.com'] },
      { verbs: ['*'], resources: ['leases'], resourceNames: ['amko-fed-watcher'] },
    ],
  };

  describe('when rules are given', () => {
    it('allows exactly what they grant', () => {
      expect(isAllowed(identity, request({}))).toBe(true);
      expect(isAllowed(identity, request({ verb: 'update' }))).toBe(false);
      expect(isAllowed(identity, request({ namespace: 'default' }))).toBe(false);
      expect(isAllowed(identity, request({ verb: 'patch', subresource: 'status' }))).toBe(true);
      expect(isAllowed(identity, request({ verb: 'patch' }))).toBe(false);
      expect(isAllowed(identity, request({ group: 'coordination.k8s.io', plural: 'leases', verb: 'update', name: 'amko-fed-watcher' }))).toBe(true);
      expect(isAllowed(identity, request({ group: 'coordination.k8s.io', plural: 'leases', verb: 'update', name: 'other' }))).toBe(false);
    });
  });

  describe('when the token has no rules', () => {
    it('allows everything', () => {
      expect(isAllowed({ user: 'admin', rules: undefined }, request({ verb: 'deletecollection' }))).toBe(true);
    });
  });
});
