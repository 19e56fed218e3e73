/**
 * What every `ClusterClient.informer` must do, part of the ClusterClient contract suite (run
 * against the in-memory fake and the real client on an emulated API server). Waits poll
 * (`vi.waitFor`); nothing sleeps and nothing asserts timing.
 */
import { AMKO_CLUSTER_KIND, type KubeObject } from '@amko-fed/domain';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterClient } from '../cluster-client.ts';
import type { ResilientInformer } from '../resilient-informer.ts';

const KIND = AMKO_CLUSTER_KIND;
const NS = 'avi-system';

function amkoCluster(name: string): KubeObject {
  return { apiVersion: `${KIND.group}/${KIND.version}`, kind: KIND.kind, metadata: { name, namespace: NS }, spec: { isLeader: false, clusterContext: 'c1', version: '1.12.1', clusters: ['c1', 'c2'] } } as KubeObject;
}

interface Watched {
  readonly informer: ResilientInformer;
  /** `<event> <name>` for the objects of this test only (the namespace is shared). */
  readonly events: string[];
  readonly updates: KubeObject[];
}

export function clusterInformerContract(client: () => ClusterClient): void {
  describe('informer', () => {
    const started: ResilientInformer[] = [];
    let n = 0;
    const fresh = (): string => `informer-${(n += 1)}`;
    afterEach(async () => {
      await Promise.all(started.splice(0).map((informer) => informer.stop()));
    });

    async function watch(names: readonly string[]): Promise<Watched> {
      const events: string[] = [];
      const updates: KubeObject[] = [];
      const mine = (object: KubeObject): boolean => names.includes(object.metadata.name);
      const informer = client().informer({
        kind: KIND,
        namespace: NS,
        backoff: { baseMs: 50, capMs: 200 },
        handlers: {
          onAdd: (o) => void (mine(o) && events.push(`add ${o.metadata.name}`)),
          onUpdate: (o) => void (mine(o) && events.push(`update ${o.metadata.name}`) && updates.push(o)),
          onDelete: (o) => void (mine(o) && events.push(`delete ${o.metadata.name}`)),
          onSynced: ({ relist }) => events.push(`synced relist=${String(relist)}`),
        },
      });
      started.push(informer);
      await informer.start();
      await informer.synced();
      return { informer, events, updates };
    }

    describe('when it starts', () => {
      it('reports the existing objects, then synced', async () => {
        const name = fresh();
        await client().create(KIND, NS, amkoCluster(name));
        const { informer, events } = await watch([name]);
        await vi.waitFor(() => expect(events).toEqual([`add ${name}`, 'synced relist=false']));
        expect(informer.health()).toMatchObject({ synced: true, healthy: true, restarts: 0 });
      });
    });

    describe('when objects are added, changed and deleted', () => {
      it('delivers each change with the object as written', async () => {
        const name = fresh();
        const { events, updates } = await watch([name]);
        await client().create(KIND, NS, amkoCluster(name));
        await client().mergePatch(KIND, NS, name, { spec: { isLeader: true } });
        await client().delete(KIND, NS, name);
        await vi.waitFor(() => expect(events).toEqual(['synced relist=false', `add ${name}`, `update ${name}`, `delete ${name}`]));
        expect((updates[0] as { spec?: { isLeader?: unknown } }).spec?.isLeader).toBe(true);
      });
    });

    describe('when only the status changes', () => {
      it('delivers it as an update', async () => {
        const name = fresh();
        await client().create(KIND, NS, amkoCluster(name));
        const { events, updates } = await watch([name]);
        const conditions = [{ type: 'current AMKO leader', status: 'True', reason: 'AMKO is the leader' }];
        await client().patchStatus(KIND, NS, name, { conditions });
        await vi.waitFor(() => expect(events.at(-1)).toBe(`update ${name}`));
        expect((updates.at(-1) as { status?: unknown }).status).toEqual({ conditions });
      });
    });

    describe('when it is stopped', () => {
      it('delivers nothing more and cannot be started again', async () => {
        const name = fresh();
        const stopped = await watch([name]);
        const running = await watch([name]);
        await stopped.informer.stop();
        await client().create(KIND, NS, amkoCluster(name));
        await vi.waitFor(() => expect(running.events).toContain(`add ${name}`));
        expect(stopped.events).toEqual(['synced relist=false']);
        await expect(stopped.informer.start()).rejects.toThrow(/cannot be started again/);
      });
    });
  });
}
