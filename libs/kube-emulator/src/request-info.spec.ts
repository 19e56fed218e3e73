import { describe, expect, it } from 'vitest';
import { requestInfoOf } from './request-info.ts';

const info = (method: string, path: string, query = ''): ReturnType<typeof requestInfoOf> => requestInfoOf(method, path, new URLSearchParams(query));

describe('requestInfoOf', () => {
  describe('when the path names a resource', () => {
    it.each([
      ['GET', '/apis/amko.vmware.com/v1alpha1/namespaces/avi-system/gslbconfigs', '', { group: 'amko.vmware.com', version: 'v1alpha1', plural: 'gslbconfigs', namespace: 'avi-system', name: undefined, verb: 'list' }],
      ['GET', '/apis/amko.vmware.com/v1alpha1/gslbconfigs', 'watch=true', { plural: 'gslbconfigs', namespace: undefined, verb: 'watch' }],
      ['PUT', '/apis/amko.vmware.com/v1alpha1/namespaces/ns/amkoclusters/a/status', '', { name: 'a', subresource: 'status', verb: 'update' }],
      ['DELETE', '/api/v1/namespaces/ns/secrets', '', { group: '', plural: 'secrets', namespace: 'ns', verb: 'deletecollection' }],
      ['GET', '/api/v1/namespaces/team', '', { plural: 'namespaces', name: 'team', namespace: undefined, verb: 'get' }],
      ['PUT', '/api/v1/namespaces/team/finalize', '', { plural: 'namespaces', name: 'team', subresource: 'finalize', verb: 'update' }],
      ['POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', '', { group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions', verb: 'create' }],
    ])('%s %s?%s', (method, path, query, expected) => {
      expect(info(method, path, query)).toMatchObject({ type: 'resource', ...expected });
    });
  });

  describe('when the path is discovery or something else', () => {
    it('tells discovery from non-resource paths', () => {
      expect(info('GET', '/api')).toEqual({ type: 'discovery', group: undefined, version: undefined, legacy: true });
      expect(info('GET', '/apis/amko.vmware.com')).toEqual({ type: 'discovery', group: 'amko.vmware.com', version: undefined, legacy: false });
      expect(info('GET', '/apis/amko.vmware.com/v1alpha1')).toEqual({ type: 'discovery', group: 'amko.vmware.com', version: 'v1alpha1', legacy: false });
      expect(info('GET', '/openapi/v3')).toEqual({ type: 'nonResource', path: '/openapi/v3' });
      expect(info('OPTIONS', '/api/v1/namespaces')).toEqual({ type: 'nonResource', path: '/api/v1/namespaces' });
    });
  });
});
