import { describe, expect, it } from 'vitest';
import type { KubeObject } from './object.ts';
import { Store, type StoreEvent } from './store.ts';

const obj = (name: string, namespace = 'ns'): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });

describe('Store', () => {
  describe('when objects are written', () => {
    it('gives every write the next global resourceVersion and keeps objects sorted', () => {
      const store = new Store();
      const b = store.create('/configmaps', obj('b'));
      const a = store.create('/secrets', obj('a'));
      const b2 = store.update('/configmaps', { ...b, data: { x: '1' } }, b);
      expect([b.metadata.resourceVersion, a.metadata.resourceVersion, b2.metadata.resourceVersion]).toEqual(['1', '2', '3']);
      store.create('/configmaps', obj('a', 'other'));
      store.create('/configmaps', obj('a'));
      expect(store.list('/configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['ns/a', 'ns/b', 'other/a']);
      expect(store.list('/configmaps', 'other')).toHaveLength(1);
      expect(store.resourceVersion).toBe(5);
    });

    it('stamps DELETED with the deletion resourceVersion and tells subscribers', () => {
      const store = new Store();
      const seen: StoreEvent[] = [];
      store.subscribe({ resource: '/configmaps', onEvent: (e) => seen.push(e) });
      const created = store.create('/configmaps', obj('a'));
      const deleted = store.delete('/configmaps', created);
      expect(deleted.metadata.resourceVersion).toBe('2');
      expect(seen.map((e) => [e.type, e.rv])).toEqual([
        ['ADDED', 1],
        ['DELETED', 2],
      ]);
      expect(store.get('/configmaps', 'ns', 'a')).toBeUndefined();
    });
  });

  describe('when a watch resumes', () => {
    it('returns the events after the resourceVersion for that resource only', () => {
      const store = new Store();
      const a = store.create('/configmaps', obj('a'));
      store.create('/secrets', obj('s'));
      store.update('/configmaps', { ...a, data: {} }, a);
      expect(store.eventsSince('/configmaps', 1)?.map((e) => e.rv)).toEqual([3]);
    });

    it('answers undefined (410) once the history no longer reaches back', () => {
      const store = new Store({ historySize: 2 });
      for (const name of ['a', 'b', 'c']) store.create('/configmaps', obj(name));
      expect(store.eventsSince('/configmaps', 0)).toBeUndefined();
      expect(store.eventsSince('/configmaps', 1)?.map((e) => e.rv)).toEqual([2, 3]);
      store.compactHistory();
      expect(store.eventsSince('/configmaps', 2)).toBeUndefined();
      expect(store.eventsSince('/configmaps', 3)).toEqual([]);
    });
  });
});
