/**
 * Closing one follower worker at shutdown or when its member leaves: let the active jobs finish for
 * SHUTDOWN_TIMEOUT, then interrupt them (they hand themselves back to the queue as INTERRUPTED and
 * are retried) and give them INTERRUPT_GRACE_MS more; a worker that still has not closed leaves its
 * jobs to the stalled-job recovery.
 */
import type { Logger } from 'pino';
import type { FollowerWorker } from './follower-worker.ts';

/** After the grace period, interrupted jobs get this long to hand themselves back to the queue. */
export const INTERRUPT_GRACE_MS = 2_000;

const delay = (ms: number): Promise<'timeout'> =>
  new Promise((resolve) => {
    setTimeout(() => resolve('timeout'), ms).unref();
  });

export interface CloseWorkerOptions {
  readonly cluster: string;
  readonly worker: FollowerWorker;
  /** SHUTDOWN_TIMEOUT. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

export async function closeWorker({ cluster, worker, timeoutMs, logger }: CloseWorkerOptions): Promise<void> {
  const closing = worker.close();
  if ((await Promise.race([closing.then(() => 'closed' as const), delay(timeoutMs)])) === 'closed') return;
  logger.warn({ cluster, timeoutMs }, 'Active jobs did not finish in time; interrupting them');
  worker.cancelAllJobs('shutdown');
  if ((await Promise.race([closing.then(() => 'closed' as const), delay(INTERRUPT_GRACE_MS)])) === 'timeout') {
    logger.warn({ cluster }, 'Worker did not close; its jobs are recovered as stalled');
  }
}
