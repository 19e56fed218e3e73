/**
 * A real Redis for tests, from the first source that exists:
 *  1. `REDIS_URL` when set (the caller passes it in; nothing here reads the environment),
 *  2. a private `redis-server` on a free loopback port when the binary is on PATH,
 *  3. testcontainers' Redis module (needs a Docker engine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from './find-on-path.ts';

export interface RedisOptions {
  /** Use this URL instead of starting a server (normally `process.env.REDIS_URL`). */
  readonly url?: string | undefined;
  /** Start the private server with `appendonly yes` (durability tests). @defaultValue false */
  readonly appendOnly?: boolean;
}

export interface RedisStartOptions {
  /**
   * Start with nothing: the data directory is emptied first, as if the server had lost its disk
   * (without AOF a restart is empty anyway, since nothing is ever saved). @defaultValue false
   */
  readonly empty?: boolean;
}

export interface TestRedis {
  readonly url: string;
  readonly source: 'url' | 'redis-server' | 'testcontainers';
  /** Whether the private server is running (always true for `url` and `testcontainers`). */
  readonly running: boolean;
  /** Stops the server (kept data survives in its directory when AOF is on). */
  stop(): Promise<void>;
  /**
   * Sends `signal` (default SIGKILL, i.e. kill -9: no shutdown, no final save) and waits for the
   * exit; only for `redis-server`. With AOF (`appendfsync always`) every acknowledged write survives.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped or killed server again on the same port and directory; only for `redis-server`. */
  start(options?: RedisStartOptions): Promise<void>;
  /** Starts it again on the same port and directory; only for `redis-server`. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** Private servers of this process; killed when it exits so that none outlives a crashed run. */
const liveServers = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveServers) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(500);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function waitUntilReady(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} before it was ready`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on 127.0.0.1:${port} was not ready within ${deadlineMs} ms`);
}

async function startRedisServer(binary: string, appendOnly: boolean): Promise<TestRedis> {
  installExitHook();
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'amko-fed-redis-'));
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', appendOnly ? 'yes' : 'no',
      '--appendfsync', 'always', '--dir', dir, '--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--loglevel', 'warning'];
    const started = spawn(binary, args, { stdio: 'ignore' });
    child = started;
    liveServers.add(started);
    started.once('exit', () => liveServers.delete(started));
    try {
      await waitUntilReady(port, started, 10_000);
    } catch (err) {
      started.kill('SIGKILL');
      if (child === started) child = undefined;
      throw err;
    }
  };
  const signalAndWait = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill(signal);
    });
  };
  const stop = (): Promise<void> => signalAndWait('SIGTERM');
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    source: 'redis-server',
    get running() {
      return child !== undefined;
    },
    stop,
    kill: (signal = 'SIGKILL') => signalAndWait(signal),
    async start(startOptions = {}) {
      if (child !== undefined) throw new Error(`redis-server on 127.0.0.1:${port} is already running`);
      if (startOptions.empty) {
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
      }
      await launch();
    },
    restart: async () => {
      await stop();
      await launch();
    },
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startContainer(): Promise<TestRedis> {
  const { RedisContainer } = await import('@testcontainers/redis');
  const container = await new RedisContainer('redis:7-alpine').start();
  return {
    url: container.getConnectionUrl(),
    source: 'testcontainers',
    running: true,
    stop: async () => {
      await container.stop();
    },
    kill: () => Promise.reject(new Error('kill is only supported for a private redis-server')),
    start: () => Promise.reject(new Error('start is only supported for a private redis-server')),
    restart: () => Promise.reject(new Error('restart is only supported for a private redis-server')),
    dispose: async () => {
      await container.stop();
    },
  };
}

/** Provides a Redis: see the module comment for the order of sources. */
export async function startTestRedis(options: RedisOptions = {}): Promise<TestRedis> {
  if (options.url) {
    return {
      url: options.url,
      source: 'url',
      running: true,
      stop: () => Promise.resolve(),
      kill: () => Promise.reject(new Error('kill is not possible for an external REDIS_URL')),
      start: () => Promise.reject(new Error('start is not possible for an external REDIS_URL')),
      restart: () => Promise.reject(new Error('restart is not possible for an external REDIS_URL')),
      dispose: () => Promise.resolve(),
    };
  }
  const binary = await findOnPath('redis-server');
  if (binary) return startRedisServer(binary, options.appendOnly ?? false);
  return startContainer();
}

let counter = 0;
/** A key prefix no other test uses; includes a hash tag so it also works on Redis Cluster. */
export function isolatedPrefix(label = 't'): string {
  counter += 1;
  return `{${label}-${process.pid}-${Date.now().toString(36)}-${counter}}`;
}
