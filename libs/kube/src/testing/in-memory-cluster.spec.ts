import { FEDERATED_KINDS, type KubeObject } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { clusterClientContract } from './cluster-client.contract.ts';
import { createInMemoryCluster } from './in-memory-cluster.ts';

clusterClientContract('in-memory fake', async () => ({ client: createInMemoryCluster({ context: 'fake' }).client, close: async () => undefined }));

describe('in-memory cluster', () => {
  describe('when a failure is injected', () => {
    it('fails the matching calls with that error until cleared, and records only the writes made', async () => {
      const cluster = createInMemoryCluster({ context: 'c2' });
      const kind = FEDERATED_KINDS.GSLBConfig;
      const body = { apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBConfig', metadata: { name: 'gc-1', namespace: 'avi-system' }, spec: {} } as KubeObject;
      const injected = new Error('injected') as never;
      cluster.fail((verb) => (verb === 'create' ? injected : undefined));
      await expect(cluster.client.create(kind, 'avi-system', body)).rejects.toBe(injected);
      expect(await cluster.client.list(kind, 'avi-system')).toMatchObject({ items: [] });
      cluster.fail(undefined);
      await cluster.client.create(kind, 'avi-system', body);
      expect(cluster.writes).toEqual(['create GSLBConfig avi-system/gc-1']);
    });
  });
});
