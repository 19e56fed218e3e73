import { StoreChange } from '@amko-fed/queue';
import { describe, expect, it } from 'vitest';
import { judgeStore } from './store-guard.ts';

const known = { incarnation: 'a1', minSeq: 40 };

describe('judgeStore', () => {
  it.each([
    ['the same incarnation and a counter at the highest seen seq', { incarnation: 'a1', seq: 40 }, 'intact'],
    ['the same incarnation and a higher counter', { incarnation: 'a1', seq: 41 }, 'intact'],
    ['no incarnation (restarted empty, flushed)', { incarnation: undefined, seq: 0 }, StoreChange.replaced],
    ['another incarnation (another Redis, or a rebuild by someone else)', { incarnation: 'b2', seq: 90 }, StoreChange.replaced],
    ['the same incarnation with a counter below a seen seq (older snapshot)', { incarnation: 'a1', seq: 39 }, StoreChange.rolledBack],
  ] as const)('given %s, judges %s', (_case, state, verdict) => {
    expect(judgeStore(known, state)).toBe(verdict);
  });
});
