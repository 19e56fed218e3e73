/**
 * When a follower worker has stopped taking jobs for good (the wedged blocking connection of BullMQ
 * issues #3088, #4138, #4378: `isRunning()` stays true, no error, nothing is fetched again) and
 * must be replaced. A pure decision over what the watchdog observed; time comes in as an argument.
 *
 * A worker is stalled when runnable jobs (wait/prioritized, queue not paused) have been waiting,
 * with the store reachable, for longer than WORKER_STALL_TIMEOUT without the worker starting or
 * finishing a job. A blocking connection that reached ioredis status "end" never comes back by
 * itself and is replaced at once. While the store is unreachable nothing is decided: every worker
 * waits for it alike, and ioredis reconnects by itself.
 */

export interface WorkerObservation {
  readonly nowMs: number;
  /** Waiting + prioritized jobs of the follower queue. */
  readonly runnable: number;
  readonly paused: boolean;
  /** The store (non-blocking) connection answers. */
  readonly storeHealthy: boolean;
  /** ioredis status of the worker's blocking connection (undefined before it exists). */
  readonly blockingStatus: string | undefined;
  /** The last time this worker started or finished a job, or was started. */
  readonly lastProgressMs: number;
}

export interface StallState {
  /** Since when runnable jobs have been waiting without a break, with the store reachable. */
  readonly waitingSinceMs: number | undefined;
}

export const StallReason = { stalled: 'stalled', blockingConnectionEnded: 'blocking-connection-ended' } as const;
export type StallReason = (typeof StallReason)[keyof typeof StallReason];

export type StallDecision =
  | { readonly kind: 'healthy' }
  | { readonly kind: 'waiting'; readonly stalledForMs: number }
  | { readonly kind: 'restart'; readonly reason: StallReason; readonly stalledForMs: number };

export interface StallVerdict {
  readonly decision: StallDecision;
  readonly state: StallState;
}

export const INITIAL_STALL_STATE: StallState = { waitingSinceMs: undefined };

export function decideWorkerStall(state: StallState, observation: WorkerObservation, timeoutMs: number): StallVerdict {
  const { nowMs, runnable, paused, storeHealthy, blockingStatus, lastProgressMs } = observation;
  if (!storeHealthy) return { decision: { kind: 'healthy' }, state: INITIAL_STALL_STATE };
  const waitingSinceMs = paused || runnable === 0 ? undefined : (state.waitingSinceMs ?? nowMs);
  const stalledForMs = waitingSinceMs === undefined ? 0 : nowMs - Math.max(waitingSinceMs, lastProgressMs);
  if (blockingStatus === 'end') {
    return { decision: { kind: 'restart', reason: StallReason.blockingConnectionEnded, stalledForMs }, state: INITIAL_STALL_STATE };
  }
  if (waitingSinceMs === undefined) return { decision: { kind: 'healthy' }, state: INITIAL_STALL_STATE };
  if (stalledForMs > timeoutMs) {
    return { decision: { kind: 'restart', reason: StallReason.stalled, stalledForMs }, state: INITIAL_STALL_STATE };
  }
  return { decision: { kind: 'waiting', stalledForMs: Math.max(0, stalledForMs) }, state: { waitingSinceMs } };
}
