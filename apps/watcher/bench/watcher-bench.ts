/**
 * Watcher benchmark (prints figures; asserts nothing). Emulated clusters run in a child process
 * (the emulator launcher), Redis is REDIS_URL or a private redis-server.
 *
 *   node apps/watcher/bench/watcher-bench.ts latency [followers=10] [updates=200]
 *     leader write (API response) → the job seen by a worker on every follower queue: p50/p99
 *   node apps/watcher/bench/watcher-bench.ts memory [followers=50] [objects=1000] [steady|cold]
 *     the watcher as its own process (main.ts), `objects` GSLBHostRules on the leader (and, steady,
 *     their copies on every follower), resyncs every 5 s to every follower: peak RSS
 *   node apps/watcher/bench/watcher-bench.ts results-memory [followers=50] [objects=1000]
 *     the memory (heap and ArrayBuffers) the results cache holds for one latest result per
 *     follower × object (2 % failed), after a full GC, and how long the status's pass over them
 *     takes; and what the pending reconciles hold when every object is missing on every follower
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AMKO_CLUSTER_KIND, FEDERATED_KINDS, toObjectKey, type KubeObject, type ObjectKey } from '@amko-fed/domain';
import { createClusterClient, kubeConfigForContext, type ClusterClient } from '@amko-fed/kube';
import { createRedisConnection, followerQueueName } from '@amko-fed/queue';
import { createInMemoryResultsStore } from '@amko-fed/queue/testing';
import { createLogger } from '@amko-fed/service';
import { isolatedPrefix, startTestRedis } from '@amko-fed/testing';
import { Worker, type Job } from 'bullmq';
import { loadConfig } from '../src/config.ts';
import { createWatcherAdapters } from '../src/adapters.ts';
import { systemClock } from '../src/clock.ts';
import { createWatcher } from '../src/watcher.ts';
import { federationSteps } from '../src/status/federation-steps.ts';
import { createResultsCache } from '../src/status/results-cache.ts';
import { createPendingReconciles } from '../src/resync/pending-reconciles.ts';
import type { PendingReconcile } from '../src/resync/resync.ts';

const [mode = 'latency', a, b] = process.argv.slice(2);
const VERSION = '1.12.1';

async function launchEmulators(names: string[], dir: string): Promise<{ kubeconfig: string; child: ChildProcess }> {
  const file = join(dir, 'kubeconfig');
  const child = spawn(process.execPath, ['libs/kube-emulator/src/cli.ts', 'up', '--clusters', names.join(','), '--kubeconfig', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { kubeconfig: await readFile(file, 'utf8'), child };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function setUp(names: string[], kubeconfig: string): Promise<Record<string, ClusterClient>> {
  const clients = Object.fromEntries(names.map((n) => [n, createClusterClient({ context: n, kubeConfig: kubeConfigForContext(kubeconfig, n) })]));
  await Promise.all(
    names.map((name) =>
      clients[name]?.create(AMKO_CLUSTER_KIND, 'avi-system', {
        apiVersion: 'amko.vmware.com/v1alpha1',
        kind: 'AMKOCluster',
        metadata: { name: 'amkocluster-federation' },
        spec: { isLeader: name === 'leader', clusterContext: name, version: VERSION, clusters: names },
      } as KubeObject),
    ),
  );
  return clients as Record<string, ClusterClient>;
}

async function latency(followers: number, updates: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'watcher-bench-'));
  const names = ['leader', ...Array.from({ length: followers }, (_, i) => `follower${i + 1}`)];
  const redis = await startTestRedis({ url: process.env['REDIS_URL'] });
  const { kubeconfig, child } = await launchEmulators(names, dir);
  const clients = await setUp(names, kubeconfig);
  const leader = clients['leader'] as ClusterClient;
  const gc = { apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBConfig', metadata: { name: 'gc-1' }, spec: { gslbLeader: { credentials: 'c', controllerVersion: '22.1.3', controllerIP: '10.0.0.1' }, memberClusters: [], refreshInterval: 1, logLevel: 'INFO' } };
  await leader.create(FEDERATED_KINDS.GSLBConfig, 'avi-system', gc as KubeObject);
  const kubeconfigFile = join(dir, 'kubeconfig');
  const prefix = isolatedPrefix('bench');
  const config = loadConfig({ REDIS_URL: redis.url, KEY_PREFIX: prefix, LOCAL_KUBECONFIG: kubeconfigFile, LOCAL_CONTEXT: 'leader', GSLB_CONFIG: kubeconfig, HTTP_PORT: '0', STATUS_DEBOUNCE: '500ms', LOG_LEVEL: 'warn', LOG_FORMAT: 'json' });
  const logger = createLogger({ name: 'bench', level: 'warn' });
  const adapters = await createWatcherAdapters(config, logger, systemClock);
  const watcher = createWatcher({ config, logger, adapters, http: false });
  await watcher.start();
  for (;;) {
    const health = await watcher.health();
    if ((health.resyncs ?? 0) >= 1 && health.validFollowers?.length === followers) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const connection = createRedisConnection(redis.url, { role: 'worker' });
  const seen = new Map<number, { count: number; done: () => void }>();
  const workers = names.slice(1).map((name) => new Worker(followerQueueName(name), async (job: Job<{ seq: number }>) => {
    for (const [seq, waiter] of seen) if (job.data.seq >= seq && (waiter.count -= 1) === 0) { seen.delete(seq); waiter.done(); }
  }, { connection, prefix, concurrency: 4 }));
  await new Promise((r) => setTimeout(r, 1000));
  let seq = 1; // the create was event 1
  const samples: number[] = [];
  for (let i = 0; i < updates; i += 1) {
    seq += 1;
    const start = performance.now();
    const applied = new Promise<void>((done) => seen.set(seq, { count: followers, done }));
    await leader.mergePatch(FEDERATED_KINDS.GSLBConfig, 'avi-system', 'gc-1', { spec: { refreshInterval: i + 2 } });
    const written = performance.now();
    await applied;
    samples.push(performance.now() - written);
    if (i === 0) process.stdout.write(`first update: API write ${(written - start).toFixed(1)} ms\n`);
  }
  samples.sort((x, y) => x - y);
  process.stdout.write(`latency, ${followers} followers, ${updates} sequential updates: leader write -> job taken on every follower p50 ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms, max ${samples.at(-1)?.toFixed(1)} ms\n`);
  await Promise.all(workers.map((w) => w.close()));
  await connection.quit();
  await watcher.stop();
  await adapters.close();
  child.kill('SIGTERM');
  await redis.dispose();
  await rm(dir, { recursive: true, force: true });
}

async function memory(followers: number, objects: number, steady: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'watcher-bench-'));
  const names = ['leader', ...Array.from({ length: followers }, (_, i) => `follower${i + 1}`)];
  const redis = await startTestRedis({ url: process.env['REDIS_URL'] });
  const { kubeconfig, child } = await launchEmulators(names, dir);
  const clients = await setUp(names, kubeconfig);
  const hostRule = (n: number, annotations: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBHostRule', metadata: { name: `ghr-${n}`, annotations },
    spec: { fqdn: `app-${n}.example.com`, ttl: 30, trafficSplit: [{ cluster: 'leader', weight: 10 }], publicIP: [{ cluster: 'leader', ip: '192.0.2.10' }] },
  } as KubeObject);
  // steady: every follower already holds the copies (what the replicators leave behind); cold: none.
  const targets = steady ? names : ['leader'];
  await Promise.all(targets.map(async (name) => {
    const client = clients[name] as ClusterClient;
    const annotations: Record<string, string> = name === 'leader' ? {} : { 'federation.amko-fed.io/source-cluster': 'leader' };
    for (let i = 0; i < objects; i += 25) await Promise.all(Array.from({ length: Math.min(25, objects - i) }, (_, j) => client.create(FEDERATED_KINDS.GSLBHostRule, 'avi-system', hostRule(i + j, annotations))));
  }));
  const prefix = isolatedPrefix('bench');
  const watcherProcess = spawn(process.execPath, ['apps/watcher/src/main.ts'], {
    env: { PATH: process.env['PATH'] ?? '', NODE_OPTIONS: process.env['WATCHER_NODE_OPTIONS'] ?? '', REDIS_URL: redis.url, KEY_PREFIX: prefix, LOCAL_KUBECONFIG: join(dir, 'kubeconfig'), LOCAL_CONTEXT: 'leader', GSLB_CONFIG: kubeconfig, FEDERATED_KINDS: 'gc,gdp,ghr', RESYNC_INTERVAL: '5s', HTTP_PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let resyncs = 0;
  let lastResync = '';
  let address = '';
  watcherProcess.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const served = /"address":"(http:[^"]+)"/.exec(line)?.[1];
      if (served !== undefined) address = served;
      if (line.includes('"Resynced all followers"')) {
        resyncs += 1;
        lastResync = line;
      }
    }
  });
  let peak = 0;
  const started = Date.now();
  while (resyncs < 4 && Date.now() - started < 180_000) {
    const status = await readFile(`/proc/${watcherProcess.pid}/status`, 'utf8').catch(() => '');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    peak = Math.max(peak, kb);
    if (process.env['BENCH_TRACE']) {
      const metrics = await fetch(`${address}/metrics`).then((r) => r.text()).catch(() => '');
      const pick = (name: string) => (Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(metrics)?.[1] ?? 0) / 1048576).toFixed(0);
      process.stdout.write(`t=${Date.now() - started} rss=${(kb / 1024).toFixed(0)}MB heapUsed=${pick('nodejs_heap_size_used_bytes')} heapTotal=${pick('nodejs_heap_size_total_bytes')} external=${pick('nodejs_external_memory_bytes')} resyncs=${resyncs}\n`);
    }
    await new Promise((r) => setTimeout(r, process.env['BENCH_TRACE'] ? 250 : 100));
  }
  const info = lastResync === '' ? {} : (JSON.parse(lastResync) as { jobs?: number; seconds?: number });
  process.stdout.write(`memory (${steady ? 'steady: followers hold the copies' : 'cold: followers empty'}), ${followers} followers x ${objects} objects: ${resyncs} full resyncs (last: ${info.jobs} jobs in ${info.seconds?.toFixed(2)} s), watcher peak RSS ${(peak / 1024).toFixed(0)} MB\n`);
  watcherProcess.kill('SIGTERM');
  await new Promise((r) => watcherProcess.on('close', r));
  child.kill('SIGTERM');
  await redis.dispose();
  await rm(dir, { recursive: true, force: true });
}

/**
 * Heap used plus ArrayBuffer backing stores (typed arrays live outside the heap) after a full GC
 * (V8's own `gc`, exposed here without a command-line flag).
 */
