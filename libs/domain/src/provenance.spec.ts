import { describe, expect, it } from 'vitest';
import {
  CONTENT_HASH_ANNOTATION,
  isFederatedCopy,
  readProvenance,
  SOURCE_CLUSTER_ANNOTATION,
  SOURCE_RESOURCE_VERSION_ANNOTATION,
  type RecordedProvenance,
} from './index.ts';

describe('readProvenance', () => {
  const cases: { given: string; object: { metadata?: { annotations?: Record<string, string> } }; then: RecordedProvenance | undefined }[] = [
    { given: 'no metadata', object: {}, then: undefined },
    { given: 'no annotations', object: { metadata: {} }, then: undefined },
    { given: 'an empty source cluster', object: { metadata: { annotations: { [SOURCE_CLUSTER_ANNOTATION]: '' } } }, then: undefined },
    {
      given: 'all three annotations',
      object: { metadata: { annotations: { [SOURCE_CLUSTER_ANNOTATION]: 'c1', [SOURCE_RESOURCE_VERSION_ANNOTATION]: '7', [CONTENT_HASH_ANNOTATION]: 'abc' } } },
      then: { sourceCluster: 'c1', sourceResourceVersion: '7', contentHash: 'abc' },
    },
    {
      given: 'only the source cluster',
      object: { metadata: { annotations: { [SOURCE_CLUSTER_ANNOTATION]: 'c1' } } },
      then: { sourceCluster: 'c1', sourceResourceVersion: '', contentHash: undefined },
    },
  ];
  describe('when reading annotations', () => {
    it.each(cases)('given $given → $then', ({ object, then }) => {
      expect(readProvenance(object)).toEqual(then);
      expect(isFederatedCopy(object)).toBe(then !== undefined);
    });
  });
});
