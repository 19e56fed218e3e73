/**
 * A workload (watcher, replicator) as a real child process: `node apps/<app>/src/main.ts` with an
 * explicit environment, stdout and stderr appended to a log file (written by the child itself, so
 * the log survives a crash of either side), readiness from its `/readyz`, kill -9, graceful stop
 * and restart. Every child is also killed when the test process exits, so none is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface AppProcessOptions {
  /** Short name for messages, e.g. `replicator`. */
  readonly name: string;
  /** Absolute path of the entry point, e.g. `<repo>/apps/replicator/src/main.ts`. */
  readonly entry: string;
  /** The child's whole environment; PATH and HOME are inherited unless given here (nothing else is). */
  readonly env: Readonly<Record<string, string>>;
  /** Where stdout and stderr are appended. */
  readonly logFile: string;
  /** Base URL of the child's HTTP server (`/readyz` is polled there). */
  readonly url: string;
  /** Working directory. @defaultValue the entry's repository root is not assumed: process.cwd() */
  readonly cwd?: string;
  /** @defaultValue 30000 */
  readonly readyTimeoutMs?: number;
  /**
   * Called while a readiness wait is slow (first after `slowAfterMs`, then every `slowAfterMs`) with
   * what it waits for: the failing `/readyz` checks, or that the HTTP server does not answer yet.
   */
  readonly onSlowReady?: (progress: ReadyProgress) => void;
  /** @defaultValue 10000 */
  readonly slowAfterMs?: number;
  /**
   * Start the child in its own process group, so that a terminal's Ctrl-C (SIGINT to the foreground
   * group) reaches only the parent, which then stops the child with one signal. @defaultValue false
   */
  readonly detached?: boolean;
  /** @defaultValue process.execPath (the Node running the tests) */
  readonly nodePath?: string;
  /** Run the child as this user and group id (needs root), e.g. an OpenShift-style arbitrary UID in group 0. @defaultValue this process's */
  readonly user?: { readonly uid: number; readonly gid: number };
}

export interface ReadyProgress {
  readonly name: string;
  readonly waitedMs: number;
  readonly timeoutMs: number;
  /** What is missing, e.g. `/readyz 503: redis (connect ECONNREFUSED)` or `no HTTP answer yet (ECONNREFUSED)`. */
  readonly waitingFor: string;
}

export interface AppExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the exit followed kill(), stop() or restart(); false when the child exited on its own (a crash). */
  readonly requested: boolean;
}

export interface AppStartOptions {
  /** Wait until `/readyz` answers 200 (fails early if the child exits). @defaultValue true */
  readonly waitReady?: boolean;
}

export interface AppProcess {
  readonly name: string;
  readonly url: string;
  readonly logFile: string;
  /** The running child's pid, undefined when not running. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Exits so far (kill -9 shows up as signal SIGKILL). */
  readonly exits: readonly AppExit[];
  /**
   * Spawns the child and waits until `/readyz` answers 200 (fails early if the child exits); with
   * `waitReady: false` only spawns it (e.g. while a dependency such as Redis is down).
   */
  start(options?: AppStartOptions): Promise<void>;
  /** Polls `/readyz` until 200. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** Sends `signal` (default SIGKILL, i.e. kill -9) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<AppExit | undefined>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; waits for the exit. */
  stop(timeoutMs?: number): Promise<AppExit | undefined>;
  /** stop() (or kill when `hard`) and start() again with the same environment and log file. */
  restart(options?: { readonly hard?: boolean }): Promise<void>;
  /** The log so far. */
  logs(): Promise<string>;
  /** Calls `listener` on every exit from now on; returns the function that removes it. */
  onExit(listener: (exit: AppExit) => void): () => void;
}

