import { describe, expect, it } from 'vitest';
import { LEADER_EPOCH_ANNOTATION, SOURCE_CLUSTER_ANNOTATION } from '../provenance.ts';
import {
  decideEpoch,
  decideFence,
  FENCE_EPOCH_ANNOTATION,
  fencedMessage,
  fenceStamp,
  FenceVerdict,
  parseEpoch,
  staleLeaderMessage,
  termOfCopy,
  termOfFence,
} from './index.ts';

const annotated = (annotations: Record<string, string>) => ({ metadata: { annotations } });

describe('leadership epochs', () => {
  describe('parseEpoch', () => {
    it.each([
      ['1', 1],
      ['42', 42],
      ['999999999999999', 999_999_999_999_999],
      ['0', undefined],
      ['-1', undefined],
      ['01', undefined],
      ['1.5', undefined],
      [' 1', undefined],
      ['', undefined],
      ['1e3', undefined],
      [3, undefined],
      [undefined, undefined],
    ])('%j → %s', (value, expected) => {
      expect(parseEpoch(value)).toBe(expected);
    });
  });

  describe('decideEpoch', () => {
    it.each([
      ['keeps the epoch its AMKOCluster carries (a restart continues the leadership)', 4, [9], { epoch: 4, taken: false }],
      ['takes 1 when nothing was seen (first leader)', undefined, [], { epoch: 1, taken: true }],
      ['takes one above the highest seen', undefined, [2, 7, undefined, 3], { epoch: 8, taken: true }],
    ] as const)('%s', (_, own, seen, expected) => {
      expect(decideEpoch(own, seen)).toEqual(expected);
    });
  });

  describe('decideFence', () => {
    const self = { leader: 'cluster2', epoch: 5 };
    it.each([
      ['no token: stamp it', undefined, { verdict: FenceVerdict.Stamp }],
      ['an earlier epoch: stamp it', { leader: 'cluster1', epoch: 4 }, { verdict: FenceVerdict.Stamp }],
      ['this term: held', { leader: 'cluster2', epoch: 5 }, { verdict: FenceVerdict.Held }],
      ['the same epoch of another leader: fenced (it won the race)', { leader: 'cluster3', epoch: 5 }, { verdict: FenceVerdict.Fenced, by: { leader: 'cluster3', epoch: 5 } }],
      ['a later epoch: fenced', { leader: 'cluster1', epoch: 6 }, { verdict: FenceVerdict.Fenced, by: { leader: 'cluster1', epoch: 6 } }],
      ['a later epoch of this same cluster (promoted again meanwhile): fenced', { leader: 'cluster2', epoch: 9 }, { verdict: FenceVerdict.Fenced, by: { leader: 'cluster2', epoch: 9 } }],
    ] as const)('%s', (_, token, expected) => {
      expect(decideFence(token, self)).toEqual(expected);
    });
  });

  describe('termOfFence', () => {
    it.each([
      ['a stamped token', { metadata: { annotations: { [FENCE_EPOCH_ANNOTATION]: '3' } }, spec: { holderIdentity: 'cluster2' } }, { leader: 'cluster2', epoch: 3 }],
      ['no holder', { metadata: { annotations: { [FENCE_EPOCH_ANNOTATION]: '3' } }, spec: {} }, undefined],
      ['an empty holder', { metadata: { annotations: { [FENCE_EPOCH_ANNOTATION]: '3' } }, spec: { holderIdentity: '' } }, undefined],
      ['an unreadable epoch', { metadata: { annotations: { [FENCE_EPOCH_ANNOTATION]: 'three' } }, spec: { holderIdentity: 'cluster2' } }, undefined],
      ['no token', undefined, undefined],
    ] as const)('%s', (_, lease, expected) => {
      expect(termOfFence(lease)).toEqual(expected);
    });

    it('reads back what fenceStamp writes, with a MicroTime renewTime', () => {
      const stamp = fenceStamp({ leader: 'arn:aws:eks:eu-west-1:1:cluster/site 3', epoch: 12 }, new Date('2026-12-06T04:05:06.789Z'));
      expect(termOfFence({ metadata: { annotations: stamp.annotations }, spec: { holderIdentity: stamp.holderIdentity } })).toEqual({ leader: 'arn:aws:eks:eu-west-1:1:cluster/site 3', epoch: 12 });
      expect(stamp.renewTime).toBe('2026-12-06T04:05:06.789000Z');
    });
  });

  describe('termOfCopy', () => {
    it.each([
      ['a copy with source and epoch', annotated({ [SOURCE_CLUSTER_ANNOTATION]: 'cluster1', [LEADER_EPOCH_ANNOTATION]: '2' }), { leader: 'cluster1', epoch: 2 }],
      ['a copy from before epochs', annotated({ [SOURCE_CLUSTER_ANNOTATION]: 'cluster1' }), undefined],
      ['an object that is not a copy', annotated({ [LEADER_EPOCH_ANNOTATION]: '2' }), undefined],
      ['nothing', undefined, undefined],
    ] as const)('%s', (_, object, expected) => {
      expect(termOfCopy(object)).toEqual(expected);
    });
  });

  describe('messages', () => {
    it('names the follower, the leader it follows and this leader, with both epochs', () => {
      expect(fencedMessage('cluster3', { leader: 'cluster2', epoch: 5 }, { leader: 'cluster1', epoch: 4 })).toBe(
        'fenced: cluster3 follows cluster2 at epoch 5; this leader is cluster1 at epoch 4',
      );
    });

    it('tells a stale leader who leads, where it was seen, and the two ways out', () => {
      const message = staleLeaderMessage({ leader: 'cluster1', epoch: 4 }, { leader: 'cluster2', epoch: 5 }, 'cluster3');
      expect(message).toMatch(/^stale leader: cluster2 leads at epoch 5 \(fencing token on cluster3\); this cluster cluster1 leads at epoch 4, federation stopped;/);
      expect(message).toMatch(/isLeader: false/);
      expect(message).toMatch(/amko-fed promote/);
    });
  });
});
