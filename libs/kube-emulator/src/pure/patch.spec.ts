import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.ts';
import { thrownApiError as thrown } from '../../test/support/thrown.ts';

describe('applyMergePatch', () => {
  describe('when given the RFC 7386 appendix A examples', () => {
    it.each([
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [['a', 'b'], ['c', 'd'], ['c', 'd']],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ])('merges %j with %j into %j', (target, patch, result) => {
      expect(applyMergePatch(target, patch)).toEqual(result);
    });
  });

  describe('when the result is modified later', () => {
    it('shares nothing with the target or the patch', () => {
      const target = { metadata: { name: 'a', labels: { x: '1' } }, spec: { list: [1] } };
      const patch = { spec: { list: [2], nested: { k: 'v' } } };
      const result = applyMergePatch(target, patch) as typeof target & { spec: { nested: { k: string } } };
      result.metadata.labels.x = 'changed';
      result.spec.nested.k = 'changed';
      expect(target).toEqual({ metadata: { name: 'a', labels: { x: '1' } }, spec: { list: [1] } });
      expect(patch).toEqual({ spec: { list: [2], nested: { k: 'v' } } });
    });
  });
});

describe('applyJsonPatch', () => {
  describe('when given the RFC 6902 appendix A examples that apply', () => {
    it.each([
      { name: 'A.1 add an object member', doc: { foo: 'bar' }, ops: [{ op: 'add', path: '/baz', value: 'qux' }], result: { baz: 'qux', foo: 'bar' } },
      { name: 'A.2 add an array element', doc: { foo: ['bar', 'baz'] }, ops: [{ op: 'add', path: '/foo/1', value: 'qux' }], result: { foo: ['bar', 'qux', 'baz'] } },
      { name: 'A.3 remove an object member', doc: { baz: 'qux', foo: 'bar' }, ops: [{ op: 'remove', path: '/baz' }], result: { foo: 'bar' } },
      { name: 'A.4 remove an array element', doc: { foo: ['bar', 'qux', 'baz'] }, ops: [{ op: 'remove', path: '/foo/1' }], result: { foo: ['bar', 'baz'] } },
      { name: 'A.5 replace a value', doc: { baz: 'qux', foo: 'bar' }, ops: [{ op: 'replace', path: '/baz', value: 'boo' }], result: { baz: 'boo', foo: 'bar' } },
      {
        name: 'A.6 move a value',
        doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
        ops: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
        result: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
      },
      { name: 'A.7 move an array element', doc: { foo: ['all', 'grass', 'cows', 'eat'] }, ops: [{ op: 'move', from: '/foo/1', path: '/foo/3' }], result: { foo: ['all', 'cows', 'eat', 'grass'] } },
      {
        name: 'A.8 test a value',
        doc: { baz: 'qux', foo: ['a', 2, 'c'] },
        ops: [
          { op: 'test', path: '/baz', value: 'qux' },
          { op: 'test', path: '/foo/1', value: 2 },
        ],
        result: { baz: 'qux', foo: ['a', 2, 'c'] },
      },
      { name: 'A.10 add a nested member object', doc: { foo: 'bar' }, ops: [{ op: 'add', path: '/child', value: { grandchild: {} } }], result: { foo: 'bar', child: { grandchild: {} } } },
      { name: 'A.11 ignore unrecognized elements', doc: { foo: 'bar' }, ops: [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], result: { foo: 'bar', baz: 'qux' } },
      { name: 'A.14 ~ escape ordering', doc: { '/': 9, '~1': 10 }, ops: [{ op: 'test', path: '/~01', value: 10 }], result: { '/': 9, '~1': 10 } },
      { name: 'A.16 add an array value', doc: { foo: ['bar'] }, ops: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], result: { foo: ['bar', ['abc', 'def']] } },
      { name: 'copy', doc: { a: { b: 1 } }, ops: [{ op: 'copy', from: '/a', path: '/c' }], result: { a: { b: 1 }, c: { b: 1 } } },
      { name: 'replace the whole document', doc: { a: 1 }, ops: [{ op: 'replace', path: '', value: { b: 2 } }], result: { b: 2 } },
      { name: 'escaped annotation key', doc: { metadata: { annotations: {} } }, ops: [{ op: 'add', path: '/metadata/annotations/amko.vmware.com~1amko-uuid', value: 'u' }], result: { metadata: { annotations: { 'amko.vmware.com/amko-uuid': 'u' } } } },
      { name: 'an empty patch', doc: { a: 1 }, ops: [], result: { a: 1 } },
    ])('$name', ({ doc, ops, result }) => {
      expect(applyJsonPatch(doc, ops)).toEqual(result);
    });
  });

  describe('when an operation cannot apply', () => {
    it.each([
      { name: 'A.9 a failed test', doc: { baz: 'qux' }, ops: [{ op: 'test', path: '/baz', value: 'bar' }], message: 'testing value /baz failed: test failed' },
      { name: 'A.12 add to a nonexistent target', doc: { foo: 'bar' }, ops: [{ op: 'add', path: '/baz/bat', value: 'qux' }], message: 'add operation does not apply: doc is missing path: "/baz/bat": missing value' },
      { name: 'A.15 a string compared with a number', doc: { '/': 9, '~1': 10 }, ops: [{ op: 'test', path: '/~01', value: '10' }], message: 'testing value /~01 failed: test failed' },
      { name: 'remove of a missing key', doc: { a: 1 }, ops: [{ op: 'remove', path: '/b' }], message: 'Unable to remove nonexistent key: b: missing value' },
      { name: 'replace of a missing key', doc: { a: 1 }, ops: [{ op: 'replace', path: '/spec/x', value: 1 }], message: 'replace operation does not apply: doc is missing key: /spec/x: missing value' },
      { name: 'an index past the end', doc: { a: [1] }, ops: [{ op: 'add', path: '/a/5', value: 1 }], message: 'Unable to access invalid index: 5: invalid index referenced' },
      { name: 'a move from a missing path', doc: {}, ops: [{ op: 'move', from: '/x', path: '/y' }], message: 'move operation does not apply: doc is missing from path: /x: missing value' },
    ])('answers 422 for $name', ({ doc, ops, message }) => {
      const error = thrown(() => applyJsonPatch(doc, ops));
      expect(error.code).toBe(422);
      expect(error.status.reason).toBe('Invalid');
      expect(error.message).toBe(message);
    });

    it('applies nothing when a later operation fails', () => {
      const doc = { a: 1 };
      thrown(() => applyJsonPatch(doc, [{ op: 'replace', path: '/a', value: 2 }, { op: 'test', path: '/a', value: 3 }]));
      expect(doc).toEqual({ a: 1 });
    });
  });

  describe('when the patch is malformed', () => {
    it.each([
      { name: 'an object instead of a list', ops: { op: 'add' }, message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
      { name: 'an unknown op', ops: [{ op: 'merge', path: '/a' }], message: 'invalid JSON Patch: operation 0: Unexpected kind: merge' },
      { name: 'a missing path', ops: [{ op: 'add', value: 1 }], message: 'invalid JSON Patch: operation 0 (add) is missing "path"' },
      { name: 'a missing value', ops: [{ op: 'replace', path: '/a' }], message: 'invalid JSON Patch: operation 0 (replace) is missing "value"' },
      { name: 'a missing from', ops: [{ op: 'copy', path: '/a' }], message: 'invalid JSON Patch: operation 0 (copy) is missing "from"' },
      { name: 'a pointer without a leading slash', ops: [{ op: 'remove', path: 'a' }], message: 'invalid JSON Pointer "a": must be empty or start with "/"' },
    ])('answers 400 for $name', ({ ops, message }) => {
      const error = thrown(() => applyJsonPatch({ a: 1 }, ops));
      expect(error.code).toBe(400);
      expect(error.message).toBe(message);
    });
  });
});

