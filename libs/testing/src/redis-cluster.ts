/**
 * A real Redis Cluster on loopback for tests: 3 masters and 3 replicas (`redis-server
 * --cluster-enabled yes`, each in its own temporary directory, no persistence), created with
 * `redis-cli --cluster create … --cluster-replicas 1`, with a low `cluster-node-timeout` so that a
 * killed master is failed over by its replica within seconds. `killMasterOf(key)` kills the master
 * that serves a key's slot with SIGKILL (a crash, not a `CLUSTER FAILOVER`) and waits until a
 * replica serves the slot and the cluster is `ok` again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestTls, cutReplication, infoField, pollUntil, redisCli, startOnFreePort, startRedisProcess, useTlsFor, type RedisProcess } from './redis-process.ts';

export interface RedisClusterOptions {
  /** `requirepass` and `masterauth` of every node. @defaultValue none */
  readonly password?: string;
  /** `cluster-node-timeout` in ms: how long a master may be unreachable before it fails over. @defaultValue 1500 */
  readonly nodeTimeoutMs?: number;
  /**
   * Every node speaks TLS only (clients, cluster bus, replication) with a certificate for 127.0.0.1
   * from a fresh test CA (`caFile`); the URL is `rediss-cluster://`. @defaultValue false
   */
  readonly tls?: boolean;
}

export interface ClusterNode {
  readonly id: string;
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** The master's id for a replica. */
  readonly masterId: string | undefined;
  readonly failed: boolean;
  /** Slot ranges of a master, e.g. [[0, 5460]]. */
  readonly slots: readonly (readonly [number, number])[];
}

export interface Failover {
  /** The port of the killed master. */
  readonly killedPort: number;
  /** The port of the replica that now serves the slot. */
  readonly promotedPort: number;
}

export interface TestRedisCluster extends AsyncDisposable {
  /** `redis-cluster://[:password@]127.0.0.1:p1,…` (every node as a seed; `rediss-cluster://` with `tls`). */
  readonly url: string;
  /** The CA that signed the nodes' certificate (with `tls`). */
  readonly caFile: string | undefined;
  readonly ports: readonly number[];
  /** The slot of `key` (CLUSTER KEYSLOT). */
  slotOf(key: string): Promise<number>;
  /** The nodes as a live node sees them (CLUSTER NODES). */
  nodes(): Promise<ClusterNode[]>;
  /** The master that serves `key`'s slot now. */
  masterOf(key: string): Promise<ClusterNode>;
  /**
   * SIGKILLs the master serving `key`; resolves when a replica serves the slot and `cluster_state:ok`.
   * `whileDown` starts right after the kill, while the slot has no master, and is awaited too.
   */
  killMasterOf(key: string, whileDown?: () => Promise<void>): Promise<Failover>;
  /**
   * Stops replication from the master serving `key` to its replicas (needs `password`): writes it
   * acknowledges from now on are not replicated, so a failover loses them. Returns the undo.
   */
  cutReplicationOf(key: string): Promise<() => Promise<void>>;
  /** Stops every node and removes their directories. */
  stop(): Promise<void>;
}

