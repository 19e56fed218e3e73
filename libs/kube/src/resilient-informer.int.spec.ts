import { FEDERATED_KINDS, type KubeObject } from '@amko-fed/domain';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, gslbConfig, startClusters, uniqueName, type EmulatedClusters } from '../test/emulated.ts';
import { createClusterClient, type ClusterClient } from './cluster-client.ts';
import { kubeConfigForContext } from './kube-config.ts';
import { createResilientInformer, type ResilientInformer } from './resilient-informer.ts';

const GC = FEDERATED_KINDS.GSLBConfig;
let env: EmulatedClusters;
let client: ClusterClient;
const started: ResilientInformer[] = [];
const emulator = () => env.cluster(0);

interface Recorder {
  readonly informer: ResilientInformer;
  readonly seen: string[];
  readonly synced: boolean[];
  readonly errors: Error[];
}

/** Each informer watches its own namespace, so tests do not see each other's objects. */
async function namespace(): Promise<string> {
  const name = uniqueName('ns');
  await kubeConfigForContext(env.kubeconfig, 'cluster1').makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}

async function watch(ns: string): Promise<Recorder> {
  const seen: string[] = [];
  const synced: boolean[] = [];
  const errors: Error[] = [];
  const name = (o: KubeObject) => o.metadata.name;
  const informer = createResilientInformer({
    kubeConfig: kubeConfigForContext(env.kubeconfig, 'cluster1'),
    kind: GC,
    namespace: ns,
    backoff: { baseMs: 50, capMs: 200 },
    handlers: {
      onAdd: (o) => seen.push(`add ${name(o)}`),
      onUpdate: (o) => seen.push(`update ${name(o)}`),
      onDelete: (o) => seen.push(`delete ${name(o)}`),
      onSynced: ({ relist }) => synced.push(relist),
      onError: (err) => errors.push(err),
    },
  });
  started.push(informer);
  await informer.start();
  await informer.synced();
  return { informer, seen, synced, errors };
}

beforeAll(async () => {
  env = await startClusters(['cluster1']);
  client = createClusterClient({ context: 'cluster1', kubeConfig: kubeConfigForContext(env.kubeconfig, 'cluster1') });
});

afterEach(() => {
  emulator().faults.clear();
});

afterAll(async () => {
  await Promise.all(started.map((i) => i.stop()));
  await env?.close();
});

describe('resilient informer', () => {
  describe('when objects are added, changed and deleted', () => {
    it('reports each change and keeps its cache', async () => {
      const ns = await namespace();
      const existing = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(existing));
      const { informer, seen, synced } = await watch(ns);
      expect(seen).toEqual([`add ${existing}`]);
      expect(synced).toEqual([false]);
      expect(informer.health()).toMatchObject({ synced: true, healthy: true, restarts: 0 });

      const name = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(name));
      await client.mergePatch(GC, ns, name, { spec: { refreshInterval: 5 } });
      await client.delete(GC, ns, name);
      await eventually(() => expect(seen.slice(1)).toEqual([`add ${name}`, `update ${name}`, `delete ${name}`]));
      expect(informer.list().map((o) => o.metadata.name)).toEqual([existing]);
    });
  });

  describe('when its watch resumes from a compacted resourceVersion (410 Expired)', () => {
    it('relists, reports the relist and deletes what vanished meanwhile', async () => {
      const ns = await namespace();
      const doomed = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(doomed));
      const { seen, synced, errors } = await watch(ns);

      // Hold the informer's next watch back while the object goes and the history is compacted.
      emulator().faults.set({ latencyByVerb: { watch: 400 } });
      emulator().endWatches();
      await client.delete(GC, ns, doomed);
      emulator().compactHistory();

      await eventually(() => expect(seen).toContain(`delete ${doomed}`));
      expect(synced).toEqual([false, true]);
      expect(errors).toEqual([]);
      const later = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(later));
      await eventually(() => expect(seen).toContain(`add ${later}`));
    });
  });

  describe('when the emulator drops its connections', () => {
    it('restarts itself and catches up', async () => {
      const ns = await namespace();
      const { informer, seen, errors } = await watch(ns);
      await eventually(() => expect(emulator().openWatchCount).toBeGreaterThan(0));
      emulator().dropWatches();
      await eventually(() => expect(errors.length).toBeGreaterThan(0));
      const name = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(name));
      await eventually(() => expect(seen).toContain(`add ${name}`));
      await eventually(() => expect(informer.health()).toMatchObject({ healthy: true, lastError: undefined }));
      expect(informer.health().restarts).toBeGreaterThan(0);
    });
  });

  describe('when the API server is stopped and started again', () => {
    it('reports unhealthy while it is down, then relists, deletes what vanished and catches up', async () => {
      const ns = await namespace();
      const kept = uniqueName('gc');
      const removed = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(kept));
      await client.create(GC, ns, gslbConfig(removed));
      const { informer, seen, synced } = await watch(ns);

      await emulator().stop();
      await eventually(() => expect(informer.health().healthy).toBe(false));
      expect(informer.health().lastError).toMatch(/^watch GSLBConfig .* on cluster1: /);
      // While it is down: a change made behind the API, and the watch history compacted, so the
      // informer cannot resume its watch and must relist.
      const stored = emulator().store.get('amko.vmware.com/gslbconfigs', ns, removed);
      if (stored === undefined) throw new Error('object missing from the emulator store');
      emulator().store.delete('amko.vmware.com/gslbconfigs', stored);
      emulator().compactHistory();
      await emulator().start();

      await eventually(() => expect(seen).toContain(`delete ${removed}`));
      expect(synced.at(-1)).toBe(true);
      const added = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(added));
      await eventually(() => expect(informer.list().map((o) => o.metadata.name).sort()).toEqual([kept, added].sort()));
      await eventually(() => expect(informer.health().healthy).toBe(true));
    });
  });

  describe('when it is stopped', () => {
    it('cannot be started again and rejects a pending synced()', async () => {
      const ns = await namespace();
      emulator().faults.set({ hang: { verbs: ['list'], count: 1 } });
      const informer = createResilientInformer({ kubeConfig: kubeConfigForContext(env.kubeconfig, 'cluster1'), kind: GC, namespace: ns, handlers: {}, listTimeoutMs: 5_000 });
      void informer.start();
      const synced = informer.synced();
      await informer.stop();
      await expect(synced).rejects.toThrow(/stopped before it synced/);
      await expect(informer.start()).rejects.toThrow(/cannot be started again/);
    });
  });
});
