import { AMKO_CLUSTER_KIND, FEDERATED_KINDS, type KubeObject } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { createInMemoryCluster, type InMemoryCluster } from './in-memory-cluster.ts';

const GC = FEDERATED_KINDS.GSLBConfig;
const NS = 'avi-system';
const gc = (name: string, refreshInterval = 60): KubeObject =>
  ({ apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBConfig', metadata: { name, namespace: NS }, spec: { refreshInterval } }) as KubeObject;

async function watched(cluster: InMemoryCluster, kind = GC) {
  const events: string[] = [];
  const errors: [string, number][] = [];
  const informer = cluster.client.informer({
    kind,
    namespace: NS,
    backoff: { baseMs: 50, capMs: 200 },
    handlers: {
      onAdd: (o) => events.push(`add ${o.metadata.name}`),
      onUpdate: (o) => events.push(`update ${o.metadata.name}`),
      onDelete: (o) => events.push(`delete ${o.metadata.name}`),
      onSynced: ({ relist, count }) => events.push(`synced relist=${String(relist)} count=${count}`),
      onError: (err, restartInMs) => errors.push([err.message, restartInMs]),
    },
  });
  await informer.start();
  return { informer, events, errors };
}

describe('in-memory informer', () => {
  describe('when a write is made', () => {
    it('has delivered it before the write resolves, only for its kind and namespace', async () => {
      const cluster = createInMemoryCluster({ context: 'c1' });
      const { events } = await watched(cluster);
      await cluster.client.create(GC, NS, gc('a'));
      await cluster.client.create(GC, 'elsewhere', gc('b'));
      await cluster.client.create(AMKO_CLUSTER_KIND, NS, { ...gc('c'), kind: 'AMKOCluster' } as KubeObject);
      expect(events).toEqual(['synced relist=false count=0', 'add a']);
    });

    it('hands each handler a copy', async () => {
      const cluster = createInMemoryCluster({ context: 'c1' });
      const seen: KubeObject[] = [];
      const informer = cluster.client.informer({ kind: GC, namespace: NS, handlers: { onAdd: (o) => seen.push(o), onUpdate: (o) => seen.push(o) } });
      await informer.start();
      await cluster.client.create(GC, NS, gc('a'));
      (seen[0] as unknown as { spec: { refreshInterval: number } }).spec.refreshInterval = 1;
      await cluster.client.mergePatch(GC, NS, 'a', { metadata: { labels: { touched: 'yes' } } });
      expect({ delivered: seen[1], stored: await cluster.client.get(GC, NS, 'a') }).toMatchObject({ delivered: { spec: { refreshInterval: 60 } }, stored: { spec: { refreshInterval: 60 } } });
    });
  });

  describe('when its watch is broken', () => {
    it('reports the error with a restart delay, is unhealthy and misses writes until the next relist', async () => {
      const cluster = createInMemoryCluster({ context: 'c1' });
      await cluster.client.create(GC, NS, gc('kept'));
      await cluster.client.create(GC, NS, gc('changed'));
      await cluster.client.create(GC, NS, gc('removed'));
      const { informer, events, errors } = await watched(cluster);
      cluster.breakWatch(GC, new Error('connection reset'));
      cluster.breakWatch(GC, new Error('connection refused'));
      expect(errors).toEqual([['connection reset', 50], ['connection refused', 100]]);
      expect(informer.health()).toEqual({ synced: true, healthy: false, restarts: 0, lastError: 'connection refused' });

      await cluster.client.mergePatch(GC, NS, 'changed', { spec: { refreshInterval: 5 } });
      await cluster.client.delete(GC, NS, 'removed');
      await cluster.client.create(GC, NS, gc('added'));
      expect(events.slice(4)).toEqual([]);

      cluster.relist(GC);
      expect(events.slice(4)).toEqual(['update changed', 'add added', 'delete removed', 'synced relist=true count=3']);
      expect(informer.health()).toEqual({ synced: true, healthy: true, restarts: 1, lastError: undefined });
      await cluster.client.delete(GC, NS, 'kept');
      expect(events.at(-1)).toBe('delete kept');
    });
  });

  describe('when a relist finds nothing changed', () => {
    it('reports only synced with relist true, and only for informers of the kind asked', async () => {
      const cluster = createInMemoryCluster({ context: 'c1' });
      await cluster.client.create(GC, NS, gc('a'));
      const gcs = await watched(cluster);
      const amko = await watched(cluster, AMKO_CLUSTER_KIND);
      cluster.relist(GC);
      expect({ gc: gcs.events, amko: amko.events }).toEqual({ gc: ['add a', 'synced relist=false count=1', 'synced relist=true count=1'], amko: ['synced relist=false count=0'] });
      expect(gcs.informer.health().restarts).toBe(0);
    });
  });

  describe('when it is stopped before it started', () => {
    it('rejects a pending synced()', async () => {
      const informer = createInMemoryCluster({ context: 'c1' }).client.informer({ kind: GC, namespace: NS, handlers: {} });
      const synced = informer.synced();
      await informer.stop();
      await expect(synced).rejects.toThrow(/stopped before it synced/);
    });
  });
});