/** Parses CLUSTER NODES output. */
export function parseClusterNodes(text: string): ClusterNode[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [id = '', address = '', flags = '', master = '-', , , , , ...slotParts] = line.split(' ');
      const flagList = flags.split(',');
      const slots = slotParts
        .filter((part) => !part.startsWith('['))
        .map((part): [number, number] => {
          const [from, to] = part.split('-').map(Number);
          return [from ?? 0, to ?? from ?? 0];
        });
      return {
        id,
        port: Number(address.split('@')[0]?.split(':').pop()),
        role: flagList.includes('master') ? 'master' : 'replica',
        masterId: master === '-' ? undefined : master,
        failed: flagList.includes('fail') || flagList.includes('fail?'),
        slots,
      } satisfies ClusterNode;
    });
}

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<TestRedisCluster> {
  const { password } = options;
  const nodeTimeout = options.nodeTimeoutMs ?? 1_500;
  const processes: RedisProcess[] = [];
  let tlsDir: string | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((p) => p.dispose().catch(() => undefined)));
    if (tlsDir !== undefined) await rm(tlsDir, { recursive: true, force: true });
  };
  try {
    tlsDir = options.tls ? await mkdtemp(join(tmpdir(), 'amko-fed-redis-tls-')) : undefined;
    const tls = tlsDir !== undefined ? await createTestTls(tlsDir) : undefined;
    for (let i = 0; i < 6; i += 1) {
      processes.push(
        await startOnFreePort(
          (port) => {
            if (tls !== undefined) useTlsFor(port, tls.caFile);
            return startRedisProcess({
              label: 'redis-cluster-node',
              port,
              ...(password !== undefined ? { password } : {}),
              args: (dir) => [
                ...(tls !== undefined
                  ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile,
                      '--tls-auth-clients', 'no', '--tls-cluster', 'yes', '--tls-replication', 'yes']
                  : ['--port', String(port)]),
                '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--loglevel', 'notice', '--logfile', 'redis.log',
                '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--repl-diskless-sync-delay', '0',
                '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(nodeTimeout),
                ...(password !== undefined ? ['--requirepass', password, '--masterauth', password] : []),
              ],
            });
          },
          true,
        ),
      );
    }
    const ports = processes.map((p) => p.port);
    await redisCli(ports[0] ?? 0, ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], password, 120_000);
    const clusterOk = (port: number): Promise<unknown> =>
      pollUntil(`cluster_state:ok on 127.0.0.1:${port}`, () => redisCli(port, ['CLUSTER', 'INFO'], password, 5_000), (info) => infoField(info, 'cluster_state') === 'ok', 120_000);
    await Promise.all(ports.map(clusterOk));
    // A replica that never finished its first sync cannot take over (it counts as disconnected for
    // longer than cluster-replica-validity-factor allows): wait for every link before returning.
    await Promise.all(
      ports.map((port) =>
        pollUntil(
          `127.0.0.1:${port} is a master or an in-sync replica`,
          () => redisCli(port, ['INFO', 'replication'], password, 5_000),
          (info) => infoField(info, 'role') === 'master' || infoField(info, 'master_link_status') === 'up',
          120_000,
        ),
      ),
    );
    const running = (): RedisProcess => {
      const live = processes.find((p) => p.running);
      if (!live) throw new Error('no cluster node is running');
      return live;
    };
    const nodes = async (): Promise<ClusterNode[]> => parseClusterNodes(await redisCli(running().port, ['CLUSTER', 'NODES'], password, 5_000));
    const slotOf = async (key: string): Promise<number> => Number((await redisCli(running().port, ['CLUSTER', 'KEYSLOT', key], password)).trim());
    const serving = (all: readonly ClusterNode[], slot: number): ClusterNode | undefined =>
      all.find((n) => n.role === 'master' && !n.failed && n.slots.some(([from, to]) => slot >= from && slot <= to));
    const masterOf = async (key: string): Promise<ClusterNode> => {
      const slot = await slotOf(key);
      const master = serving(await nodes(), slot);
      if (!master) throw new Error(`no live master serves slot ${slot}`);
      return master;
    };
    const cluster: TestRedisCluster = {
      url: `${tls !== undefined ? 'rediss' : 'redis'}-cluster://${password !== undefined ? `:${encodeURIComponent(password)}@` : ''}${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
      ports,
      caFile: tls?.caFile,
      slotOf,
      nodes,
      masterOf,
      async killMasterOf(key, whileDown) {
        const slot = await slotOf(key);
        const master = await masterOf(key);
        const victim = processes.find((p) => p.port === master.port);
        if (!victim) throw new Error(`no process listens on ${master.port}`);
        await victim.kill();
        const [promoted] = await Promise.all([
          pollUntil(
            `a replica of 127.0.0.1:${master.port} serves slot ${slot}`,
            async () => serving(await nodes(), slot),
            (node) => node !== undefined && node.port !== master.port,
            120_000,
          ),
          whileDown?.(),
        ]);
        await Promise.all(processes.filter((p) => p.running).map((p) => clusterOk(p.port)));
        return { killedPort: master.port, promotedPort: promoted?.port ?? 0 };
      },
      async cutReplicationOf(key) {
        if (password === undefined) throw new Error('cutReplicationOf needs a cluster started with a password');
        const master = await masterOf(key);
        const replicas = (await nodes()).filter((n) => n.masterId === master.id).map((n) => n.port);
        return cutReplication(master.port, replicas, password);
      },
      stop,
      [Symbol.asyncDispose]: stop,
    };
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}
