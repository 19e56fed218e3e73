/**
 * Replicator figures against ARCHITECTURE §7, with the replicator (and, for latency, the watcher)
 * as real processes and the emulated clusters in this process:
 *
 *   node apps/replicator/bench/replicator-bench.ts [latency|throughput|memory|all]
 *
 * - latency: leader write (PATCH on the leader) → result recorded on all 10 followers, 200 writes,
 *   one at a time; the full pipeline (watcher capture → projection → jobs → replicator).
 * - throughput: 1,000 objects × 10 followers written to the projection and enqueued at once;
 *   follower-applies per second until every job completed (no watcher: the replicator alone).
 * - memory: 50 followers × 1,000 objects; the replicator's peak RSS while it works them off.
 * Prints figures; asserts nothing (targets: p50 ≤ 15 ms, p99 ≤ 60 ms, ≥ 1,000 applies/s, ≤ 150 MB).
 * Knobs (environment): BENCH_FOLLOWERS, BENCH_OBJECTS (memory scenario), BENCH_NODE_OPTIONS (the
 * replicator's NODE_OPTIONS, e.g. "--max-semi-space-size=4 --max-old-space-size=128").
 */
import { readFile } from 'node:fs/promises';
import { FEDERATED_KINDS, hashFederatedContent, type ObjectKey } from '@amko-fed/domain';
import {
  createFederationLog,
  createFollowerQueues,
  createMemberRegistry,
  createRedisConnection,
  createResultsStore,
  type ReplicationJob,
} from '@amko-fed/queue';
import { amkoPath, startFederation, type Federation } from '@amko-fed/testing';

const scenario = process.argv[2] ?? 'all';

function gslbConfig(name: string, refreshInterval: number): Record<string, unknown> {
  return {
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'GSLBConfig',
    metadata: { name, namespace: 'avi-system' },
    spec: { gslbLeader: { credentials: 'c', controllerVersion: '22.1.3', controllerIP: '10.0.0.1' }, memberClusters: [{ clusterContext: 'leader' }], refreshInterval },
  };
}

/** CPU milliseconds (user + system) a process has used so far. */
async function cpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

