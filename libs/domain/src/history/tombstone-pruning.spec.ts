import { describe, expect, it } from 'vitest';
import { isFailedOutcome, type ResultOutcome } from '../records/result-records.ts';
import { isTombstoneApplied } from './tombstone-pruning.ts';

type Row = [label: string, followers: string[], results: Record<string, { seq: number; outcome: ResultOutcome }>, expected: boolean];

describe('isTombstoneApplied', () => {
  describe('when the tombstone has seq 10', () => {
    it.each<Row>([
      ['no followers: nobody to tell, kept (a member may join)', [], {}, false],
      ['every follower deleted at the tombstone seq', ['a', 'b'], { a: { seq: 10, outcome: 'deleted' }, b: { seq: 10, outcome: 'noop' } }, true],
      ['a follower applied a later seq', ['a'], { a: { seq: 12, outcome: 'noop' } }, true],
      ['a follower has no result yet', ['a', 'b'], { a: { seq: 10, outcome: 'deleted' } }, false],
      ['a follower only applied an older seq', ['a'], { a: { seq: 9, outcome: 'updated' } }, false],
      ['a follower failed the deletion', ['a'], { a: { seq: 10, outcome: 'failed' } }, false],
      ['a follower was fenced', ['a'], { a: { seq: 10, outcome: 'fenced' } }, false],
    ])('%s', (_label, followers, results, expected) => {
      const resultOf = (cluster: string) => {
        const result = results[cluster];
        return result === undefined ? undefined : { seq: result.seq, failed: isFailedOutcome(result.outcome) };
      };
      expect(isTombstoneApplied(10, followers, resultOf)).toBe(expected);
    });
  });
});
