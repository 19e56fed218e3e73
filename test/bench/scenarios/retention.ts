/**
 * Redis memory under a long stream of changes: 100,000 changes to 1,000 GSLBHostRules (updates,
 * and every 10th change of an object a delete, re-created by its next change), written through the
 * real federation log (history on: HISTORY_MAX_VERSIONS 10) into a private Redis, each change
 * "applied" by 2 followers (a result per follower, as replicators record them), and the watcher's
 * pruning pass (tombstones every follower applied, their results, history past its age) every
 * 1,000 changes. Redis used_memory is sampled every 10,000 changes: it must stay flat once the
 * history and the capped streams are full. The streams are capped at 10,000 entries here so that
 * they fill within the run; with the production caps (100,000) the same plateau comes after
 * 100,000 changes, at the level the "per 1,000 changes" figure predicts.
 */
import { isTombstoneApplied, type AppendEventInput, type ObjectKey } from '@amko-fed/domain';
import { createFederationLog, createRedisConnection, createResultsStore } from '@amko-fed/queue';
import { isolatedPrefix, startTestRedis } from '@amko-fed/testing';
import type { Scenario } from './scenario.ts';

const OBJECTS = 1_000;
const CHANGES = 100_000;
const FOLLOWERS = ['cluster2', 'cluster3'] as const;
const STREAM_CAP = 10_000;
const SAMPLE_EVERY = 10_000;
const PRUNE_EVERY = 1_000;
const PARALLEL = 50;
/** Growth allowed between the sample at 30,000 changes and the last one. */
const FLAT_BOUND_MB = 2;

const keyOf = (i: number) => `GSLBHostRule/avi-system/rule-${i}` as ObjectKey;

function change(i: number, n: number): AppendEventInput {
  const key = keyOf(i);
  if (n % 10 === 9) return { op: 'delete', objectKey: key, kind: 'GSLBHostRule', resourceVersion: `${i}-${n}`, source: 'watch', leader: 'cluster1' };
  return {
    op: 'upsert', objectKey: key, kind: 'GSLBHostRule', resourceVersion: `${i}-${n}`, contentHash: `h-${i}-${n}`, source: 'watch',
    managers: ['kubectl-edit'], leader: 'cluster1',
    object: {
      apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBHostRule',
      metadata: { name: `rule-${i}`, namespace: 'avi-system', resourceVersion: `${i}-${n}`, generation: n + 1 },
      spec: {
        fqdn: `app-${i}.example.com`, ttl: 30 + (n % 7), sitePersistenceEnabled: true,
        trafficSplit: [{ cluster: 'cluster1', weight: 5 + (n % 3) }, { cluster: 'cluster2', weight: 5 }],
        healthMonitorRefs: ['System-GSLB-HTTP'], poolAlgorithmSettings: { lbAlgorithm: 'GSLB_ALGORITHM_ROUND_ROBIN' },
      },
    },
  };
}