describe('applyStrategicMergePatch', () => {
  describe('when patching a Secret', () => {
    it('merges data and metadata maps, deletes nulls and drops directives', () => {
      const live = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', labels: { a: '1', b: '2' } }, data: { k1: 'djE=', k2: 'djI=' }, type: 'Opaque' };
      const patch = {
        metadata: { labels: { b: null, c: '3' }, annotations: { x: 'y' } },
        data: { k2: null, k3: 'djM=' },
        '$setElementOrder/data': ['k1', 'k3'],
      };
      expect(applyStrategicMergePatch(live, patch)).toEqual({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', labels: { a: '1', c: '3' }, annotations: { x: 'y' } },
        data: { k1: 'djE=', k3: 'djM=' },
        type: 'Opaque',
      });
    });
  });

  describe('when patching list fields', () => {
    const live = {
      metadata: {
        name: 'ns',
        finalizers: ['a', 'b'],
        ownerReferences: [
          { uid: '1', name: 'one', kind: 'X' },
          { uid: '2', name: 'two', kind: 'X' },
        ],
      },
      spec: { finalizers: ['kubernetes'] },
    };

    it('unions metadata.finalizers', () => {
      expect(applyStrategicMergePatch(live, { metadata: { finalizers: ['b', 'c'] } })).toMatchObject({ metadata: { finalizers: ['a', 'b', 'c'] } });
    });

    it('removes finalizers listed in $deleteFromPrimitiveList', () => {
      const patch = { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'], '$setElementOrder/finalizers': ['b'] } };
      expect(applyStrategicMergePatch(live, patch)).toMatchObject({ metadata: { finalizers: ['b'] } });
    });

    it('merges ownerReferences by uid and deletes with $patch', () => {
      const patch = { metadata: { ownerReferences: [{ uid: '2', name: 'TWO' }, { uid: '1', $patch: 'delete' }, { uid: '3', name: 'three', kind: 'X' }] } };
      expect((applyStrategicMergePatch(live, patch) as typeof live).metadata.ownerReferences).toEqual([
        { uid: '2', name: 'TWO', kind: 'X' },
        { uid: '3', name: 'three', kind: 'X' },
      ]);
    });

    it('replaces other lists', () => {
      expect(applyStrategicMergePatch(live, { spec: { finalizers: [] } })).toMatchObject({ spec: { finalizers: [] } });
    });
  });

  describe('when a map carries a $patch or $retainKeys directive', () => {
    const live = { data: { a: '1', b: '2' }, other: { x: 1, y: 2 } };

    it('replaces the map for $patch: replace', () => {
      expect(applyStrategicMergePatch(live, { data: { $patch: 'replace', c: '3' } })).toEqual({ data: { c: '3' }, other: { x: 1, y: 2 } });
    });

    it('deletes the map for $patch: delete', () => {
      expect(applyStrategicMergePatch(live, { data: { $patch: 'delete' } })).toEqual({ other: { x: 1, y: 2 } });
    });

    it('keeps only retained keys for $retainKeys', () => {
      expect(applyStrategicMergePatch(live, { other: { $retainKeys: ['y', 'z'], z: 3 } })).toEqual({ data: { a: '1', b: '2' }, other: { y: 2, z: 3 } });
    });

    it('leaves the target untouched', () => {
      applyStrategicMergePatch(live, { data: { a: null } });
      expect(live).toEqual({ data: { a: '1', b: '2' }, other: { x: 1, y: 2 } });
    });
  });
});
