/**
 * Keeps one follower's BullMQ worker taking jobs: every check it observes the follower queue and
 * the worker (decideWorkerStall decides), and replaces a wedged worker by a new one for the same
 * follower. The old worker is closed by force first and only then is the new one started, so one
 * process never runs two workers of a follower (BullMQ's close() marks the worker closing at once,
 * and a closing worker fetches no job, so if the close itself hangs on the wedged connection the
 * new worker starts after FORCE_CLOSE_WAIT_MS anyway). A job the old worker held active loses its
 * lock and is recovered as stalled (then retried), never dropped.
 */
import type { Logger } from 'pino';
import { decideWorkerStall, INITIAL_STALL_STATE, type StallReason, type StallState } from './worker-stall.ts';

/** How long a replacement waits for the stalled worker's forced close. */
export const FORCE_CLOSE_WAIT_MS = 10_000;

/** What the watchdog needs of a worker (BullMQ's Worker is one, see watchableWorker). */
export interface WatchedWorker {
  /** Registers progress listeners: a job started ('active') or finished ('completed', 'failed'). */
  onProgress(listener: () => void): void;
  /** ioredis status of the blocking connection, undefined until it exists. */
  blockingStatus(): string | undefined;
  /** Closes without waiting for active jobs (their locks expire; they are recovered as stalled). */
  forceClose(): Promise<void>;
}

export interface QueueObservation {
  readonly runnable: number;
  readonly paused: boolean;
  readonly storeHealthy: boolean;
}

export interface StallWatchdogOptions<W extends WatchedWorker> {
  readonly cluster: string;
  readonly start: () => W;
  /** Reads the follower queue (waiting + prioritized, paused) and whether the store answers. */
  readonly observe: () => Promise<QueueObservation>;
  /** WORKER_STALL_TIMEOUT. */
  readonly timeoutMs: number;
  /** @defaultValue a quarter of timeoutMs, between 250 ms and 5 s */
  readonly checkIntervalMs?: number;
  /** A worker was replaced. */
  readonly onRestart: (reason: StallReason) => void;
  readonly logger: Logger;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

export interface StallWatchdog<W> {
  /** The follower's current worker. */
  current(): W;
  /** Stops checking and waits for a replacement in progress; returns the worker to close. */
  stop(): Promise<W>;
}

export function watchForStalls<W extends WatchedWorker>(options: StallWatchdogOptions<W>): StallWatchdog<W> {
  const now = options.now ?? Date.now;
  const intervalMs = options.checkIntervalMs ?? Math.min(5_000, Math.max(250, Math.floor(options.timeoutMs / 4)));
  let state: StallState = INITIAL_STALL_STATE;
  let lastProgressMs = now();
  let stopped = false;
  let checking: Promise<void> | undefined;

  function begin(): W {
    const worker = options.start();
    lastProgressMs = now();
    worker.onProgress(() => {
      if (current === worker) lastProgressMs = now();
    });
    return worker;
  }
  let current = begin();

  async function check(): Promise<void> {
    let seen: QueueObservation;
    try {
      seen = await options.observe();
    } catch {
      seen = { runnable: 0, paused: false, storeHealthy: false };
    }
    if (stopped) return;
    const verdict = decideWorkerStall(
      state,
      { nowMs: now(), ...seen, blockingStatus: current.blockingStatus(), lastProgressMs },
      options.timeoutMs,
    );
    state = verdict.state;
    if (verdict.decision.kind !== 'restart') return;
    const { reason, stalledForMs } = verdict.decision;
    options.logger.warn(
      { cluster: options.cluster, reason, stalledForMs, runnable: seen.runnable, blockingStatus: current.blockingStatus() },
      'Worker stopped taking jobs; replacing it',
    );
    options.onRestart(reason);
    const closing = current.forceClose().then(
      () => 'closed' as const,
      (err: unknown) => {
        options.logger.warn({ cluster: options.cluster, err }, 'Could not close the stalled worker cleanly');
        return 'closed' as const;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), FORCE_CLOSE_WAIT_MS);
    });
    if ((await Promise.race([closing, waited])) === 'timeout') {
      options.logger.warn({ cluster: options.cluster }, 'Stalled worker did not close in time; starting its replacement (the old one takes no job)');
    }
    clearTimeout(timer);
    if (stopped) return;
    current = begin();
  }

  const timer = setInterval(() => {
    if (checking !== undefined) return; // the previous check (or replacement) is still running
    checking = check()
      .catch((err: unknown) => options.logger.error({ cluster: options.cluster, err }, 'Worker watchdog check failed'))
      .finally(() => {
        checking = undefined;
      });
  }, intervalMs);
  timer.unref();

  return {
    current: () => current,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await checking;
      return current;
    },
  };
}
