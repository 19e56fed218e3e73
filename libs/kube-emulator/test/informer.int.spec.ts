/**
 * Conformance: the @kubernetes/client-node informer (list + watch) sees adds, updates and
 * deletes; relists after 410 Expired (deletes made meanwhile fire `delete`); and, restarted by
 * its owner after a connection reset, catches up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInformer, type Informer, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import { realServerSkips, type ProvidedCluster } from './support/provider.ts';
import { startSuiteCluster, type NamespacedSuiteCluster } from './support/suite.ts';
import { eventually, gslbConfig, gslbConfigs, mergePatch, uniqueName, type Clients } from './support/clients.ts';

let suite: NamespacedSuiteCluster;
let cluster: ProvidedCluster;
let c: Clients;
let ns: string;
const informers: Informer<KubernetesObject>[] = [];
const gc = (): typeof gslbConfigs & { namespace: string } => ({ ...gslbConfigs, namespace: ns });

interface Recorded {
  readonly informer: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  readonly seen: string[];
  readonly errors: unknown[];
}

async function startInformer(options: { restartOnError?: boolean } = {}): Promise<Recorded> {
  const path = `/apis/amko.vmware.com/v1alpha1/namespaces/${ns}/gslbconfigs`;
  const informer = makeInformer(c.kc, path, () => c.co.listNamespacedCustomObject(gc()) as never);
  const seen: string[] = [];
  const errors: unknown[] = [];
  informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
  informer.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
  informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
  informer.on('error', (err) => {
    errors.push(err);
    // The client-node informer stops after a connection reset; its owner restarts it.
    if (options.restartOnError) setTimeout(() => void informer.start(), 100);
  });
  informers.push(informer);
  await informer.start();
  return { informer, seen, errors };
}

beforeAll(async () => {
  suite = await startSuiteCluster(process.env, { namespace: true });
  ({ cluster, c, ns } = suite);
});

afterAll(async () => {
  await Promise.all(informers.map((i) => i.stop()));
  await suite?.close();
});

describe('informer', () => {
  describe('when objects change', () => {
    it('fires add, update and delete and keeps its cache', async () => {
      const existing = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(existing) });
      const { informer, seen } = await startInformer();
      await eventually(() => expect(seen).toContain(`add ${existing}`));
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      await eventually(() => expect(informer.get(name, ns)).toBeDefined());
      await c.co.patchNamespacedCustomObject({ ...gc(), name, body: { spec: { refreshInterval: 3 } } }, mergePatch);
      await c.co.deleteNamespacedCustomObject({ ...gc(), name });
      await eventually(() => expect(seen.filter((s) => s.endsWith(` ${name}`))).toEqual([`add ${name}`, `update ${name}`, `delete ${name}`]));
      expect(informer.get(name, ns)).toBeUndefined();
      await informer.stop();
    });
  });
});

describe.skipIf(realServerSkips(process.env, 'informer (emulator hooks)', 'history compaction, watch drops and injected latency'))('informer (emulator hooks)', () => {
  describe('when its watch resumes from a compacted resourceVersion', () => {
    it('relists and fires delete for what vanished meanwhile', async () => {
      const emulator = cluster.emulator;
      if (!emulator) throw new Error('emulator hooks missing');
      const doomed = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(doomed) });
      const { informer, seen } = await startInformer();
      await eventually(() => expect(informer.get(doomed, ns)).toBeDefined());
      const listsBefore = emulator.requestLog.entries({ verb: 'list', resource: 'gslbconfigs', namespace: ns }).length;

      // Hold the informer's next watch request back while the object goes and the history is compacted.
      emulator.faults.set({ latencyByVerb: { watch: 500 } });
      emulator.endWatches();
      await c.co.deleteNamespacedCustomObject({ ...gc(), name: doomed });
      emulator.compactHistory();

      await eventually(() => expect(seen).toContain(`delete ${doomed}`));
      emulator.faults.clear();
      expect(emulator.requestLog.entries({ verb: 'list', resource: 'gslbconfigs', namespace: ns }).length).toBeGreaterThan(listsBefore);
      const after = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(after) });
      await eventually(() => expect(informer.get(after, ns)).toBeDefined());
      await informer.stop();
    });
  });

  describe('when its connection is dropped and the history compacted meanwhile', () => {
    it('is restarted by its owner, gets 410, relists and fires delete for what vanished', async () => {
      const emulator = cluster.emulator;
      if (!emulator) throw new Error('emulator hooks missing');
      const doomed = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(doomed) });
      const { informer, seen, errors } = await startInformer({ restartOnError: true });
      await eventually(() => expect(informer.get(doomed, ns)).toBeDefined());
      // Keep the restarted informer's watch back until the delete and the compaction are done.
      emulator.faults.set({ latencyByVerb: { watch: 500 } });
      emulator.dropWatches();
      await c.co.deleteNamespacedCustomObject({ ...gc(), name: doomed });
      emulator.compactHistory();
      await eventually(() => expect(seen).toContain(`delete ${doomed}`));
      emulator.faults.clear();
      expect(errors.length).toBeGreaterThan(0);
      expect(informer.get(doomed, ns)).toBeUndefined();
      await informer.stop();
    });
  });

  describe('when the emulator drops its connection', () => {
    it('reports the error and, restarted by its owner, catches up', async () => {
      const emulator = cluster.emulator;
      if (!emulator) throw new Error('emulator hooks missing');
      const { informer, errors } = await startInformer({ restartOnError: true });
      await eventually(() => expect(emulator.openWatchCount).toBeGreaterThan(0));
      emulator.dropWatches();
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      await eventually(() => expect(informer.get(name, ns)).toBeDefined());
      expect(errors.length).toBeGreaterThan(0);
      await informer.stop();
    });
  });

  describe('when the emulator is stopped and started again', () => {
    it('keeps the objects and the informer catches up after a restart', async () => {
      const emulator = cluster.emulator;
      if (!emulator) throw new Error('emulator hooks missing');
      const { informer } = await startInformer({ restartOnError: true });
      const kept = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(kept) });
      await eventually(() => expect(informer.get(kept, ns)).toBeDefined());
      await emulator.stop();
      await emulator.start();
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      await eventually(() => expect(informer.get(name, ns)).toBeDefined());
      expect(informer.get(kept, ns)).toBeDefined();
      await informer.stop();
    });
  });
});
