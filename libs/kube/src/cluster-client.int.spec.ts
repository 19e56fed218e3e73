import {
  AMKO_CLUSTER_KIND,
  ConflictError,
  FEDERATED_KINDS,
  SchemaRejectedError,
  ThrottledError,
  UnavailableError,
  type KubeObject,
} from '@amko-fed/domain';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { amkoCluster, gslbConfig, rejection, startClusters, uniqueName, type EmulatedClusters } from '../test/emulated.ts';
import { createClusterClient, type ClusterClient } from './cluster-client.ts';
import { kubeConfigForContext } from './kube-config.ts';

const GC = FEDERATED_KINDS.GSLBConfig;
const NS = 'avi-system';
let env: EmulatedClusters;
let client1: ClusterClient;
let client2: ClusterClient;

const clientFor = (context: string, timeoutMs = 5_000): ClusterClient =>
  createClusterClient({ context, kubeConfig: kubeConfigForContext(env.kubeconfig, context), timeoutMs });

beforeAll(async () => {
  env = await startClusters(['cluster1', 'cluster2']);
  client1 = clientFor('cluster1');
  client2 = clientFor('cluster2');
});

afterEach(() => {
  for (const c of env.clusters) c.faults.clear();
});

afterAll(async () => {
  await env?.close();
});