export const retention: Scenario = {
  name: 'retention',
  describe: `${CHANGES.toLocaleString('en')} changes to ${OBJECTS.toLocaleString('en')} objects through the federation log with history, ${FOLLOWERS.length} followers' results and pruning: Redis used memory stays flat`,
  async run(context) {
    const redisServer = await startTestRedis();
    const redis = createRedisConnection(redisServer.url, { role: 'client', connectionName: 'bench-retention' });
    try {
      const prefix = isolatedPrefix();
      let nowMs = Date.parse('2026-12-06T00:00:00.000Z');
      const log = createFederationLog({ redis, prefix, maxEvents: STREAM_CAP, clock: () => new Date(nowMs), history: { maxVersions: 10, maxAgeMs: 3_600_000 } });
      const results = createResultsStore({ redis, prefix, maxStreamLength: STREAM_CAP });
      const latest = new Map<string, { seq: number; failed: boolean }>();
      const tombstones = new Map<ObjectKey, number>();
      const usedMemory = async (): Promise<number> => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? Number.NaN);
      const base = await usedMemory();
      const samples: { changes: number; bytes: number }[] = [];
      let pruned = 0;
      const started = performance.now();
      for (let done = 0; done < CHANGES; done += PARALLEL) {
        await Promise.all(Array.from({ length: PARALLEL }, async (_, j) => {
          const n = done + j;
          const i = n % OBJECTS;
          const input = change(i, Math.floor(n / OBJECTS));
          const seq = await log.appendEvent(input);
          if (input.op === 'delete') tombstones.set(keyOf(i), seq);
          else tombstones.delete(keyOf(i));
          const outcome = input.op === 'delete' ? 'deleted' : 'updated';
          await Promise.all(FOLLOWERS.map(async (cluster) => {
            await results.recordResult({ cluster, objectKey: input.objectKey, outcome, seq, attempts: 1, at: new Date(nowMs).toISOString() });
            latest.set(`${cluster} ${input.objectKey}`, { seq, failed: false });
          }));
        }));
        nowMs += 1_000;
        const total = done + PARALLEL;
        if (total % PRUNE_EVERY === 0) {
          for (const [key, seq] of [...tombstones]) {
            if (!isTombstoneApplied(seq, FOLLOWERS, (cluster) => latest.get(`${cluster} ${key}`))) continue;
            if (await log.pruneTombstone(key, seq)) {
              await results.forgetResults(key, seq);
              tombstones.delete(key);
              for (const cluster of FOLLOWERS) latest.delete(`${cluster} ${key}`);
              pruned += 1;
            }
          }
          await log.pruneHistory();
        }
        if (total % SAMPLE_EVERY === 0) {
          samples.push({ changes: total, bytes: (await usedMemory()) - base });
          context.progress(`${total.toLocaleString('en')} changes, Redis +${((samples.at(-1)?.bytes ?? 0) / 1e6).toFixed(1)} MB`);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      const at = (changes: number) => samples.find((s) => s.changes === changes)?.bytes ?? Number.NaN;
      const first = at(SAMPLE_EVERY);
      const steady = at(30_000);
      const last = samples.at(-1)?.bytes ?? Number.NaN;
      const projection = await redis.hlen(log.keys.projection);
      const historyObjects = await redis.zcard(log.keys.historyIndex);
      return {
        scenario: 'retention',
        figures: [
          {
            what: `Redis used memory growth, ${(30_000).toLocaleString('en')} → ${CHANGES.toLocaleString('en')} changes to ${OBJECTS} objects`,
            measured: (last - steady) / 1e6, unit: 'MB', bound: FLAT_BOUND_MB, direction: 'at most' as const,
            how: 'INFO used_memory after every 10,000 changes, minus the empty data set',
          },
        ],
        notes: [
          `Redis bytes per 1,000 changes while the history and streams fill (first ${SAMPLE_EVERY.toLocaleString('en')} changes): ${Math.round(first / (SAMPLE_EVERY / 1_000)).toLocaleString('en')} B`,
          `Redis bytes per 1,000 changes after that (30,000 → ${CHANGES.toLocaleString('en')}): ${Math.round((last - steady) / ((CHANGES - 30_000) / 1_000)).toLocaleString('en')} B`,
          `used memory above the empty data set: ${samples.map((s) => `${s.changes / 1_000}k ${(s.bytes / 1e6).toFixed(1)} MB`).join(', ')}`,
          `at the end: ${projection} projection entries (${OBJECTS} objects, tombstones pruned: ${pruned}), ${historyObjects} objects with history, streams capped at ${STREAM_CAP.toLocaleString('en')}`,
          `${Math.round(CHANGES / seconds).toLocaleString('en')} changes/s (append + ${FOLLOWERS.length} results each)`,
        ],
      };
    } finally {
      await redis.quit().catch(() => redis.disconnect());
      await redisServer.stop();
    }
  },
};
