import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AMKO_UUID_ANNOTATION, FEDERATED_KINDS, hashFederatedContent, InvalidPayloadError, toCanonicalJson, type KindInfo } from './index.ts';
import { GC_UUID, leaderGC } from '../test/fixtures.ts';

const GC = FEDERATED_KINDS.GSLBConfig;

/** Rebuilds a JSON value with every object's keys in a seed-determined order. */
function reorderKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorderKeys(v, seed));
  if (value === null || typeof value !== 'object') return value;
  let state = seed >>> 0;
  const entries = Object.entries(value).map(([k, v]) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return { k, v: reorderKeys(v, state), order: state };
  });
  entries.sort((a, b) => a.order - b.order);
  return Object.fromEntries(entries.map((e) => [e.k, e.v]));
}

describe('toCanonicalJson', () => {
  describe('when given JSON values', () => {
    const cases = [
      { given: { b: 1, a: [{ d: 2, c: 3 }] }, then: '{"a":[{"c":3,"d":2}],"b":1}' },
      { given: { a: undefined, b: null }, then: '{"b":null}' },
      { given: [undefined, Number.NaN, -0, 'x"y'], then: '[null,null,0,"x\\"y"]' },
      { given: 'é', then: '"é"' },
      { given: true, then: 'true' },
    ];
    it.each(cases)('renders $given as $then', ({ given, then }) => {
      expect(toCanonicalJson(given)).toBe(then);
    });
  });

  describe('when given a cyclic value', () => {
    it('throws InvalidPayloadError instead of overflowing the stack', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      expect(() => toCanonicalJson(cyclic)).toThrow(InvalidPayloadError);
    });
  });

  describe('when the same object appears twice (not a cycle)', () => {
    it('renders both occurrences', () => {
      const shared = { x: 1 };
      expect(toCanonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    });
  });
});

describe('hashFederatedContent', () => {
  const base = leaderGC();
  const hash = (o: Parameters<typeof hashFederatedContent>[0], kind: KindInfo = GC) => hashFederatedContent(o, kind);

  describe('when only non-federated parts change', () => {
    const cases: { given: string; change: (o: ReturnType<typeof leaderGC>) => unknown }[] = [
      { given: 'labels', change: (o) => ({ ...o, metadata: { ...o.metadata, labels: { other: 'x' } } }) },
      { given: 'a non-copied annotation', change: (o) => ({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, 'x/y': 'z' } } }) },
      { given: 'status', change: (o) => ({ ...o, status: { state: 'other' } }) },
      { given: 'resourceVersion, uid and generation', change: (o) => ({ ...o, metadata: { ...o.metadata, resourceVersion: '9', uid: 'u', generation: 99 } }) },
      { given: 'the helm annotations', change: (o) => ({ ...o, metadata: { ...o.metadata, annotations: { [AMKO_UUID_ANNOTATION]: GC_UUID } } }) },
    ];
    it.each(cases)('keeps the hash when $given change', ({ change }) => {
      expect(hash(change(base) as typeof base)).toBe(hash(base));
    });
  });

  describe('when federated content changes', () => {
    const cases: { given: string; change: (o: ReturnType<typeof leaderGC>) => unknown }[] = [
      { given: 'a spec field', change: (o) => ({ ...o, spec: { ...(o.spec as object), refreshInterval: 999 } }) },
      { given: 'the order of a spec array', change: (o) => ({ ...o, spec: { ...(o.spec as object), memberClusters: [{ clusterContext: 'cluster2' }, { clusterContext: 'cluster1' }] } }) },
      { given: 'the uuid annotation value', change: (o) => ({ ...o, metadata: { ...o.metadata, annotations: { [AMKO_UUID_ANNOTATION]: 'other' } } }) },
      { given: 'the uuid annotation removal', change: (o) => ({ ...o, metadata: { ...o.metadata, annotations: {} } }) },
      { given: 'spec removal', change: (o) => ({ ...o, spec: undefined }) },
    ];
    it.each(cases)('changes the hash when $given', ({ change }) => {
      expect(hash(change(base) as typeof base)).not.toBe(hash(base));
    });
  });

  describe('when hashing', () => {
    it('returns lower-case sha256 hex', () => {
      expect(hash(base)).toMatch(/^[0-9a-f]{64}$/);
    });
    it('ignores an annotation the kind does not copy even if named like one', () => {
      const noCopy: KindInfo = { ...GC, copiedAnnotations: [] };
      const stripped = { ...base, metadata: { ...base.metadata, annotations: {} } };
      expect(hash(base, noCopy)).toBe(hash(stripped, noCopy));
    });
    it('never counts helm or last-applied keys even when a kind lists them as copied', () => {
      const odd: KindInfo = { ...GC, copiedAnnotations: ['meta.helm.sh/release-name', 'kubectl.kubernetes.io/last-applied-configuration'] };
      const stripped = { ...base, metadata: { ...base.metadata, annotations: {} } };
      expect(hash(base, odd)).toBe(hash(stripped, odd));
    });
  });

  describe('when key order differs (property)', () => {
    it('gives the same hash for any spec and annotations, in any key order', () => {
      fc.assert(
        fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.string()), fc.integer(), (spec, extra, seed) => {
          const annotations = { ...extra, [AMKO_UUID_ANNOTATION]: 'u' };
          const object = { metadata: { annotations }, spec };
          const reordered = reorderKeys(object, seed) as typeof object;
          expect(hash(reordered)).toBe(hash(object));
        }),
      );
    });
    it('gives different hashes for different specs', () => {
      fc.assert(
        fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
          fc.pre(toCanonicalJson(a) !== toCanonicalJson(b));
          expect(hash({ spec: a })).not.toBe(hash({ spec: b }));
        }),
      );
    });
  });
});
