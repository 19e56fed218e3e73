/**
 * Building blocks of the multi-server Redis topologies (redis-cluster.ts, redis-sentinel.ts): one
 * `redis-server` process (server or sentinel) on a loopback port in its own temporary directory,
 * `redis-cli` commands, free ports, and polling. Every process is killed when this process exits,
 * so none outlives a crashed run.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from './find-on-path.ts';

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

/** The path of a binary the topology tests need; fails (never skips) when it is missing. */
export async function requireBinary(name: 'redis-server' | 'redis-cli'): Promise<string> {
  const found = await findOnPath(name);
  if (found === undefined) {
    throw new Error(`${name} is not on PATH; install the Debian packages redis-server and redis-tools (scripts/ensure-tools.sh does)`);
  }
  return found;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A loopback port that is free, below the ephemeral range, and (with `busPort`) whose +10000, the
 * Redis Cluster bus port, is free too. Taken ports are never handed out twice by this process.
 */
const handedOut = new Set<number>();
export async function freeRedisPort(options: { busPort?: boolean } = {}): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (handedOut.has(port) || handedOut.has(port + 10_000)) continue;
    if (!(await canListen(port))) continue;
    if (options.busPort && !(await canListen(port + 10_000))) continue;
    handedOut.add(port);
    if (options.busPort) handedOut.add(port + 10_000);
    return port;
  }
  throw new Error('found no free loopback port for redis-server');
}

/** Ports that speak only TLS, with the CA file redis-cli trusts for them (see `createTestTls`). */
const tlsPorts = new Map<number, string>();

/** From now on redis-cli talks TLS to `port`, trusting `caFile`. */
export function useTlsFor(port: number, caFile: string): void {
  tlsPorts.set(port, caFile);
}

/** Runs `redis-cli -p port args…` (password through REDISCLI_AUTH, never on the command line); resolves stdout. */
export async function redisCli(port: number, args: readonly string[], password?: string, timeoutMs = 30_000): Promise<string> {
  const cli = await requireBinary('redis-cli');
  const ca = tlsPorts.get(port);
  return new Promise((resolve, reject) => {
    execFile(
      cli,
      ['-h', '127.0.0.1', '-p', String(port), ...(ca !== undefined ? ['--tls', '--cacert', ca] : []), ...args],
      { timeout: timeoutMs, env: { ...process.env, ...(password !== undefined ? { REDISCLI_AUTH: password } : {}) } },
      (error, stdout, stderr) => (error ? reject(new Error(`redis-cli -p ${port} ${args.join(' ')} failed: ${stderr || error.message}`)) : resolve(stdout)),
    );
  });
}

/** Polls `read` until `done` holds (errors count as not yet); fails with `what` after `deadlineMs`. */
export async function pollUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 60_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await read();
      if (done(value)) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`${what}: not reached within ${deadlineMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RedisProcess {
  readonly port: number;
  readonly dir: string;
  readonly running: boolean;
  /** SIGKILL (kill -9: no shutdown, no save) and wait for the exit. */
  kill(): Promise<void>;

  /** SIGTERM, wait for the exit, remove the directory. */
  dispose(): Promise<void>;
}

export interface RedisProcessOptions {
  /** Arguments after the binary (a config file first for a sentinel). */
  readonly args: (dir: string) => readonly string[] | Promise<readonly string[]>;
  readonly port: number;
  /** Password for the readiness PING. */
  readonly password?: string;
  /** Label of the temporary directory. */
  readonly label: string;
}

/** Starts one redis-server (or sentinel) process and waits until it answers PING. */
export async function startRedisProcess(options: RedisProcessOptions): Promise<RedisProcess> {
  installExitHook();
  const binary = await requireBinary('redis-server');
  const dir = await mkdtemp(join(tmpdir(), `amko-fed-${options.label}-`));
  const child = spawn(binary, [...(await options.args(dir))], { stdio: 'ignore', cwd: dir });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (!gone()) child.kill(signal);
    await exited;
  };
  try {
    await pollUntil(
      `redis-server on 127.0.0.1:${options.port} answers PING`,
      async () => {
        if (gone()) throw new Error(`exited with ${child.exitCode ?? child.signalCode} before it was ready`);
        return redisCli(options.port, ['PING'], options.password, 5_000);
      },
      (answer) => answer.trim() === 'PONG',
      30_000,
    );
  } catch (error) {
    await stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port: options.port,
    dir,
    get running() {
      return !gone();
    },
    kill: () => stop('SIGKILL'),
    async dispose() {
      await stop('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a process on a fresh free port, trying other ports when one was taken meanwhile. */
export async function startOnFreePort(start: (port: number) => Promise<RedisProcess>, busPort = false): Promise<RedisProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await start(await freeRedisPort({ busPort }));
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** `key:value` lines of an INFO-like answer. */
export function infoField(text: string, field: string): string | undefined {
  const line = text.split(/\r?\n/).find((l) => l.startsWith(`${field}:`));
  return line?.slice(field.length + 1).trim();
}

/**
 * Cuts replication from the master on `masterPort` to `replicaPorts` (both need `password`): each
 * replica gets a wrong `masterauth`, the master drops its replica links, and the replicas cannot
 * authenticate again. Writes the master acknowledges from then on are not replicated (as when
 * replication lags behind; a failover then loses them). Returns the undo (the right masterauth).
 */
export async function cutReplication(masterPort: number, replicaPorts: readonly number[], password: string): Promise<() => Promise<void>> {
  for (const port of replicaPorts) await redisCli(port, ['CONFIG', 'SET', 'masterauth', `${password}-wrong`], password);
  await redisCli(masterPort, ['CLIENT', 'KILL', 'TYPE', 'replica'], password);
  await pollUntil(
    `the master on 127.0.0.1:${masterPort} has no replica connected`,
    () => redisCli(masterPort, ['INFO', 'replication'], password, 5_000),
    (info) => infoField(info, 'connected_slaves') === '0',
    60_000,
  );
  return async () => {
    for (const port of replicaPorts) await redisCli(port, ['CONFIG', 'SET', 'masterauth', password], password).catch(() => undefined);
  };
}

/** A CA and a server certificate for 127.0.0.1 (files in `dir`), made with openssl. */
export interface TestTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export async function createTestTls(dir: string): Promise<TestTls> {
  const openssl = await findOnPath('openssl');
  if (openssl === undefined) throw new Error('openssl is not on PATH; install the Debian package openssl');
  const run = (args: readonly string[]): Promise<void> =>
    new Promise((resolve, reject) =>
      execFile(openssl, args, { cwd: dir, timeout: 60_000 }, (error, _out, stderr) => (error ? reject(new Error(`openssl ${args[0] ?? ''} failed: ${stderr}`)) : resolve())),
    );
  await run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=amko-fed test CA']);
  await run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  await writeFile(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext']);
  return { caFile: join(dir, 'ca.crt'), certFile: join(dir, 'server.crt'), keyFile: join(dir, 'server.key') };
}
