import { FEDERATED_KINDS, type KubeObject } from '@amko-fed/domain';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, gslbConfig, startClusters, uniqueName, type EmulatedClusters } from '../test/emulated.ts';
import { clusterClientForContext, type ClusterClient, type ClusterInformerOptions } from './cluster-client.ts';
import { kubeConfigForContext } from './kube-config.ts';
import type { ResilientInformer } from './resilient-informer.ts';

const GC = FEDERATED_KINDS.GSLBConfig;
let env: EmulatedClusters;
let client: ClusterClient;
const started: ResilientInformer[] = [];
const emulator = () => env.cluster(0);

interface Recorder {
  readonly informer: ResilientInformer;
  readonly seen: string[];
  /** The objects handed to onDelete. */
  readonly deleted: KubeObject[];
  readonly synced: boolean[];
  readonly errors: Error[];
}

/** Each informer watches its own namespace, so tests do not see each other's objects. */
async function namespace(): Promise<string> {
  const name = uniqueName('ns');
  await kubeConfigForContext(env.kubeconfig, 'cluster1').makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}

async function watch(ns: string, options: Partial<ClusterInformerOptions> = {}): Promise<Recorder> {
  const seen: string[] = [];
  const deleted: KubeObject[] = [];
  const synced: boolean[] = [];
  const errors: Error[] = [];
  const name = (o: KubeObject) => o.metadata.name;
  const informer = client.informer({
    kind: GC,
    namespace: ns,
    backoff: { baseMs: 50, capMs: 200 },
    handlers: {
      onAdd: (o) => seen.push(`add ${name(o)}`),
      onUpdate: (o) => seen.push(`update ${name(o)}`),
      onDelete: (o) => {
        seen.push(`delete ${name(o)}`);
        deleted.push(o);
      },
      onSynced: ({ relist }) => synced.push(relist),
      onError: (err) => errors.push(err),
    },
    ...options,
  });
  started.push(informer);
  await informer.start();
  await informer.synced();
  return { informer, seen, deleted, synced, errors };
}

/** Deletes `name` while the informer's next watch is held back, and compacts the history: only a relist can see it go. */
async function deleteUnwatched(ns: string, name: string): Promise<void> {
  emulator().faults.set({ latencyByVerb: { watch: 400 } });
  emulator().endWatches();
  await client.delete(GC, ns, name);
  emulator().compactHistory();
}

/** The watch requests the emulator answered for `ns`, oldest first. */
const watchesOf = (ns: string) => emulator().requestLog.entries({ verb: 'watch', namespace: ns, resource: 'gslbconfigs' });