/** Children of this test process; killed on exit so that no process outlives a crashed run. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** `undefined` when ready, else what is missing. */
async function readiness(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
    const body = await response.text();
    if (response.status === 200) return undefined;
    return `/readyz ${response.status}: ${describeChecks(body)}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    return `no HTTP answer yet (${cause})`;
  }
}

function describeChecks(body: string): string {
  try {
    const parsed = JSON.parse(body) as { checks?: { name: string; ok: boolean; detail?: string }[] };
    const failing = (parsed.checks ?? []).filter((c) => !c.ok).map((c) => (c.detail ? `${c.name} (${c.detail})` : c.name));
    if (failing.length > 0) return failing.join(', ');
  } catch {
    // not the ops server's JSON
  }
  return body.slice(0, 200);
}

export function createAppProcess(options: AppProcessOptions): AppProcess {
  installExitHook();
  let child: ChildProcess | undefined;
  let exited: Promise<AppExit> | undefined;
  const exits: AppExit[] = [];
  const listeners = new Set<(exit: AppExit) => void>();
  /** Children this side asked to exit (their exits are `requested`). */
  const asked = new WeakSet<ChildProcess>();

  function spawnChild(): void {
    const fd = openSync(options.logFile, 'a');
    try {
      const env: Record<string, string> = { ...options.env };
      if (process.env['PATH'] !== undefined) env['PATH'] ??= process.env['PATH'];
      if (process.env['HOME'] !== undefined) env['HOME'] ??= process.env['HOME'];
      const started = spawn(options.nodePath ?? process.execPath, [options.entry], {
        cwd: options.cwd ?? process.cwd(),
        env,
        stdio: ['ignore', fd, fd],
        detached: options.detached ?? false,
        ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
      });
      child = started;
      live.add(started);
      exited = new Promise<AppExit>((resolve) => {
        started.once('exit', (code, signal) => {
          live.delete(started);
          const exit = { code, signal, requested: asked.has(started) };
          exits.push(exit);
          if (child === started) child = undefined;
          resolve(exit);
          for (const listener of [...listeners]) listener(exit);
        });
      });
    } finally {
      closeSync(fd);
    }
  }

  async function waitReady(timeoutMs = options.readyTimeoutMs ?? 30_000): Promise<void> {
    const began = Date.now();
    const until = began + timeoutMs;
    const slowAfterMs = options.slowAfterMs ?? 10_000;
    let nextReport = began + slowAfterMs;
    const watching = child;
    let waitingFor = 'no check yet';
    while (Date.now() < until) {
      if (watching !== undefined && watching.exitCode !== null) break;
      if (watching !== undefined && watching.signalCode !== null) break;
      const missing = await readiness(options.url);
      if (missing === undefined) return;
      waitingFor = missing;
      if (options.onSlowReady !== undefined && Date.now() >= nextReport) {
        nextReport = Date.now() + slowAfterMs;
        options.onSlowReady({ name: options.name, waitedMs: Date.now() - began, timeoutMs, waitingFor });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const tail = (await readFile(options.logFile, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
    const state = child === undefined ? `exited (${JSON.stringify(exits.at(-1))})` : 'still running';
    throw new Error(`${options.name} was not ready at ${options.url}/readyz within ${timeoutMs} ms (last: ${waitingFor}); it is ${state}. Last log lines:\n${tail}`);
  }

  async function signalAndWait(signal: NodeJS.Signals, timeoutMs?: number): Promise<AppExit | undefined> {
    const running = child;
    const done = exited;
    if (running === undefined || done === undefined) return undefined;
    asked.add(running);
    running.kill(signal);
    if (timeoutMs === undefined) return done;
    const timer = setTimeout(() => running.kill('SIGKILL'), timeoutMs);
    try {
      return await done;
    } finally {
      clearTimeout(timer);
    }
  }

  const app: AppProcess = {
    name: options.name,
    url: options.url,
    logFile: options.logFile,
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined;
    },
    exits,
    async start(startOptions = {}) {
      if (child !== undefined) throw new Error(`${options.name} is already running (pid ${child.pid})`);
      spawnChild();
      if (startOptions.waitReady ?? true) await waitReady();
    },
    waitReady,
    kill: (signal = 'SIGKILL') => signalAndWait(signal),
    stop: (timeoutMs = 10_000) => signalAndWait('SIGTERM', timeoutMs),
    async restart(restartOptions = {}) {
      if (restartOptions.hard) await signalAndWait('SIGKILL');
      else await signalAndWait('SIGTERM', 10_000);
      await app.start();
    },
    logs: () => readFile(options.logFile, 'utf8').catch(() => ''),
    onExit(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  return app;
}