async function rssMb(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

function clients(federation: Federation) {
  const redis = createRedisConnection(federation.redisUrl, { role: 'client' });
  const prefix = federation.prefix;
  return {
    redis,
    log: createFederationLog({ redis, prefix }),
    registry: createMemberRegistry({ redis, prefix }),
    queues: createFollowerQueues({ connection: redis, prefix }),
    results: createResultsStore({ redis, prefix }),
  };
}

async function latency(): Promise<void> {
  const federation = await startFederation({ followers: 10, logLevel: 'warn', watcher: { env: { STATUS_DEBOUNCE: '500ms' } } });
  const { redis, results, queues } = clients(federation);
  try {
    const key = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
    const leader = federation.kube('leader');
    await leader.create(amkoPath('v1alpha1', 'gslbconfigs', 'avi-system'), gslbConfig('gc-1', 1));
    const followers = federation.followers.map((f) => f.name);
    // Results arrive through the results stream (XREAD BLOCK): no polling loop competes for the CPU.
    const latest = new Map<string, string | undefined>();
    let wake: (() => void) | undefined;
    const follower = results.followResults('$', (entries) => {
      for (const entry of entries) if (entry.type === 'result' && entry.record.objectKey === key && entry.record.outcome !== 'failed') latest.set(entry.record.cluster, entry.record.contentHash);
      wake?.();
    }, { onError: () => undefined, blockMs: 1_000 });
    const waitFor = async (hash: string): Promise<void> => {
      while (!followers.every((f) => latest.get(f) === hash)) await new Promise<void>((resolve) => (wake = resolve));
    };
    await waitFor(hashFederatedContent(gslbConfig('gc-1', 1), FEDERATED_KINDS.GSLBConfig));
    const samples: number[] = [];
    const pids = { replicator: federation.app('replicator').pid, watcher: federation.app('watcher').pid, 'emulators+bench': process.pid };
    const cpuBefore = await Promise.all(Object.values(pids).map(cpuMs));
    for (let i = 2; i <= 201; i += 1) {
      const started = performance.now();
      const updated = await leader.mergePatch(amkoPath('v1alpha1', 'gslbconfigs', 'avi-system', 'gc-1'), { spec: { refreshInterval: i } });
      await waitFor(hashFederatedContent(updated, FEDERATED_KINDS.GSLBConfig));
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const cpuAfter = await Promise.all(Object.values(pids).map(cpuMs));
    console.log(`  CPU per write: ${Object.keys(pids).map((name, i) => `${name} ${(((cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0)) / samples.length).toFixed(1)} ms`).join(', ')}`);
    await follower.stop();
    const metrics = await (await fetch(`${federation.app('replicator').url}/metrics`)).text();
    const sum = metrics.split('\n').filter((l) => l.startsWith('amko_fed_replicator_event_to_applied_seconds_sum')).reduce((n, l) => n + Number(l.split(' ')[1]), 0);
    const count = metrics.split('\n').filter((l) => l.startsWith('amko_fed_replicator_event_to_applied_seconds_count')).reduce((n, l) => n + Number(l.split(' ')[1]), 0);
    console.log(`  replicator share (projection entry time → applied, mean over ${count} applies): ${((sum / count) * 1000).toFixed(1)} ms`);
    console.log(`latency (leader write → applied on 10 followers, ${samples.length} writes): p50 ${percentile(samples, 0.5).toFixed(1)} ms, p90 ${percentile(samples, 0.9).toFixed(1)} ms, p99 ${percentile(samples, 0.99).toFixed(1)} ms, max ${percentile(samples, 1).toFixed(1)} ms`);
  } finally {
    await queues.close();
    await redis.quit();
    await federation.stop();
  }
}

/** Fills the projection with `objects` GSLBConfigs and enqueues them to every follower at once; returns seconds until done. */
async function workOff(federation: Federation, objects: number, round: number, onSample?: () => Promise<void>): Promise<number> {
  const { redis, log, registry, queues } = clients(federation);
  try {
    const followers = federation.followers.map((f) => f.name);
    await registry.publishMembers({ leader: 'leader', members: followers.map((cluster) => ({ cluster, state: 'valid' as const })) });
    const keys: [ObjectKey, number][] = [];
    for (let i = 0; i < objects; i += 1) {
      const object = gslbConfig(`gc-${i}`, round * 100_000 + i + 1);
      const objectKey = `GSLBConfig/avi-system/gc-${i}` as ObjectKey;
      const seq = await log.appendEvent({ op: 'upsert', objectKey, kind: 'GSLBConfig', resourceVersion: `${round}-${i + 1}`, contentHash: hashFederatedContent(object, FEDERATED_KINDS.GSLBConfig), object, source: 'watch' });
      keys.push([objectKey, seq]);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // workers started
    const jobs: ReplicationJob[] = followers.flatMap((cluster) => keys.map(([objectKey, seq]) => ({ cluster, objectKey, seq })));
    const replicatorPid = federation.app('replicator').pid;
    const cpuBefore = [await cpuMs(replicatorPid), await cpuMs(process.pid)];
    const started = performance.now();
    for (let i = 0; i < jobs.length; i += 2_000) await queues.enqueueMany(jobs.slice(i, i + 2_000));
    for (;;) {
      await onSample?.();
      const counts = await Promise.all(followers.map((f) => queues.counts(f)));
      if (counts.every((c) => c.waiting + c.active + c.delayed + c.prioritized === 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const elapsedMs = performance.now() - started;
    const cpuAfter = [await cpuMs(replicatorPid), await cpuMs(process.pid)];
    console.log(`  CPU: replicator ${(((cpuAfter[0] ?? 0) - (cpuBefore[0] ?? 0)) / elapsedMs * 100).toFixed(0)}% of a core (${(((cpuAfter[0] ?? 0) - (cpuBefore[0] ?? 0)) / jobs.length).toFixed(2)} ms per apply), emulators+bench ${(((cpuAfter[1] ?? 0) - (cpuBefore[1] ?? 0)) / elapsedMs * 100).toFixed(0)}%`);
    const failed = (await Promise.all(followers.map((f) => queues.counts(f)))).reduce((n, c) => n + c.failed, 0);
    if (failed > 0) console.log(`  (${failed} jobs failed)`);
    return (performance.now() - started) / 1000;
  } finally {
    await queues.close();
    await redis.quit();
  }
}

async function throughput(): Promise<void> {
  const federation = await startFederation({ followers: 10, logLevel: 'warn', watcher: false });
  try {
    const objects = 1_000;
    const created = await workOff(federation, objects, 1);
    console.log(`throughput, creates (${objects} objects × 10 followers, replicator alone): ${((objects * 10) / created).toFixed(0)} follower-applies/s (${created.toFixed(1)} s)`);
    const updated = await workOff(federation, objects, 2);
    console.log(`throughput, updates (${objects} objects × 10 followers, replicator alone): ${((objects * 10) / updated).toFixed(0)} follower-applies/s (${updated.toFixed(1)} s)`);
  } finally {
    await federation.stop();
  }
}

async function memory(): Promise<void> {
  const followers = Number(process.env['BENCH_FOLLOWERS'] ?? 50);
  const objects = Number(process.env['BENCH_OBJECTS'] ?? 1_000);
  const federation = await startFederation({ followers, logLevel: 'warn', watcher: false, replicator: { env: process.env['BENCH_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['BENCH_NODE_OPTIONS'] } : {} } });
  try {
    const pid = federation.app('replicator').pid;
    let peak = await rssMb(pid);
    const idle = peak;
    const seconds = await workOff(federation, objects, 1, async () => {
      peak = Math.max(peak, await rssMb(pid));
    });
    const after = await rssMb(pid);
    const metrics = await (await fetch(`${federation.app('replicator').url}/metrics`)).text();
    const gauge = (name: string): number => Number(metrics.split('\n').find((l) => l.startsWith(`amko_fed_replicator_${name} `))?.split(' ')[1] ?? Number.NaN) / 1024 / 1024;
    console.log(`  heap used ${gauge('nodejs_heap_size_used_bytes').toFixed(0)} MB of ${gauge('nodejs_heap_size_total_bytes').toFixed(0)} MB, external ${gauge('nodejs_external_memory_bytes').toFixed(0)} MB`);
    console.log(`memory (${followers} followers × ${objects} objects = ${followers * objects} applies in ${seconds.toFixed(0)} s): replicator RSS idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, after ${after.toFixed(0)} MB`);
  } finally {
    await federation.stop();
  }
}

if (scenario === 'latency' || scenario === 'all') await latency();
if (scenario === 'throughput' || scenario === 'all') await throughput();
if (scenario === 'memory' || scenario === 'all') await memory();
