import type { MembersDocument } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { desiredWorkers, knownFollowers } from './desired-workers.ts';

const document: MembersDocument = {
  revision: 3,
  leader: 'c1',
  at: '2026-01-01T00:00:00.000Z',
  members: [
    { cluster: 'c1', state: 'valid' },
    { cluster: 'c2', state: 'valid' },
    { cluster: 'c3', state: 'invalid', reason: 'version mismatch' },
    { cluster: 'c4', state: 'stop' },
  ],
};

describe('desiredWorkers', () => {
  it('wants a worker for every valid follower, never the leader', () => {
    expect([...desiredWorkers(document)]).toEqual(['c2']);
  });

  it('wants none before a registry exists', () => {
    expect(desiredWorkers(undefined).size).toBe(0);
  });
});

describe('knownFollowers', () => {
  it('lists the valid and invalid followers, sorted, never a stopped one or the leader', () => {
    expect(knownFollowers(document)).toEqual(['c2', 'c3']);
    expect(knownFollowers(undefined)).toEqual([]);
  });

  describe('when the registry still carries many stopped members', () => {
    it('counts only the followers that are valid or invalid', () => {
      const stopped = Array.from({ length: 996 }, (_, i) => ({ cluster: `gone-${i}`, state: 'stop' as const, reason: 'no longer a member of the federation' }));
      expect(knownFollowers({ ...document, members: [...document.members.slice(0, 2), ...stopped] })).toEqual(['c2']);
    });
  });
});