beforeAll(async () => {
  env = await startClusters(['cluster1']);
  client = clusterClientForContext(env.kubeconfig, 'cluster1', { timeoutMs: 5_000 });
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
    it('reports each change once', async () => {
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
    });

    it('watches from the list with bookmarks and a jittered server-side timeout', async () => {
      const ns = await namespace();
      await watch(ns, { watchTimeout: { minS: 300, maxS: 600 } });
      await eventually(() => expect(watchesOf(ns)).toHaveLength(1));
      const [list] = emulator().requestLog.entries({ verb: 'list', namespace: ns, resource: 'gslbconfigs' });
      const query = watchesOf(ns)[0]?.query ?? {};
      expect(query).toMatchObject({ watch: 'true', allowWatchBookmarks: 'true' });
      expect(Number(query['timeoutSeconds'])).toBeGreaterThanOrEqual(300);
      expect(Number(query['timeoutSeconds'])).toBeLessThan(600);
      expect(list?.user).toBe('cluster1-admin');
      expect(Number(query['resourceVersion'])).toBeGreaterThan(0);
    });
  });

  describe('when the server ends its watch', () => {
    it('resumes from the last resourceVersion without a relist or an error', async () => {
      const ns = await namespace();
      const { seen, synced, errors } = await watch(ns);
      const first = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(first));
      await eventually(() => expect(seen).toEqual([`add ${first}`]));
      const firstRv = (await client.get(GC, ns, first))?.metadata.resourceVersion;

      emulator().endWatches();
      await eventually(() => expect(watchesOf(ns)).toHaveLength(2));
      expect(watchesOf(ns)[1]?.query['resourceVersion']).toBe(firstRv);
      const second = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(second));
      await eventually(() => expect(seen).toEqual([`add ${first}`, `add ${second}`]));
      expect({ synced, errors }).toEqual({ synced: [false], errors: [] });
    });
  });

  describe('when bookmarks arrive', () => {
    it('resumes from the bookmarked resourceVersion, so a compacted history needs no relist', async () => {
      const ns = await namespace();
      const elsewhere = await namespace();
      const { synced, errors } = await watch(ns);
      // Changes in another namespace move the cluster's resourceVersion past the informer's list.
      await client.create(GC, elsewhere, gslbConfig(uniqueName('gc')));
      const moved = Number((await client.list(GC, elsewhere)).resourceVersion);
      const listedAt = Number(watchesOf(ns)[0]?.query['resourceVersion']);
      expect(moved).toBeGreaterThan(listedAt);
      // Each ended watch resumes from what the informer last saw; once a bookmark came (the
      // emulator sends one a second), that is >= moved. Polled less often than bookmarks come.
      await eventually(
        () => {
          const resumedFrom = Number(watchesOf(ns).at(-1)?.query['resourceVersion']);
          if (resumedFrom < moved) emulator().endWatches();
          expect(resumedFrom).toBeGreaterThanOrEqual(moved);
        },
        15_000,
        1_500,
      );
      emulator().compactHistory();
      emulator().endWatches();
      const resumes = watchesOf(ns).length;
      await eventually(() => expect(watchesOf(ns).length).toBeGreaterThan(resumes));
      await eventually(() => expect(emulator().openWatchCount).toBeGreaterThan(0));
      expect({ synced, errors }).toEqual({ synced: [false], errors: [] });
    });
  });

  describe('when the namespace holds more objects than one list page', () => {
    it('lists page by page from one snapshot, reports every object once and watches from that list', async () => {
      const ns = await namespace();
      const names = Array.from({ length: 5 }, () => uniqueName('gc'));
      for (const name of names) await client.create(GC, ns, gslbConfig(name));
      const { seen, synced } = await watch(ns, { pageSize: 2 });

      expect([...seen].sort()).toEqual(names.map((n) => `add ${n}`).sort());
      expect(synced).toEqual([false]);
      const lists = emulator().requestLog.entries({ verb: 'list', namespace: ns, resource: 'gslbconfigs' });
      expect(lists.map((e) => [e.query['limit'], e.query['continue'] === undefined ? 'first' : 'next'])).toEqual([['2', 'first'], ['2', 'next'], ['2', 'next']]);
      const later = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(later));
      await eventually(() => expect(seen).toContain(`add ${later}`));
      expect(seen).toHaveLength(6);
    });

    it('finds on a relist the objects deleted meanwhile, on any page', async () => {
      const ns = await namespace();
      const names = Array.from({ length: 5 }, () => uniqueName('gc'));
      for (const name of names) await client.create(GC, ns, gslbConfig(name));
      const { seen, synced } = await watch(ns, { pageSize: 2 });
      const doomed = [...names].sort()[4] ?? '';

      await deleteUnwatched(ns, doomed);

      await eventually(() => expect(seen).toContain(`delete ${doomed}`));
      expect(synced).toEqual([false, true]);
      expect(seen.filter((e) => e.startsWith('add'))).toHaveLength(5);
    });
  });

  describe('when its watch resumes from a compacted resourceVersion (410 Expired)', () => {
    it('relists, reports the relist and deletes what vanished meanwhile', async () => {
      const ns = await namespace();
      const doomed = uniqueName('gc');
      const kept = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(doomed));
      await client.create(GC, ns, gslbConfig(kept));
      const { seen, deleted, synced, errors } = await watch(ns);
      const doomedRv = (await client.get(GC, ns, doomed))?.metadata.resourceVersion;

      await deleteUnwatched(ns, doomed);

      await eventually(() => expect(seen).toContain(`delete ${doomed}`));
      expect(synced).toEqual([false, true]);
      expect(errors).toEqual([]);
      // The relist knew only the name and resourceVersion of what vanished; the unchanged object is not reported again.
      expect(deleted).toEqual([{ apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBConfig', metadata: { name: doomed, namespace: ns, resourceVersion: doomedRv } }]);
      expect(seen).toEqual([`add ${doomed}`, `add ${kept}`, `delete ${doomed}`]);
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
      expect(errors[0]?.message).toMatch(/^watch GSLBConfig .* on cluster1: /);
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
      await eventually(() => expect(seen).toContain(`add ${added}`));
      expect(seen.filter((s) => s.startsWith('add')).sort()).toEqual([`add ${kept}`, `add ${removed}`, `add ${added}`].sort());
      await eventually(() => expect(informer.health().healthy).toBe(true));
    });
  });

  describe('when a watch request is answered with a failure status', () => {
    it('reports it classified, backs off and resumes', async () => {
      const ns = await namespace();
      const { informer, synced, errors } = await watch(ns);
      emulator().faults.set({ error: { status: 500, verbs: ['watch'], count: 1 } });
      emulator().endWatches();
      await eventually(() => expect(errors.length).toBe(1));
      expect(errors[0]).toMatchObject({ code: 'UNAVAILABLE', httpStatus: 500 });
      await eventually(() => expect(informer.health()).toMatchObject({ healthy: true, lastError: undefined, restarts: 1 }));
      expect(synced).toEqual([false]);
    });
  });

  describe('when the watch carries an ERROR event other than 410', () => {
    it('reports it classified, backs off and resumes without a relist', async () => {
      const ns = await namespace();
      const { informer, seen, synced, errors } = await watch(ns);
      await eventually(() => expect(watchesOf(ns)).toHaveLength(1));
      emulator().failWatches('watch cache re-initialised');
      await eventually(() => expect(errors).toHaveLength(1));
      expect(errors[0]).toMatchObject({ code: 'UNAVAILABLE', httpStatus: 500, message: expect.stringMatching(/^watch GSLBConfig .* on cluster1: Internal error occurred: watch cache re-initialised$/) });
      await eventually(() => expect(informer.health()).toMatchObject({ healthy: true, lastError: undefined, restarts: 1 }));
      const name = uniqueName('gc');
      await client.create(GC, ns, gslbConfig(name));
      await eventually(() => expect(seen).toEqual([`add ${name}`]));
      expect(synced).toEqual([false]);
    });
  });

  describe('when it is stopped', () => {
    it('cannot be started again and rejects a pending synced()', async () => {
      const ns = await namespace();
      emulator().faults.set({ hang: { verbs: ['list'], count: 1 } });
      const informer = client.informer({ kind: GC, namespace: ns, handlers: {}, listTimeoutMs: 5_000 });
      void informer.start();
      const synced = informer.synced();
      await informer.stop();
      await expect(synced).rejects.toThrow(/stopped before it synced/);
      await expect(informer.start()).rejects.toThrow(/cannot be started again/);
    });

    it('closes its open watch at once and reports nothing more', async () => {
      const ns = await namespace();
      const { informer, seen, errors } = await watch(ns);
      await eventually(() => expect(emulator().openWatchCount).toBeGreaterThan(0));
      const open = emulator().openWatchCount;
      await informer.stop();
      await eventually(() => expect(emulator().openWatchCount).toBe(open - 1));
      await client.create(GC, ns, gslbConfig(uniqueName('gc')));
      await client.list(GC, ns);
      expect({ seen, errors, health: informer.health().healthy }).toEqual({ seen: [], errors: [], health: false });
    });
  });
});
