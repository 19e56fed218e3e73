/**
 * Round trips against one emulated cluster, sequential: the emulator's own benchmark
 * (libs/kube-emulator/bench/round-trips.ts, run as a child process: client-node as shipped, with
 * its dispatcher reused, and plain fetch over HTTP) and the project's ClusterClient (lean undici
 * path over HTTPS) measured here the same way. Context for the other figures; no target.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FEDERATED_KINDS, type KubeObject } from '@amko-fed/domain';
import { clusterClientForContext } from '@amko-fed/kube';
import { startEmulatedCluster } from '@amko-fed/kube-emulator';
import { REPO_ROOT } from '@amko-fed/testing';
import { gslbConfig } from '../support/federation-clients.ts';
import { percentile } from '../support/stats.ts';
import type { Scenario } from './scenario.ts';

const SECONDS = 2;
const GC = FEDERATED_KINDS.GSLBConfig;

async function measure(label: string, op: (i: number) => Promise<void>): Promise<string> {
  for (let i = 0; i < 200; i += 1) await op(i);
  const latencies: number[] = [];
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) {
    const t0 = performance.now();
    await op(latencies.length);
    latencies.push(performance.now() - t0);
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return `${label.padEnd(38)} ${String(Math.round(latencies.length / elapsed)).padStart(7)} round trips/s   p50 ${percentile(latencies, 0.5).toFixed(2)} ms   p99 ${percentile(latencies, 0.99).toFixed(2)} ms`;
}

export const roundTrips: Scenario = {
  name: 'round-trips',
  describe: `GET/PUT round trips per second against one emulated cluster, sequential (${SECONDS} s each)`,
  async run(context) {
    const { stdout } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'libs/kube-emulator/bench/round-trips.ts'), '--seconds', String(SECONDS)], { cwd: REPO_ROOT, timeout: 120_000 });
    context.progress('emulator round trips measured');
    const cluster = await startEmulatedCluster({ name: 'bench-lean' });
    try {
      const client = clusterClientForContext(cluster.kubeconfig(), cluster.name);
      let current = await client.create(GC, 'avi-system', gslbConfig('bench-lean', 1) as KubeObject);
      const lines = [
        await measure('ClusterClient (lean undici) HTTPS  GET', async () => {
          await client.get(GC, 'avi-system', 'bench-lean');
        }),
        await measure('ClusterClient (lean undici) HTTPS  PUT', async (i) => {
          current = await client.replace(GC, 'avi-system', 'bench-lean', { ...current, spec: { ...(current['spec'] as object), refreshInterval: (i % 1000) + 2 } });
        }),
      ];
      return { scenario: 'round-trips', figures: [], notes: [...stdout.trim().split('\n'), ...lines] };
    } finally {
      await cluster.close();
    }
  },
};
