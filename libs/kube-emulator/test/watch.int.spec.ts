/**
 * Conformance: `?watch=true` streams — resourceVersion semantics, selectors, DELETED stamping,
 * bookmarks, timeoutSeconds and 410 Expired after the history is compacted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realServerSkips, type ProvidedCluster } from './support/provider.ts';
import { startSuiteCluster, type SuiteCluster } from './support/suite.ts';
import { gslbConfig, gslbConfigs, mergePatch, metaOf, uniqueName, type Clients } from './support/clients.ts';
import { collectWatch, type CollectedWatch } from './support/watch.ts';

let suite: SuiteCluster;
let cluster: ProvidedCluster;
let c: Clients;
let ns: string;
const open: CollectedWatch[] = [];
const gc = (): typeof gslbConfigs & { namespace: string } => ({ ...gslbConfigs, namespace: ns });
const path = (): string => `/apis/amko.vmware.com/v1alpha1/namespaces/${ns}/gslbconfigs`;

async function watch(params: Record<string, string | number | boolean | undefined>): Promise<CollectedWatch> {
  const w = await collectWatch(c.kc, path(), params);
  open.push(w);
  return w;
}

async function listRv(): Promise<string> {
  const list = (await c.co.listNamespacedCustomObject(gc())) as { metadata: { resourceVersion: string } };
  return list.metadata.resourceVersion;
}

beforeAll(async () => {
  suite = await startSuiteCluster(process.env);
  ({ cluster, c } = suite);
});

afterAll(async () => {
  for (const w of open) w.stop();
  await suite?.close();
});

describe('watch', () => {
  beforeAll(async () => {
    ns = await suite.createNamespace();
  });

  describe('when resourceVersion is unset', () => {
    it('sends ADDED for every current object, then the changes', async () => {
      const before = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(before) });
      const w = await watch({});
      await w.waitFor((e) => e.type === 'ADDED' && e.object.metadata?.name === before);
      const after = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(after) });
      await c.co.patchNamespacedCustomObject({ ...gc(), name: after, body: { spec: { refreshInterval: 2 } } }, mergePatch);
      await c.co.deleteNamespacedCustomObject({ ...gc(), name: after });
      const changes = await w.waitFor((e) => e.object.metadata?.name === after, 3);
      expect(changes.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    });
  });

  describe('when resourceVersion is a list resourceVersion', () => {
    it('sends only what happened after it, and DELETED carries a newer resourceVersion', async () => {
      const old = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(old) });
      const rv = await listRv();
      const fresh = uniqueName('gc');
      const created = await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(fresh) });
      const w = await watch({ resourceVersion: rv });
      await c.co.deleteNamespacedCustomObject({ ...gc(), name: fresh });
      const events = await w.waitFor((e) => e.object.metadata?.name === fresh, 2);
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
      expect(BigInt(events[1]?.object.metadata?.resourceVersion ?? '0')).toBeGreaterThan(BigInt(metaOf(created).resourceVersion));
      expect(w.events.some((e) => e.object.metadata?.name === old)).toBe(false);
    });

    it('sends no event for a no-op update', async () => {
      const name = uniqueName('gc');
      const created = await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      const w = await watch({ resourceVersion: metaOf(created).resourceVersion });
      await c.co.replaceNamespacedCustomObject({ ...gc(), name, body: created });
      await c.co.patchNamespacedCustomObject({ ...gc(), name, body: { spec: { refreshInterval: 61 } } }, mergePatch);
      await w.waitFor((e) => e.type === 'MODIFIED' && e.object.metadata?.name === name);
      expect(w.events.filter((e) => e.object.metadata?.name === name)).toHaveLength(1);
    });
  });

  describe('when selectors are given', () => {
    it('filters by label and turns leaving the selection into DELETED', async () => {
      const team = uniqueName('team');
      const w = await watch({ labelSelector: `team=${team}`, resourceVersion: await listRv() });
      const inside = uniqueName('gc');
      const outside = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc(), body: { ...gslbConfig(inside), metadata: { name: inside, labels: { team } } } });
      await c.co.createNamespacedCustomObject({ ...gc(), body: { ...gslbConfig(outside), metadata: { name: outside, labels: { team: 'other' } } } });
      await c.co.patchNamespacedCustomObject({ ...gc(), name: inside, body: { metadata: { labels: { team: 'gone' } } } }, mergePatch);
      const events = await w.waitFor((e) => e.object.metadata?.name === inside, 2);
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
      expect(w.events.some((e) => e.object.metadata?.name === outside)).toBe(false);
    });

    it('filters by metadata.name field selector', async () => {
      const name = uniqueName('gc');
      const w = await watch({ fieldSelector: `metadata.name=${name}`, resourceVersion: await listRv() });
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(uniqueName('gc')) });
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(name) });
      await w.waitFor((e) => e.type === 'ADDED');
      expect(w.events.map((e) => e.object.metadata?.name)).toEqual([name]);
    });
  });

  describe('when timeoutSeconds is given', () => {
    it('ends the stream cleanly', async () => {
      const w = await watch({ timeoutSeconds: 1, resourceVersion: await listRv() });
      expect(await w.done).toBeNull();
    });
  });
});

describe.skipIf(realServerSkips(process.env, 'watch (emulator hooks)', 'a 200 ms bookmark interval and history compaction'))('watch (emulator hooks)', () => {
  beforeAll(async () => {
    ns ??= await suite.createNamespace();
  });

  describe('when allowWatchBookmarks=true', () => {
    it('sends periodic BOOKMARK events with the current resourceVersion', async () => {
      const w = await watch({ allowWatchBookmarks: true, resourceVersion: await listRv() });
      const [bookmark] = await w.waitFor((e) => e.type === 'BOOKMARK');
      expect(bookmark?.object.kind).toBe('GSLBConfig');
      expect(bookmark?.object.metadata?.resourceVersion).toMatch(/^\d+$/);
    });
  });

  describe('when the resourceVersion is older than the kept history', () => {
    it('answers 200, sends an ERROR 410 Expired Status and closes', async () => {
      const rv = await listRv();
      await c.co.createNamespacedCustomObject({ ...gc(), body: gslbConfig(uniqueName('gc')) });
      cluster.emulator?.compactHistory();
      const w = await watch({ resourceVersion: rv });
      await w.done;
      expect(w.events).toHaveLength(1);
      expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    });
  });

  describe('when failWatches is called (the API server cannot go on serving a watch)', () => {
    it('sends every open watch an ERROR event with a 500 Status and closes it', async () => {
      const w = await watch({ resourceVersion: await listRv() });
      expect(cluster.emulator?.failWatches('watch cache re-initialised')).toBeGreaterThan(0);
      await w.done;
      expect(w.events).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 500, reason: 'InternalError', message: 'Internal error occurred: watch cache re-initialised' }) }]);
    });
  });
});