describe('cluster client', () => {
  describe('when objects are created, read, changed and deleted', () => {
    it('does each with the right verb and returns the server\'s objects', async () => {
      const name = uniqueName('gc');
      const created = await client1.create(GC, NS, gslbConfig(name));
      expect(created.metadata).toMatchObject({ name, namespace: NS, generation: 1 });

      expect((await client1.get(GC, NS, name))?.metadata.uid).toBe(created.metadata.uid);
      expect((await client1.list(GC, NS)).items.map((o) => o.metadata.name)).toContain(name);
      const everywhere = await client1.list(GC, undefined);
      expect(everywhere.items.map((o) => o.metadata.name)).toContain(name);
      expect(Number(everywhere.resourceVersion)).toBeGreaterThan(0);

      const replaced = await client1.replace(GC, NS, name, { ...created, spec: { ...(created['spec'] as object), refreshInterval: 90 } });
      expect((replaced as { spec?: { refreshInterval?: number } }).spec?.refreshInterval).toBe(90);
      const patched = await client1.mergePatch(GC, NS, name, { spec: { refreshInterval: 120 } });
      expect((patched as { spec?: { refreshInterval?: number } }).spec?.refreshInterval).toBe(120);
      expect(patched.metadata.generation).toBe(3);

      expect(await client1.delete(GC, NS, name)).toBe(true);
      expect(await client1.get(GC, NS, name)).toBeUndefined();
      expect(await client1.delete(GC, NS, name)).toBe(false);
      const writes = env.cluster(0).requestLog.writes({ resource: 'gslbconfigs', name });
      expect(writes.map((w) => `${w.verb}:${w.fieldManager ?? ''}`)).toEqual([
        'update:amko-federation', 'patch:amko-federation', 'delete:', 'delete:',
      ]);
    });
  });

  describe('when an AMKOCluster status is patched', () => {
    it('replaces the whole conditions list through /status without touching spec or generation', async () => {
      const name = uniqueName('amko');
      await client1.create(AMKO_CLUSTER_KIND, NS, amkoCluster(name, true));
      await client1.patchStatus(AMKO_CLUSTER_KIND, NS, name, { conditions: [{ type: 'a', status: 'x' }, { type: 'b', status: 'y' }] });
      const updated = await client1.patchStatus(AMKO_CLUSTER_KIND, NS, name, { conditions: [{ type: 'c', status: 'z', reason: 'r' }] });
      expect((updated as { status?: unknown }).status).toEqual({ conditions: [{ type: 'c', status: 'z', reason: 'r' }] });
      expect(updated.metadata.generation).toBe(1);
      expect((updated as { spec?: { isLeader?: boolean } }).spec?.isLeader).toBe(true);
      const patches = env.cluster(0).requestLog.entries({ verb: 'patch', resource: 'amkoclusters', name });
      expect(patches.every((p) => p.subresource === 'status')).toBe(true);
    });
  });

  describe('when a Lease is created and renewed', () => {
    it('uses optimistic concurrency on its resourceVersion', async () => {
      const name = uniqueName('lease');
      expect(await client1.getLease(NS, name)).toBeUndefined();
      const created = await client1.createLease(NS, { metadata: { name }, spec: { holderIdentity: 'w1', leaseDurationSeconds: 15 } });
      const renewed = await client1.replaceLease(NS, name, { ...created, spec: { ...created.spec, holderIdentity: 'w1', leaseTransitions: 1 } });
      expect(renewed.spec?.leaseTransitions).toBe(1);
      expect((await client1.getLease(NS, name))?.spec?.holderIdentity).toBe('w1');
      const stale = await rejection(client1.replaceLease(NS, name, { ...created, spec: { holderIdentity: 'w2' } }));
      expect(stale).toBeInstanceOf(ConflictError);
      expect((await client1.getLease(NS, name))?.spec?.holderIdentity).toBe('w1');
    });
  });

  describe('when a Secret is read', () => {
    it('returns it, or undefined when it does not exist', async () => {
      const core = kubeConfigForContext(env.kubeconfig, 'cluster1').makeApiClient(CoreV1Api);
      const name = uniqueName('secret');
      await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name }, stringData: { 'gslb-members': 'kubeconfig text' } } });
      const secret = await client1.getSecret(NS, name);
      expect(Buffer.from(secret?.data?.['gslb-members'] ?? '', 'base64').toString()).toBe('kubeconfig text');
      expect(await client1.getSecret(NS, uniqueName('missing'))).toBeUndefined();
    });
  });

  describe('when the API server refuses a request', () => {
    it('classifies 409 AlreadyExists and a stale delete precondition as ConflictError', async () => {
      const name = uniqueName('gc');
      const created = await client1.create(GC, NS, gslbConfig(name));
      expect(await rejection(client1.create(GC, NS, gslbConfig(name)))).toBeInstanceOf(ConflictError);
      await client1.mergePatch(GC, NS, name, { spec: { refreshInterval: 5 } });
      const stale = await rejection(client1.delete(GC, NS, name, { resourceVersion: created.metadata.resourceVersion }));
      expect(stale).toBeInstanceOf(ConflictError);
      expect(await client1.get(GC, NS, name)).toBeDefined();
    });

    it('classifies 422 Invalid as SchemaRejectedError with the server\'s message', async () => {
      const bad = { ...gslbConfig(uniqueName('gc')), spec: { refreshInterval: 'often' } } as KubeObject;
      const err = await rejection(client1.create(GC, NS, bad));
      expect(err).toBeInstanceOf(SchemaRejectedError);
      expect((err as SchemaRejectedError).status).toBe(422);
      expect((err as Error).message).toMatch(/^create GSLBConfig avi-system\/gc-.* on cluster1: .*spec\.refreshInterval/);
    });

    it('classifies 429 as ThrottledError with the Retry-After delay', async () => {
      env.cluster(0).faults.set({ error: { status: 429, retryAfterSeconds: 3, count: 1 } });
      const err = await rejection(client1.list(GC, NS));
      expect(err).toBeInstanceOf(ThrottledError);
      expect((err as ThrottledError).retryAfterMs).toBe(3_000);
    });

    it('classifies 503 as a retryable UnavailableError', async () => {
      env.cluster(0).faults.set({ error: { status: 503, count: 1 } });
      const err = await rejection(client1.get(GC, NS, 'x'));
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as UnavailableError).retryable).toBe(true);
    });
  });

  describe('when the API server does not answer', () => {
    it('gives up after the timeout with UnavailableError', async () => {
      env.cluster(0).faults.set({ hang: { count: 1 } });
      const err = await rejection(clientFor('cluster1', 300).list(GC, NS));
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as Error).message).toBe('list GSLBConfig avi-system on cluster1: the API server did not answer in time');
    });

    it('reports a refused connection as UnavailableError', async () => {
      await env.cluster(1).stop();
      try {
        const err = await rejection(client2.list(GC, NS));
        expect(err).toBeInstanceOf(UnavailableError);
        expect((err as Error).message).toMatch(/^list GSLBConfig avi-system on cluster2: .*ECONNREFUSED/);
      } finally {
        await env.cluster(1).start();
      }
      expect((await client2.list(GC, NS)).items).toBeDefined();
    });
  });

  describe('when clients for several contexts come from one kubeconfig', () => {
    it('sends each cluster only its own credentials', async () => {
      for (const c of env.clusters) c.requestLog.clear();
      await Promise.all([client1.list(GC, NS), client2.list(GC, NS), client1.getLease(NS, 'x'), client2.getSecret(NS, 'y'), client1.list(AMKO_CLUSTER_KIND, undefined)]);
      const users = (i: number) => new Set(env.cluster(i).requestLog.entries().map((e) => e.user));
      expect(users(0)).toEqual(new Set(['cluster1-admin']));
      expect(users(1)).toEqual(new Set(['cluster2-admin']));
      expect(client1.server).toBe(env.cluster(0).url);
      expect(client2.server).toBe(env.cluster(1).url);
    });
  });
});
