import type { MembersDocument } from '@amko-fed/queue';
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
  it('lists every follower in any state, sorted', () => {
    expect(knownFollowers(document)).toEqual(['c2', 'c3', 'c4']);
    expect(knownFollowers(undefined)).toEqual([]);
  });
});