function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

async function resultsMemory(followers: number, objects: number): Promise<void> {
  const store = createInMemoryResultsStore({ maxStreamLength: 1 });
  const clusters = Array.from({ length: followers }, (_, i) => `follower${i + 1}`);
  const keys: ObjectKey[] = Array.from({ length: objects }, (_, i) => toObjectKey({ kind: 'GSLBHostRule', namespace: 'avi-system', name: `rule-${i}` }));
  for (const cluster of clusters) {
    for (const [i, objectKey] of keys.entries()) {
      const failed = i % 50 === 0;
      await store.recordResult({
        cluster,
        objectKey,
        outcome: failed ? 'failed' : 'created',
        seq: i + 1,
        attempts: 1,
        at: new Date(1_700_000_000_000 + i).toISOString(),
        ...(failed ? { errorCode: 'UNAVAILABLE', errorMessage: `replace GSLBHostRule avi-system/rule-${i} on ${cluster}: 503 Service Unavailable` } : {}),
      });
    }
  }
  const logger = createLogger({ name: 'bench', level: 'warn' });
  const before = heapAfterGc();
  const cache = createResultsCache({ store, logger, onChange: () => undefined });
  await cache.start();
  const after = heapAfterGc();
  const projection = keys.map((key, i) => [key, { seq: i + 1 }] as [ObjectKey, { seq: number }]);
  const passes: number[] = [];
  for (let round = 0; round < 20; round += 1) {
    const started = process.hrtime.bigint();
    federationSteps({ kinds: ['GSLBHostRule'], validFollowers: clusters, projection, result: (c, k) => cache.get(c, k), leaderProblems: new Map() });
    passes.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  passes.sort((x, y) => x - y);
  const results = followers * objects;
  const held = after - before;
  process.stdout.write(
    `results cache, ${followers} followers × ${objects} objects (${results} results): heap + ArrayBuffers ${(held / 1e6).toFixed(1)} MB (${Math.round(held / results)} bytes per result); ` +
      `status pass p50 ${percentile(passes, 50).toFixed(1)} ms, max ${(passes.at(-1) ?? Number.NaN).toFixed(1)} ms\n`,
  );
  await cache.stop();

  // What a first resync finds on followers that hold nothing yet: every object missing on each.
  const beforePending = heapAfterGc();
  const pending = createPendingReconciles();
  for (const cluster of clusters) pending.replace(cluster, new Map(keys.map((key, i): [ObjectKey, PendingReconcile] => [key, { why: 'missing', seq: i + 1, sinceMs: Date.now() }])));
  const heldPending = heapAfterGc() - beforePending;
  process.stdout.write(`pending reconciles, every object missing on every follower: heap + ArrayBuffers ${(heldPending / 1e6).toFixed(1)} MB (${Math.round(heldPending / results)} bytes per pair)\n`);
  if (pending.get(clusters[0] ?? '', keys[0] as ObjectKey) === undefined) throw new Error('the pending reconciles lost an entry');
}

if (mode === 'results-memory') await resultsMemory(Number(a ?? 50), Number(b ?? 1000));
else if (mode === 'latency') await latency(Number(a ?? 10), Number(b ?? 200));
else if (mode === 'memory') await memory(Number(a ?? 50), Number(b ?? 1000), process.argv[5] !== 'cold');
else process.stderr.write('usage: watcher-bench.ts latency|memory|results-memory [n] [m]\n');
process.exit(0);
