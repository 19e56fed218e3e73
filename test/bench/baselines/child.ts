/**
 * A baseline as its own process, like the watcher and replicator: `node <file> <config.json>` with
 * the deployment's runtime environment (V8 heap caps, compile cache), an IPC channel for "ready"
 * and "stop", and an exit when the parent goes away (so none is left behind after Ctrl-C).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { REPO_ROOT, workloadRuntimeEnv } from '@amko-fed/testing';

export interface Running {
  stop(): Promise<void>;
}

/** Child side: reads the config file named by argv[2], starts, says "ready", stops on "stop" or when the parent is gone. */
export async function serveAsChild<C>(start: (config: C) => Promise<Running>): Promise<void> {
  const path = process.argv[2];
  if (path === undefined) throw new TypeError('usage: node <baseline>.ts <config.json>');
  const config = JSON.parse(await readFile(path, 'utf8')) as C;
  const running = await start(config);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.race([running.stop(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.send?.('ready');
}

export interface ChildBaseline extends Running {
  readonly pid: number | undefined;
  /** The last stderr output (errors the baseline reported). */
  stderr(): string;
}

/** Parent side: forks `entry` with `configFile`, resolves once it said "ready". */
export async function startChild(name: string, entry: string, configFile: string): Promise<ChildBaseline> {
  const child: ChildProcess = fork(entry, [configFile], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...workloadRuntimeEnv(REPO_ROOT) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not become ready in 30 s: ${stderr}`)), 30_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready: ${stderr}`));
    });
  });
  return {
    pid: child.pid,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send('stop');
      const killed = setTimeout(() => child.kill('SIGKILL'), 8_000);
      await exited;
      clearTimeout(killed);
    },
  };
}
