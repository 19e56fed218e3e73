/**
 * The request observer behind `amko_fed_kube_requests_total`: every request on the AMKO kinds and
 * AMKOCluster status reports its verb and the API server's HTTP code, or "error" without an answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMKO_CLUSTER_KIND, FEDERATED_KINDS } from '@amko-fed/domain';
import { amkoCluster, gslbConfig, startClusters, uniqueName, type EmulatedClusters } from '../test/emulated.ts';
import { clusterClientForContext, createClusterClient } from './cluster-client.ts';
import { kubeConfigForContext } from './kube-config.ts';

const GC = FEDERATED_KINDS.GSLBConfig;
const NS = 'avi-system';
let env: EmulatedClusters;

beforeAll(async () => {
  env = await startClusters(['obs1', 'obs2']);
});
afterAll(async () => {
  await env?.close();
});

describe('cluster client request observer', () => {
  describe('when requests get answers', () => {
    it('reports each verb with the HTTP code', async () => {
      const seen: string[] = [];
      const client = createClusterClient({ context: 'obs1', kubeConfig: kubeConfigForContext(env.kubeconfig, 'obs1'), onRequest: (r) => seen.push(`${r.cluster} ${r.verb} ${r.code}`) });
      const name = uniqueName('gc');
      await client.get(GC, NS, name);
      await client.create(GC, NS, gslbConfig(name));
      await client.list(GC, NS);
      await client.mergePatch(GC, NS, name, { spec: { refreshInterval: 61 } });
      env.cluster(0).faults.set({ error: { status: 503, count: 1 } });
      await expect(client.get(GC, NS, name)).rejects.toThrow();
      env.cluster(0).faults.clear();
      await client.create(AMKO_CLUSTER_KIND, NS, amkoCluster(uniqueName('amko'), true)).then((o) => client.patchStatus(AMKO_CLUSTER_KIND, NS, o.metadata.name, { conditions: [] }));
      await client.delete(GC, NS, name);
      expect(seen).toEqual(['obs1 get 404', 'obs1 create 201', 'obs1 list 200', 'obs1 patch 200', 'obs1 get 503', 'obs1 create 201', 'obs1 patch-status 200', 'obs1 delete 200']);
    });
  });

  describe('when the API server does not answer', () => {
    it('reports "error"', async () => {
      const seen: string[] = [];
      const client = clusterClientForContext(env.kubeconfig, 'obs2', { timeoutMs: 5_000, onRequest: (r) => seen.push(`${r.cluster} ${r.verb} ${r.code}`) });
      await env.cluster(1).stop();
      try {
        await expect(client.list(GC, NS)).rejects.toThrow();
      } finally {
        await env.cluster(1).start();
      }
      expect(seen).toEqual(['obs2 list error']);
    });
  });
});
