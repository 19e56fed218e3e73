import { describe, expect, it } from 'vitest';
import { SyncState, syncStateOf } from './sync-state.ts';

describe('syncStateOf', () => {
  it.each([
    ['no result yet', 7, undefined, SyncState.pending],
    ['a success for an older state', 7, { seq: 6, failed: false }, SyncState.pending],
    ['a failure for an older state', 7, { seq: 6, failed: true }, SyncState.pending],
    ['a success for the current state', 7, { seq: 7, failed: false }, SyncState.inSync],
    ['a success for a newer state than the entry read', 7, { seq: 8, failed: false }, SyncState.inSync],
    ['a failure for the current state', 7, { seq: 7, failed: true }, SyncState.failed],
  ] as const)('given %s, is %s', (_given, seq, result, state) => {
    expect(syncStateOf({ seq }, result)).toBe(state);
  });
});
