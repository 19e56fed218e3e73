import { describe, expect, it } from 'vitest';
import { fieldsV1Of, MAX_UPDATE_MANAGERS, recordUpdate, serverSideApply, type ManagedFieldsEntry } from './server-side-apply.ts';
import { thrownApiError } from '../../test/support/thrown.ts';

type Obj = Record<string, unknown>;
const API = 'amko.vmware.com/v1alpha1';
const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const T2 = '2025-01-01T00:02:00Z';

const cluster = (spec: Obj, metadata: Obj = {}): Obj => ({
  apiVersion: API,
  kind: 'AMKOCluster',
  metadata: { name: 'a1', namespace: 'avi-system', ...metadata },
  spec,
});
const apply = (live: Obj | undefined, intent: Obj, manager: string, extra: { force?: boolean; now?: string; resetFields?: string[]; subresource?: string } = {}) =>
  serverSideApply(live, intent, { manager, force: extra.force ?? false, now: extra.now ?? T1, apiVersion: API, resetFields: extra.resetFields, subresource: extra.subresource });
const update = (obj: Obj, previous: Obj | undefined, manager: string, now = T0, subresource?: string): Obj =>
  recordUpdate(obj, previous, { manager, now, apiVersion: API, subresource });
const managed = (obj: Obj): ManagedFieldsEntry[] => ((obj['metadata'] as Obj)['managedFields'] as ManagedFieldsEntry[] | undefined) ?? [];
const entryOf = (obj: Obj, manager: string): ManagedFieldsEntry | undefined => managed(obj).find((e) => e.manager === manager);
const spec = (obj: Obj): Obj => obj['spec'] as Obj;
const conflictOf = (fn: () => unknown) => thrownApiError(fn, 'a conflict');

describe('fieldsV1Of', () => {
  describe('when an object has nested maps, lists and metadata', () => {
    it('tracks leaves, atomic lists, and only labels, annotations and finalizers of metadata', () => {
      const obj = {
        apiVersion: API,
        kind: 'AMKOCluster',
        metadata: { name: 'a1', resourceVersion: '5', labels: { app: 'x' }, annotations: { 'amko.vmware.com/amko-uuid': 'u' }, finalizers: ['f1', 'f2'] },
        spec: { clusters: ['a', 'b'], isLeader: true, nested: {} },
        status: { conditions: [{ type: 'A' }] },
      };
      expect(fieldsV1Of(obj)).toEqual({
        'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:annotations': { 'f:amko.vmware.com/amko-uuid': {} }, 'f:finalizers': { 'v:"f1"': {}, 'v:"f2"': {} } },
        'f:spec': { 'f:clusters': {}, 'f:isLeader': {}, 'f:nested': {} },
        'f:status': { 'f:conditions': {} },
      });
    });
  });
});

