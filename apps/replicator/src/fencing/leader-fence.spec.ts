import { describe, expect, it } from 'vitest';
import { saysLeader } from './leader-fence.ts';

const amkoCluster = (spec: Record<string, unknown> | undefined) => ({ metadata: { name: 'amkocluster-federation' }, ...(spec ? { spec } : {}) });

describe('saysLeader', () => {
  it.each([
    [[amkoCluster({ isLeader: true })], true],
    [[amkoCluster({ isLeader: false }), amkoCluster({ isLeader: true })], true],
    [[amkoCluster({ isLeader: false })], false],
    [[amkoCluster({ isLeader: 'true' })], false],
    [[amkoCluster(undefined)], false],
    [[], false],
  ])('%j → %s', (items, expected) => {
    expect(saysLeader(items)).toBe(expected);
  });
});
