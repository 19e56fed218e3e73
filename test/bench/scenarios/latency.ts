/**
 * Latency: a leader write (PATCH on the leader's API) until the result is recorded for all 10
 * followers, one write at a time. The whole pipeline as real processes through the harness: the
 * watcher's informer → events + projection → jobs → the replicator's requests on each follower →
 * results stream (read here with XREAD BLOCK, so no polling competes for the CPU).
 */
import { FEDERATED_KINDS, hashFederatedContent, type ObjectKey } from '@amko-fed/domain';
import { amkoPath, startFederation } from '@amko-fed/testing';
import { type ScenarioResult } from '../support/figures.ts';
import { federationClients, gslbConfig, GSLB_CONFIGS, AVI_SYSTEM, watchResults } from '../support/federation-clients.ts';
import { metricSumBy } from '../support/prometheus-text.ts';
import { cpuMs, percentile, redisPidOf } from '../support/stats.ts';
import type { Scenario } from './scenario.ts';

const FOLLOWERS = 10;
const WARM_UP = 20;
const WRITES = 500;
/** Writes measured afterwards with a second replicator sharing the queues (the chart runs 2). */
const WRITES_TWO_REPLICAS = 200;
/** A write not applied everywhere by then fails the scenario instead of waiting for ever. */
const APPLIED_WITHIN_MS = 60_000;

/** The replicators' follower requests by verb, from their `amko_fed_kube_requests_total` (all clusters, all codes). */
async function followerRequests(metricsUrls: readonly string[]): Promise<Map<string, number>> {
  const byVerb = new Map<string, number>();
  for (const url of metricsUrls) {
    for (const [verb, n] of await requestsOf(url)) byVerb.set(verb, (byVerb.get(verb) ?? 0) + n);
  }
  return byVerb;
}

/** Per apply, by verb: `get 1.00, replace 1.00`. */
function perApply(before: Map<string, number>, after: Map<string, number>, applies: number): string {
  return [...after.keys()].sort().map((verb) => `${verb} ${(((after.get(verb) ?? 0) - (before.get(verb) ?? 0)) / applies).toFixed(2)}`).join(', ');
}

async function requestsOf(metricsUrl: string): Promise<Map<string, number>> {
  const response = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`latency: GET ${metricsUrl}/metrics answered ${response.status}`);
  return metricSumBy(await response.text(), 'amko_fed_kube_requests_total', 'verb');
}

export const latency: Scenario = {
  name: 'latency',
  describe: `${WRITES} leader writes one at a time, each until applied on all ${FOLLOWERS} followers (watcher + replicator processes)`,
  async run(context) {
    const federation = await context.track(startFederation({ followers: FOLLOWERS, logLevel: 'warn', ...context.apps, watcher: { env: { ...context.apps.watcher.env, STATUS_DEBOUNCE: '500ms' } } }));
    const clients = federationClients(federation);
    try {
      const key = `GSLBConfig/${AVI_SYSTEM}/gc-1` as ObjectKey;
      const leader = federation.kube(federation.leader.name);
      const followers = federation.followers.map((f) => f.name);
      const latest = new Map<string, string | undefined>();
      const results = watchResults(clients, (entry) => {
        if (entry.type === 'result' && entry.record.objectKey === key && entry.record.outcome !== 'failed') latest.set(entry.record.cluster, entry.record.contentHash);
      });
      const appliedEverywhere = (hash: string): Promise<void> =>
        results.until(() => followers.every((f) => latest.get(f) === hash), APPLIED_WITHIN_MS, () => {
          const missing = followers.filter((f) => latest.get(f) !== hash).map((f) => `${f} (has ${latest.get(f)?.slice(0, 12) ?? 'no result'})`);
          return `latency: ${key} content ${hash.slice(0, 12)} not applied on ${missing.join(', ')}`;
        });
      const write = async (i: number): Promise<number> => {
        const started = performance.now();
        const updated = await leader.mergePatch(amkoPath('v1alpha1', 'gslbconfigs', AVI_SYSTEM, 'gc-1'), { spec: { refreshInterval: i } });
        await appliedEverywhere(hashFederatedContent(updated, FEDERATED_KINDS.GSLBConfig));
        return performance.now() - started;
      };

      await leader.create(GSLB_CONFIGS, gslbConfig('gc-1', 1));
      await appliedEverywhere(hashFederatedContent(gslbConfig('gc-1', 1), FEDERATED_KINDS.GSLBConfig));
      for (let i = 2; i < 2 + WARM_UP; i += 1) await write(i);
      const pids = { replicator: federation.app('replicator').pid, watcher: federation.app('watcher').pid, 'redis-server': await redisPidOf(federation.redisUrl), 'emulators+bench': process.pid };
      const metricsUrls = [federation.app('replicator').url];
      const requestsBefore = await followerRequests(metricsUrls);
      const cpuBefore = await Promise.all(Object.values(pids).map(cpuMs));
      const samples: number[] = [];
      for (let i = 0; i < WRITES; i += 1) samples.push(await write(1_000 + i));
      const cpuAfter = await Promise.all(Object.values(pids).map(cpuMs));
      const requestsAfter = await followerRequests(metricsUrls);
      samples.sort((a, b) => a - b);

      // A second replicator: each job goes to whichever replica asks first (ADR 0009), so the
      // copy a replica remembers from its last write is stale about half the time (ADR 0020).
      const second = await federation.addReplica('replicator', { id: 'r2', env: context.apps.replicator.env });
      metricsUrls.push(second.url);
      for (let i = 0; i < WARM_UP; i += 1) await write(5_000 + i);
      const twoBefore = await followerRequests(metricsUrls);
      const twoSamples: number[] = [];
      for (let i = 0; i < WRITES_TWO_REPLICAS; i += 1) twoSamples.push(await write(6_000 + i));
      const twoAfter = await followerRequests(metricsUrls);
      twoSamples.sort((a, b) => a - b);
      await results.stop();
      const how = `${WRITES} writes after ${WARM_UP} warm-up writes, watcher + replicator as processes (harness), 10 followers`;
      const cpu = Object.keys(pids).map((name, i) => `${name} ${(((cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0)) / WRITES).toFixed(1)} ms`).join(', ');
      return {
        scenario: 'latency',
        figures: [
          { what: 'latency p50, leader write → applied on 10 followers', measured: percentile(samples, 0.5), unit: 'ms', bound: 15, direction: 'at most', how },
          { what: 'latency p99, leader write → applied on 10 followers', measured: percentile(samples, 0.99), unit: 'ms', bound: 60, direction: 'at most', how },
        ],
        notes: [
          `latency: p50 ${percentile(samples, 0.5).toFixed(1)} ms, p90 ${percentile(samples, 0.9).toFixed(1)} ms, p99 ${percentile(samples, 0.99).toFixed(1)} ms, max ${(samples.at(-1) ?? Number.NaN).toFixed(1)} ms`,
          `CPU per write (10 follower applies): ${cpu}`,
          `replicator's follower requests per apply: ${perApply(requestsBefore, requestsAfter, WRITES * FOLLOWERS)}`,
          `with a second replicator sharing the queues, ${WRITES_TWO_REPLICAS} writes: p50 ${percentile(twoSamples, 0.5).toFixed(1)} ms, p99 ${percentile(twoSamples, 0.99).toFixed(1)} ms; ` +
            `follower requests per apply ${perApply(twoBefore, twoAfter, WRITES_TWO_REPLICAS * FOLLOWERS)}`,
        ],
      } satisfies ScenarioResult;
    } finally {
      await clients.close();
      await federation.stop();
    }
  },
};
