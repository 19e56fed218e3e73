/**
 * A real Sentinel set on loopback for tests: one master, two replicas and three sentinels (quorum
 * 2), each process in its own temporary directory, no persistence, a low `down-after-milliseconds`
 * and `failover-timeout`. `killMaster()` kills the master with SIGKILL and waits until the
 * sentinels name a promoted replica that answers as master.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cutReplication, infoField, pollUntil, redisCli, startOnFreePort, startRedisProcess, type RedisProcess } from './redis-process.ts';

export interface RedisSentinelOptions {
  /** The master name the sentinels monitor. @defaultValue "amko" */
  readonly masterName?: string;
  /** `requirepass`/`masterauth` of the Redis servers (the sentinels get it as `auth-pass`). @defaultValue none */
  readonly password?: string;
  /** `requirepass` of the sentinels. @defaultValue none */
  readonly sentinelPassword?: string;
  /** `down-after-milliseconds`. @defaultValue 1000 */
  readonly downAfterMs?: number;
}

export interface TestRedisSentinel extends AsyncDisposable {
  /** `redis-sentinel://[:password@]127.0.0.1:s1,…/<master>[?sentinelPassword=…]`. */
  readonly url: string;
  readonly masterName: string;
  readonly sentinelPorts: readonly number[];
  /** The master's port as the sentinels name it now. */
  masterPort(): Promise<number>;
  /**
   * SIGKILLs the master; resolves when the sentinels name a replica that answers `role:master`.
   * `whileDown` starts right after the kill, before the promotion, and is awaited too.
   */
  killMaster(whileDown?: () => Promise<void>): Promise<{ killedPort: number; promotedPort: number }>;
  /**
   * Starts the killed servers again on their ports, as replicas of the current master (a crashed
   * Redis coming back without data), so that the set can fail over again; resolves once each one's
   * link is up and every sentinel counts it as a healthy replica again.
   */
  restartKilled(): Promise<void>;
  /**
   * Stops replication to every replica (needs `password`): writes the master acknowledges from now
   * on are not replicated, so a failover loses them. Returns the undo (call it after the kill).
   */
  cutReplication(): Promise<() => Promise<void>>;
  /**
   * The sentinels' role-change events so far (`+sdown`, `+odown`, `+switch-master`, `+promoted-slave`…),
   * one line each, prefixed with the sentinel's port, then each running server's own replication
   * state (role, master port, link, offsets): what a failing test prints to show which failovers
   * took place (e.g. a second one while the machine was busy) and where each server stands.
   */
  failoverEvents(): Promise<string>;
  stop(): Promise<void>;
}

/** Sentinel log lines about roles: down/up verdicts, failovers, promotions, master switches. */
const ROLE_EVENT = /[+-](sdown|odown|switch-master|promoted-slave|failover-state|failover-end|selected-slave|try-failover|elected-leader|convert-to-slave|reboot)\b/;

/** The value of `name` in one entry of a sentinel's answer (alternating field and value lines), or undefined. */
function fieldOf(entry: readonly string[], name: string): string | undefined {
  const at = entry.findIndex((line, n) => n % 2 === 0 && line === name);
  return at === -1 ? undefined : entry[at + 1];
}

/** The `flags` of the replica on `port` in a `SENTINEL replicas` answer (one entry per replica, each from `name`), or undefined. */
function replicaFlags(answer: string, port: number): string | undefined {
  const lines = answer.trim().split('\n');
  for (let i = 0; i < lines.length; i += 2) {
    if (lines[i] !== 'name') continue;
    const end = lines.indexOf('name', i + 1);
    const entry = lines.slice(i, end === -1 ? undefined : end);
    if (fieldOf(entry, 'port') === String(port)) return fieldOf(entry, 'flags');
  }
  return undefined;
}

