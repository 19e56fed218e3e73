/**
 * Emulator: runtime fault injection (latency, error statuses, hangs, stop/start, dropped
 * watches), the admin endpoint and the request log. Skipped against a real API server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedCluster } from '../src/index.ts';
import { realServerSkips, type ProvidedCluster } from './support/provider.ts';
import { startSuiteCluster, type SuiteCluster } from './support/suite.ts';
import { eventually, failure, gslbConfig, gslbConfigs, mergePatch, uniqueName, type Clients } from './support/clients.ts';
import { rawClient, type RawResponse } from './support/http.ts';
import { collectWatch } from './support/watch.ts';

let suite: SuiteCluster;
let cluster: ProvidedCluster;
let emulator: EmulatedCluster;
let c: Clients;
let raw: (path: string, req?: Parameters<ReturnType<typeof rawClient>>[1]) => Promise<RawResponse>;
const gc = { ...gslbConfigs, namespace: 'avi-system' };

describe.skipIf(realServerSkips(process.env, 'faults', 'fault injection, the admin endpoint and the request log'))('faults', () => {
  beforeAll(async () => {
    suite = await startSuiteCluster(process.env);
    ({ cluster, c } = suite);
    if (!cluster.emulator) throw new Error('no emulated cluster');
    emulator = cluster.emulator;
    raw = rawClient(cluster);
  });

  afterEach(() => {
    emulator.faults.clear();
  });

  afterAll(async () => {
    await suite?.close();
  });

  describe('when latency is set', () => {
    it('delays the matching verbs', async () => {
      emulator.faults.set({ latencyByVerb: { list: 300 } });
      emulator.requestLog.clear();
      await c.co.listNamespacedCustomObject(gc);
      const [entry] = emulator.requestLog.entries({ verb: 'list' });
      expect(entry?.durationMs).toBeGreaterThanOrEqual(295);
    });
  });

  describe('when an error status is set for the next N requests', () => {
    it('fails exactly those with a Status and Retry-After, then recovers', async () => {
      emulator.faults.set({ error: { status: 503, count: 2, retryAfterSeconds: 2 } });
      const first = await failure(c.co.listNamespacedCustomObject(gc));
      expect(first.code).toBe(503);
      expect(first.status).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
      expect(first.headers['retry-after']).toBe('2');
      expect((await failure(c.co.listNamespacedCustomObject(gc))).code).toBe(503);
      await c.co.listNamespacedCustomObject(gc);
      expect(emulator.faults.get().errorsLeft).toBe(0);
    });

    it('answers 429 TooManyRequests with retryAfterSeconds', async () => {
      emulator.faults.set({ error: { status: 429, retryAfterSeconds: 3, verbs: ['create'] } });
      const err = await failure(c.co.createNamespacedCustomObject({ ...gc, body: gslbConfig(uniqueName('gc')) }));
      expect(err.code).toBe(429);
      expect(err.status).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
      expect(err.headers['retry-after']).toBe('3');
      await c.co.listNamespacedCustomObject(gc);
    });

    it('fails nothing with probability 0 and everything with probability 1', async () => {
      emulator.faults.set({ error: { status: 500, probability: 0 } });
      await c.co.listNamespacedCustomObject(gc);
      emulator.faults.set({ error: { status: 500, probability: 1, resources: ['gslbconfigs'] } });
      expect((await failure(c.co.listNamespacedCustomObject(gc))).code).toBe(500);
      await c.core.listNamespace();
    });
  });

  describe('when requests hang', () => {
    it('accepts them and never answers', async () => {
      emulator.faults.set({ hang: { count: 1 } });
      await expect(raw('/apis/amko.vmware.com/v1alpha1', { timeoutMs: 300 })).rejects.toThrow(/abort|timeout/i);
      expect((await raw('/apis/amko.vmware.com/v1alpha1')).status).toBe(200);
    });
  });

  describe('when the cluster is stopped and started', () => {
    it('refuses connections meanwhile and keeps its objects on the same port', async () => {
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc, body: gslbConfig(name) });
      await emulator.stop();
      expect(emulator.running).toBe(false);
      await expect(raw('/version')).rejects.toThrow(/ECONNREFUSED/);
      await emulator.start();
      const got = await c.co.getNamespacedCustomObject({ ...gc, name });
      expect((got as { metadata: { name: string } }).metadata.name).toBe(name);
      expect(emulator.url).toBe(cluster.kubeconfig().match(/server: (\S+)/)?.[1]);
    });
  });

  describe('when watches are dropped', () => {
    it('resets the open streams', async () => {
      const w = await collectWatch(c.kc, '/apis/amko.vmware.com/v1alpha1/namespaces/avi-system/gslbconfigs', {});
      await eventually(() => expect(emulator.openWatchCount).toBeGreaterThan(0));
      expect(emulator.dropWatches()).toBeGreaterThan(0);
      expect(await w.done).toBeTruthy();
    });
  });

  describe('the admin endpoint', () => {
    it('sets, reads and clears faults with the cluster token', async () => {
      const set = await raw('/_emulator/faults', { method: 'POST', body: JSON.stringify({ error: { status: 500, count: 1 } }), headers: { 'Content-Type': 'application/json' } });
      expect(set.status).toBe(200);
      expect(set.json()).toMatchObject({ error: { status: 500, count: 1 }, errorsLeft: 1 });
      expect((await failure(c.co.listNamespacedCustomObject(gc))).code).toBe(500);
      expect((await raw('/_emulator/faults', { method: 'DELETE' })).json()).toEqual({});
      expect((await raw('/_emulator/faults', { token: null })).status).toBe(401);
      expect((await raw('/_emulator/faults', { method: 'POST', body: '{"bogus":1}' })).status).toBe(400);
    });

    it('reads and clears the request log', async () => {
      await raw('/_emulator/requests', { method: 'DELETE' });
      const name = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc, body: gslbConfig(name), fieldManager: 'replicator' });
      await c.co.patchNamespacedCustomObject({ ...gc, name, body: { spec: { refreshInterval: 2 } }, fieldManager: 'replicator' }, mergePatch);
      const log = (await raw('/_emulator/requests?resource=gslbconfigs')).json<{ items: { verb: string; fieldManager: string; user: string; status: number; method: string }[] }>();
      expect(log.items.map((e) => [e.method, e.verb, e.status, e.fieldManager, e.user])).toEqual([
        ['POST', 'create', 201, 'replicator', 'admin'],
        ['PATCH', 'patch', 200, 'replicator', 'admin'],
      ]);
      expect(emulator.requestLog.writes({ resource: 'gslbconfigs', name })).toHaveLength(1);
    });

    it('finds writes to one object that were in flight at the same time, and only those', async () => {
      const name = uniqueName('gc');
      const other = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gc, body: gslbConfig(name) });
      await c.co.createNamespacedCustomObject({ ...gc, body: gslbConfig(other) });
      emulator.faults.set({ latencyByVerb: { patch: 200 } });
      emulator.requestLog.clear();
      const patch = (target: string, refreshInterval: number) => c.co.patchNamespacedCustomObject({ ...gc, name: target, body: { spec: { refreshInterval } } }, mergePatch);
      await patch(name, 2);
      await patch(name, 3);
      await Promise.all([patch(other, 4), patch(name, 5)]);
      expect(emulator.requestLog.overlappingWrites({ resource: 'gslbconfigs' })).toEqual([]);
      await Promise.all([patch(name, 6), patch(name, 7)]);
      const overlaps = emulator.requestLog.overlappingWrites({ resource: 'gslbconfigs' });
      expect(overlaps.map(({ first, second }) => [first.name, second.name, first.verb, second.verb])).toEqual([[name, name, 'patch', 'patch']]);
    });

    it('compacts history, drops watches and runs an outage', async () => {
      expect((await raw('/_emulator/history/compact', { method: 'POST' })).json()).toEqual({ compacted: true });
      expect((await raw('/_emulator/watches/drop', { method: 'POST' })).json()).toHaveProperty('dropped');
      expect((await raw('/_emulator/outage', { method: 'POST', body: JSON.stringify({ durationMs: 300 }) })).status).toBe(202);
      await eventually(() => expect(emulator.running).toBe(false));
      await eventually(() => expect(emulator.running).toBe(true), 5000);
      expect((await raw('/version')).status).toBe(200);
    });
  });
});