describe('serverSideApply', () => {
  describe('when the object does not exist', () => {
    it('creates it with one Apply entry', () => {
      const intent = cluster({ version: '1.12.1', isLeader: true });
      const { object, created } = apply(undefined, intent, 'kubectl');
      expect(created).toBe(true);
      expect(object).toEqual({
        ...intent,
        metadata: {
          name: 'a1',
          namespace: 'avi-system',
          managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: API, time: T1, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:version': {}, 'f:isLeader': {} } } }],
        },
      });
    });

    it('does not take managedFields from the intent', () => {
      const intent = cluster({ a: 1 }, { managedFields: [{ manager: 'forged', operation: 'Apply' }] });
      expect(managed(apply(undefined, intent, 'kubectl').object).map((e) => e.manager)).toEqual(['kubectl']);
    });
  });

  describe('when another manager owns fields through an ordinary update', () => {
    const live = update(cluster({ version: '1.0', clusters: ['c1'], isLeader: true }), undefined, 'kubectl-client-side-apply');

    it('refuses to change one of them with a FieldManagerConflict', () => {
      const error = conflictOf(() => apply(live, cluster({ version: '2.0' }), 'kubectl'));
      expect(error.code).toBe(409);
      expect(error.status).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using ${API}: .spec.version`,
        reason: 'Conflict',
        details: { causes: [{ reason: 'FieldManagerConflict', message: `conflict with "kubectl-client-side-apply" using ${API}`, field: '.spec.version' }] },
        code: 409,
      });
    });

    it('lists several conflicts by manager', () => {
      const error = conflictOf(() => apply(live, cluster({ version: '2.0', clusters: ['c2'] }), 'kubectl'));
      expect(error.message).toBe(`Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using ${API}:\n- .spec.clusters\n- .spec.version`);
      expect(error.status.details?.causes?.map((c) => c.field).sort()).toEqual(['.spec.clusters', '.spec.version']);
    });

    it('shares ownership without conflict when the value is the same', () => {
      const { object } = apply(live, cluster({ version: '1.0' }), 'kubectl');
      expect(spec(object)).toEqual({ version: '1.0', clusters: ['c1'], isLeader: true });
      expect(entryOf(object, 'kubectl')?.fieldsV1).toEqual({ 'f:spec': { 'f:version': {} } });
      expect(entryOf(object, 'kubectl-client-side-apply')?.fieldsV1).toEqual({ 'f:spec': { 'f:version': {}, 'f:clusters': {}, 'f:isLeader': {} } });
    });

    it('takes the field over when forced', () => {
      const { object } = apply(live, cluster({ version: '2.0' }), 'kubectl', { force: true });
      expect(spec(object)).toEqual({ version: '2.0', clusters: ['c1'], isLeader: true });
      expect(entryOf(object, 'kubectl')?.fieldsV1).toEqual({ 'f:spec': { 'f:version': {} } });
      expect(entryOf(object, 'kubectl-client-side-apply')?.fieldsV1).toEqual({ 'f:spec': { 'f:clusters': {}, 'f:isLeader': {} } });
    });

    it('adds fields nobody owns and keeps the others (maps merge)', () => {
      const { object, created } = apply(live, cluster({ clusterContext: 'ctx' }), 'federator');
      expect(created).toBe(false);
      expect(spec(object)).toEqual({ version: '1.0', clusters: ['c1'], isLeader: true, clusterContext: 'ctx' });
      expect(managed(object).map((e) => [e.manager, e.operation])).toEqual([
        ['federator', 'Apply'],
        ['kubectl-client-side-apply', 'Update'],
      ]);
    });
  });

  describe('when another applier owns a field', () => {
    it('names the applier without an apiVersion', () => {
      const { object: live } = apply(undefined, cluster({ version: '1.0' }), 'team-a');
      const error = conflictOf(() => apply(live, cluster({ version: '2.0' }), 'team-b'));
      expect(error.message).toBe('Apply failed with 1 conflict: conflict with "team-a": .spec.version');
    });
  });

  describe('when an applier stops applying a field', () => {
    it('removes it', () => {
      const { object: first } = apply(undefined, cluster({ a: 1, b: 2 }, { labels: { x: '1', y: '2' } }), 'kubectl');
      const { object } = apply(first, cluster({ a: 1 }, { labels: { y: '2' } }), 'kubectl', { now: T2 });
      expect(spec(object)).toEqual({ a: 1 });
      expect((object['metadata'] as Obj)['labels']).toEqual({ y: '2' });
      expect(entryOf(object, 'kubectl')).toMatchObject({ time: T2, fieldsV1: { 'f:metadata': { 'f:labels': { 'f:y': {} } }, 'f:spec': { 'f:a': {} } } });
    });

    it('removes a map left empty', () => {
      const { object: first } = apply(undefined, cluster({ a: 1 }, { labels: { x: '1' } }), 'kubectl');
      const { object } = apply(first, cluster({ a: 1 }), 'kubectl');
      expect(object['metadata']).not.toHaveProperty('labels');
    });

    it('keeps it when another manager also owns it', () => {
      const { object: first } = apply(undefined, cluster({ a: 1, b: 2 }), 'team-a');
      const { object: shared } = apply(first, cluster({ b: 2 }), 'team-b');
      const { object } = apply(shared, cluster({ a: 1 }), 'team-a');
      expect(spec(object)).toEqual({ a: 1, b: 2 });
      expect(entryOf(object, 'team-b')?.fieldsV1).toEqual({ 'f:spec': { 'f:b': {} } });
    });

    it('removes only its own finalizer from the set', () => {
      const { object: first } = apply(undefined, cluster({}, { finalizers: ['amko.vmware.com/a'] }), 'kubectl');
      const withOther = update(
        { ...first, metadata: { ...(first['metadata'] as Obj), finalizers: ['amko.vmware.com/a', 'other/b'] } },
        first,
        'controller',
      );
      const { object } = apply(withOther, cluster({}), 'kubectl');
      expect((object['metadata'] as Obj)['finalizers']).toEqual(['other/b']);
    });
  });

  describe('when a list is applied', () => {
    it('replaces it as a whole', () => {
      const { object: first } = apply(undefined, cluster({ clusters: ['a', 'b'] }), 'kubectl');
      const { object } = apply(first, cluster({ clusters: ['c'] }), 'kubectl');
      expect(spec(object)).toEqual({ clusters: ['c'] });
    });
  });

  describe('when the same intent is applied again', () => {
    it('returns the live object unchanged, managedFields time included', () => {
      const { object: first } = apply(undefined, cluster({ a: 1 }), 'kubectl', { now: T1 });
      const live = { ...first, metadata: { ...(first['metadata'] as Obj), uid: 'u1', resourceVersion: '7' } };
      const { object, created } = apply(live, cluster({ a: 1 }, { resourceVersion: '1' }), 'kubectl', { now: T2 });
      expect(created).toBe(false);
      expect(object).toEqual(live);
    });
  });

  describe('when the endpoint resets some fields', () => {
    it('neither merges nor owns them', () => {
      const live = { ...cluster({ a: 1 }), status: { conditions: [] } };
      const { object } = apply(live, { ...cluster({ a: 1 }), status: { conditions: [{ type: 'x' }] } }, 'kubectl', { resetFields: ['status'] });
      expect(object['status']).toEqual({ conditions: [] });
      expect(entryOf(object, 'kubectl')?.fieldsV1).toEqual({ 'f:spec': { 'f:a': {} } });
    });

    it('records the subresource of a /status apply', () => {
      const { object } = apply(cluster({ a: 1 }), { ...cluster({}), status: { ok: true } }, 'watcher', { resetFields: ['spec', 'metadata'], subresource: 'status' });
      expect(entryOf(object, 'watcher')).toMatchObject({ operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:ok': {} } } });
      expect(spec(object)).toEqual({ a: 1 });
    });
  });

  describe('when the intent sets null', () => {
    it('treats the field as not set', () => {
      const { object } = apply(cluster({ a: 1 }), cluster({ b: null, c: 2 }), 'kubectl');
      expect(spec(object)).toEqual({ a: 1, c: 2 });
    });
  });
});

describe('recordUpdate', () => {
  describe('when an object is created', () => {
    it('gives the creator every field', () => {
      const obj = update(cluster({ version: '1.0' }, { labels: { a: 'b' } }), undefined, 'kubectl-create');
      expect(managed(obj)).toEqual([
        { manager: 'kubectl-create', operation: 'Update', apiVersion: API, time: T0, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:spec': { 'f:version': {} } } },
      ]);
    });
  });

  describe('when another manager changes a field', () => {
    it('moves that field to the new manager', () => {
      const created = update(cluster({ version: '1.0', isLeader: true }), undefined, 'kubectl-create');
      const edited = update(cluster({ version: '1.1', isLeader: true }), created, 'kubectl-edit', T1);
      expect(entryOf(edited, 'kubectl-create')).toMatchObject({ time: T0, fieldsV1: { 'f:spec': { 'f:isLeader': {} } } });
      expect(entryOf(edited, 'kubectl-edit')).toMatchObject({ time: T1, fieldsV1: { 'f:spec': { 'f:version': {} } } });
    });

    it('drops fields that no longer exist and entries left empty', () => {
      const created = update(cluster({ version: '1.0' }), undefined, 'kubectl-create');
      const edited = update(cluster({ isLeader: false }), created, 'kubectl-edit', T1);
      expect(managed(edited).map((e) => e.manager)).toEqual(['kubectl-edit']);
      expect(entryOf(edited, 'kubectl-edit')?.fieldsV1).toEqual({ 'f:spec': { 'f:isLeader': {} } });
    });
  });

  describe('when a write changes nothing', () => {
    it('leaves managedFields exactly as they were', () => {
      const created = update(cluster({ version: '1.0' }), undefined, 'kubectl-create');
      const again = update(cluster({ version: '1.0' }), created, 'kubectl-replace', T2);
      expect(managed(again)).toEqual(managed(created));
    });

    it('does not grow when one manager writes many times', () => {
      let obj = update(cluster({ n: 0 }), undefined, 'replicator');
      for (let i = 1; i <= 50; i++) obj = update(cluster({ n: i }), obj, 'replicator', `2025-01-01T00:00:${String(i).padStart(2, '0')}Z`);
      expect(managed(obj)).toHaveLength(1);
      expect(entryOf(obj, 'replicator')?.fieldsV1).toEqual({ 'f:spec': { 'f:n': {} } });
    });
  });

  describe('when many managers write', () => {
    it(`keeps at most ${MAX_UPDATE_MANAGERS} Update managers and folds the oldest into ancient-changes`, () => {
      let obj: Obj | undefined;
      const values: Obj = {};
      for (let i = 0; i < MAX_UPDATE_MANAGERS + 3; i++) {
        values[`f${i}`] = i;
        obj = update(cluster({ ...values }), obj, `manager-${i}`, `2025-01-01T00:00:${String(i).padStart(2, '0')}Z`);
      }
      const entries = managed(obj as Obj);
      expect(entries.filter((e) => e.manager !== 'ancient-changes')).toHaveLength(MAX_UPDATE_MANAGERS);
      expect(entries.find((e) => e.manager === 'ancient-changes')?.fieldsV1).toEqual({ 'f:spec': { 'f:f0': {}, 'f:f1': {}, 'f:f2': {} } });
    });
  });

  describe('when the client sends an empty managedFields list', () => {
    it('resets ownership to the writer', () => {
      const created = update(cluster({ a: 1, b: 2 }), undefined, 'kubectl-create');
      const reset = update(cluster({ a: 1, b: 3 }, { managedFields: [] }), created, 'kubectl-edit', T1);
      expect(managed(reset).map((e) => e.manager)).toEqual(['kubectl-edit']);
      expect(entryOf(reset, 'kubectl-edit')?.fieldsV1).toEqual({ 'f:spec': { 'f:a': {}, 'f:b': {} } });
    });
  });

  describe('when the status subresource is written', () => {
    it('records the subresource and sorts Apply entries first', () => {
      const { object: applied } = apply(undefined, cluster({ a: 1 }), 'kubectl');
      const withStatus = update({ ...applied, status: { conditions: [] } }, applied, 'watcher', T2, 'status');
      expect(managed(withStatus).map((e) => [e.manager, e.operation, e.subresource])).toEqual([
        ['kubectl', 'Apply', undefined],
        ['watcher', 'Update', 'status'],
      ]);
    });
  });
});
