import { describe, expect, it } from 'vitest';
import { decideWorkerStall, INITIAL_STALL_STATE, type StallState, type WorkerObservation } from './worker-stall.ts';

const TIMEOUT = 30_000;
const seen = (over: Partial<WorkerObservation>): WorkerObservation => ({
  nowMs: 100_000,
  runnable: 3,
  paused: false,
  storeHealthy: true,
  blockingStatus: 'ready',
  lastProgressMs: 0,
  ...over,
});
const since = (waitingSinceMs: number | undefined): StallState => ({ waitingSinceMs });

describe('decideWorkerStall', () => {
  describe('given what the watchdog saw', () => {
    it.each([
      // [case, state, observation, decision kind, reason, next waitingSince]
      ['runnable jobs seen for the first time: start waiting', INITIAL_STALL_STATE, seen({}), 'waiting', undefined, 100_000],
      ['runnable jobs waiting within the timeout', since(80_000), seen({}), 'waiting', undefined, 80_000],
      ['runnable jobs waiting exactly the timeout', since(70_000), seen({}), 'waiting', undefined, 70_000],
      ['runnable jobs waiting longer than the timeout, no job started', since(69_999), seen({}), 'restart', 'stalled', undefined],
      ['waiting long, but a job started within the timeout', since(10_000), seen({ lastProgressMs: 90_000 }), 'waiting', undefined, 10_000],
      ['waiting long, the last job started longer ago than the timeout', since(10_000), seen({ lastProgressMs: 60_000 }), 'restart', 'stalled', undefined],
      ['no runnable jobs: idle, the wait is forgotten', since(10_000), seen({ runnable: 0 }), 'healthy', undefined, undefined],
      ['queue paused: nothing to take', since(10_000), seen({ paused: true }), 'healthy', undefined, undefined],
      ['store unreachable: nothing decided, the wait starts again', since(10_000), seen({ storeHealthy: false }), 'healthy', undefined, undefined],
      ['store unreachable with an ended blocking connection: waits for the store', INITIAL_STALL_STATE, seen({ storeHealthy: false, blockingStatus: 'end' }), 'healthy', undefined, undefined],
      ['blocking connection ended, jobs waiting briefly: replaced at once', INITIAL_STALL_STATE, seen({ blockingStatus: 'end' }), 'restart', 'blocking-connection-ended', undefined],
      ['blocking connection ended while idle: replaced at once', INITIAL_STALL_STATE, seen({ runnable: 0, blockingStatus: 'end' }), 'restart', 'blocking-connection-ended', undefined],
      ['blocking connection reconnecting, within the timeout', since(90_000), seen({ blockingStatus: 'reconnecting' }), 'waiting', undefined, 90_000],
      ['blocking connection not created yet, jobs waiting too long', since(0), seen({ blockingStatus: undefined }), 'restart', 'stalled', undefined],
    ] as const)('%s', (_case, state, observation, kind, reason, waitingSinceMs) => {
      const { decision, state: next } = decideWorkerStall(state, observation, TIMEOUT);
      expect(decision.kind).toBe(kind);
      expect(decision.kind === 'restart' ? decision.reason : undefined).toBe(reason);
      expect(next.waitingSinceMs).toBe(waitingSinceMs);
    });
  });

  describe('when it restarts a stalled worker', () => {
    it('reports how long no job was started while jobs waited', () => {
      const { decision } = decideWorkerStall(since(50_000), seen({ lastProgressMs: 60_000 }), TIMEOUT);
      expect(decision).toEqual({ kind: 'restart', reason: 'stalled', stalledForMs: 40_000 });
    });
  });
});
