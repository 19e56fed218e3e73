/**
 * What Kubernetes does for a crashed container (restartPolicy Always, CrashLoopBackOff): an app
 * process that exits on its own — not by the scenario's kill or stop — is counted as a crash and
 * started again after a back-off (1 s, doubling per consecutive crash, at most 8 s). So a crash is
 * reported, and the federation can still be watched converging afterwards.
 */
import type { AppExit, AppProcess } from '@amko-fed/testing';

export interface Crash {
  readonly app: string;
  readonly exit: AppExit;
  /** Milliseconds since supervision started. */
  readonly atMs: number;
}

export interface Supervisor {
  readonly crashes: readonly Crash[];
  /** Supervises one more app process. */
  add(app: AppProcess): void;
  /** Stops restarting (before the apps are stopped for good). */
  close(): void;
}

const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 8_000;

export function superviseApps(apps: readonly AppProcess[]): Supervisor {
  const started = performance.now();
  const crashes: Crash[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const removers: (() => void)[] = [];
  let closed = false;

  function add(app: AppProcess): void {
    let backoffMs = FIRST_BACKOFF_MS;
    removers.push(
      app.onExit((exit) => {
        if (exit.requested) {
          backoffMs = FIRST_BACKOFF_MS;
          return;
        }
        crashes.push({ app: app.name, exit, atMs: performance.now() - started });
        if (closed) return;
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (closed || app.running) return;
          app.start({ waitReady: false }).catch(() => undefined);
        }, backoffMs);
        timers.add(timer);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }),
    );
  }

  for (const app of apps) add(app);
  return {
    crashes,
    add,
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const remove of removers) remove();
    },
  };
}