export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<TestRedisSentinel> {
  const masterName = options.masterName ?? 'amko';
  const { password, sentinelPassword } = options;
  const auth = password !== undefined ? ['--requirepass', password, '--masterauth', password] : [];
  const servers: RedisProcess[] = [];
  const sentinels: RedisProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all([...sentinels, ...servers].map((p) => p.dispose().catch(() => undefined)));
  };
  const serverOn = (port: number, replicaOf: number | undefined): Promise<RedisProcess> =>
    startRedisProcess({
      label: 'redis-sentinel-server',
      port,
      ...(password !== undefined ? { password } : {}),
      args: (dir) => [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--loglevel', 'notice', '--logfile', 'redis.log',
        '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--repl-diskless-sync-delay', '0', ...auth,
        ...(replicaOf !== undefined ? ['--replicaof', '127.0.0.1', String(replicaOf)] : []),
      ],
    });
  const server = (replicaOf: number | undefined): Promise<RedisProcess> => startOnFreePort((port) => serverOn(port, replicaOf));
  /** Waits until the replica on `port` is in sync with its master. */
  const linkUp = (port: number): Promise<string> =>
    pollUntil(
      `replica 127.0.0.1:${port} is in sync with its master`,
      () => redisCli(port, ['INFO', 'replication'], password, 5_000),
      (info) => infoField(info, 'master_link_status') === 'up',
      60_000,
    );
  try {
    const master = await server(undefined);
    servers.push(master, await server(master.port), await server(master.port));
    for (const replica of servers.slice(1)) await linkUp(replica.port);
    for (let i = 0; i < 3; i += 1) {
      sentinels.push(
        await startOnFreePort((port) =>
          startRedisProcess({
            label: 'redis-sentinel',
            port,
            ...(sentinelPassword !== undefined ? { password: sentinelPassword } : {}),
            args: async (dir) => {
              const config = join(dir, 'sentinel.conf');
              await writeFile(
                config,
                [
                  `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'logfile sentinel.log',
                  `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 2`,
                  `sentinel down-after-milliseconds ${masterName} ${options.downAfterMs ?? 1_000}`,
                  `sentinel failover-timeout ${masterName} 5000`,
                  `sentinel parallel-syncs ${masterName} 1`,
                  ...(password !== undefined ? [`sentinel auth-pass ${masterName} ${password}`] : []),
                  ...(sentinelPassword !== undefined ? [`requirepass ${sentinelPassword}`] : []),
                  '',
                ].join('\n'),
                { mode: 0o600 },
              );
              return [config, '--sentinel'];
            },
          }),
        ),
      );
    }
    const sentinelPorts = sentinels.map((s) => s.port);
    const masterAddress = async (sentinelPort: number): Promise<number> => {
      const answer = await redisCli(sentinelPort, ['SENTINEL', 'get-master-addr-by-name', masterName], sentinelPassword, 5_000);
      return Number(answer.trim().split('\n')[1]);
    };
    const liveSentinel = (): number => sentinels.find((s) => s.running)?.port ?? 0;
    // Every sentinel knows the replicas and the other sentinels before anything is killed.
    for (const port of sentinelPorts) {
      await pollUntil(
        `sentinel 127.0.0.1:${port} sees 2 replicas and 2 other sentinels`,
        () => redisCli(port, ['SENTINEL', 'master', masterName], sentinelPassword, 5_000),
        (answer) => {
          const lines = answer.trim().split('\n');
          return fieldOf(lines, 'num-slaves') === '2' && fieldOf(lines, 'num-other-sentinels') === '2';
        },
        60_000,
      );
    }
    const sentinel: TestRedisSentinel = {
      url:
        `redis-sentinel://${password !== undefined ? `:${encodeURIComponent(password)}@` : ''}${sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}` +
        `/${masterName}${sentinelPassword !== undefined ? `?sentinelPassword=${encodeURIComponent(sentinelPassword)}` : ''}`,
      masterName,
      sentinelPorts,
      masterPort: () => masterAddress(liveSentinel()),
      async killMaster(whileDown) {
        const killedPort = await masterAddress(liveSentinel());
        const victim = servers.find((s) => s.port === killedPort);
        if (!victim) throw new Error(`no server listens on ${killedPort}`);
        await victim.kill();
        const [promotedPort] = await Promise.all([pollUntil(
          `the sentinels promote a replica of 127.0.0.1:${killedPort}`,
          async () => {
            const port = await masterAddress(liveSentinel());
            const role = port === killedPort ? undefined : infoField(await redisCli(port, ['INFO', 'replication'], password, 5_000), 'role');
            return role === 'master' ? port : undefined;
          },
          (port) => port !== undefined,
          120_000,
        ), whileDown?.()]);
        return { killedPort, promotedPort: promotedPort ?? 0 };
      },
      async restartKilled() {
        const masterPort = await masterAddress(liveSentinel());
        for (const [i, dead] of servers.entries()) {
          if (dead.running) continue;
          await dead.dispose();
          const replica = await serverOn(dead.port, masterPort);
          servers[i] = replica;
          await linkUp(replica.port);
          // On a busy machine the sentinels may fail over again meanwhile (down-after is 1 s), even to
          // the restarted server: it is healthy as a replica of whichever master they name now, or as
          // that master.
          for (const port of sentinelPorts) {
            await pollUntil(
              `sentinel 127.0.0.1:${port} counts the restarted 127.0.0.1:${replica.port} as a healthy replica of its master (127.0.0.1:${masterPort} when restarted) or as the master`,
              async () => ({ master: await masterAddress(port), replicas: await redisCli(port, ['SENTINEL', 'replicas', masterName], sentinelPassword, 5_000) }),
              ({ master, replicas }) => master === replica.port || replicaFlags(replicas, replica.port) === 'slave',
              60_000,
            );
          }
        }
      },
      async cutReplication() {
        if (password === undefined) throw new Error('cutReplication needs a Sentinel set started with a password');
        const masterPort = await masterAddress(liveSentinel());
        return cutReplication(masterPort, servers.filter((s) => s.running && s.port !== masterPort).map((s) => s.port), password);
      },
      async failoverEvents() {
        const logs = await Promise.all(
          sentinels.map(async (s) => (await readFile(join(s.dir, 'sentinel.log'), 'utf8').catch(() => '')).split('\n').filter((line) => ROLE_EVENT.test(line)).map((line) => `${s.port} ${line}`)),
        );
        // And what each server says of itself now: two that answer role:master would be a split.
        const roles = await Promise.all(
          servers.filter((s) => s.running).map(async (s) => {
            const info = await redisCli(s.port, ['INFO', 'replication'], password, 5_000).catch((err: unknown) => `error: ${String(err)}`);
            const fields = ['role', 'master_port', 'master_link_status', 'master_repl_offset', 'slave_repl_offset'].flatMap((f) => {
              const value = infoField(info, f);
              return value === undefined ? [] : [`${f}=${value}`];
            });
            return `server ${s.port}: ${fields.join(' ') || info.slice(0, 120)}`;
          }),
        );
        return [...logs.flat(), ...roles].join('\n');
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
    return sentinel;
  } catch (error) {
    await stop();
    throw error;
  }
}
