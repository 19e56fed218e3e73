/**
 * Benchmark (not a test): GET and PUT round trips per second against one emulated cluster,
 * sequential, (1) through @kubernetes/client-node over HTTPS, as the project's services talk to
 * it (as shipped, then with its dispatcher reused), and (2) through plain fetch with keep-alive
 * over HTTP, the emulator's own ceiling.
 *
 *   npm run bench:emulator [-- --seconds 5]
 */
import { parseArgs } from 'node:util';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { startEmulatedCluster, type EmulatedCluster } from '../src/index.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--seconds must be a positive number');

const coords = { group: 'amko.vmware.com', version: 'v1alpha1', namespace: 'avi-system', plural: 'gslbconfigs' } as const;
const body = (rv?: string, refreshInterval = 1): Record<string, unknown> => ({
  apiVersion: 'amko.vmware.com/v1alpha1',
  kind: 'GSLBConfig',
  metadata: { name: 'bench', ...(rv ? { resourceVersion: rv } : {}) },
  spec: { gslbLeader: { controllerIP: '10.0.0.1', credentials: 'c' }, memberClusters: [{ clusterContext: 'c1' }], refreshInterval },
});

async function measure(label: string, op: (i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < 200; i++) await op(i); // warm-up
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  let count = 0;
  const latencies: number[] = [];
  while (performance.now() < until) {
    const t0 = performance.now();
    await op(count);
    latencies.push(performance.now() - t0);
    count++;
  }
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): string => (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0).toFixed(2);
  console.log(`${label.padEnd(38)} ${String(Math.round(count / elapsed)).padStart(7)} round trips/s   p50 ${pct(0.5)} ms   p99 ${pct(0.99)} ms   (${count} in ${elapsed.toFixed(1)} s)`);
}

/**
 * client-node 2.0.1 builds a new undici Agent for every request when the cluster has TLS options,
 * so each request opens a new TLS connection. Caching the (private) `createDispatcher` result
 * per cluster restores keep-alive; the second pair of figures shows the difference.
 */
function reuseDispatcher(kc: KubeConfig): void {
  const target = kc as unknown as { createDispatcher: (cluster: unknown, options: unknown) => unknown };
  const original = target.createDispatcher.bind(kc);
  const cache = new Map<string, unknown>();
  target.createDispatcher = (cluster, options) => {
    const key = JSON.stringify([(cluster as { name?: string } | null)?.name, (cluster as { server?: string } | null)?.server]);
    if (!cache.has(key)) cache.set(key, original(cluster, options));
    return cache.get(key);
  };
}

async function viaClientNode(cluster: EmulatedCluster, label: string, keepAlive: boolean): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig());
  kc.setCurrentContext(cluster.name);
  if (keepAlive) reuseDispatcher(kc);
  const co = kc.makeApiClient(CustomObjectsApi);
  const name = keepAlive ? 'bench-keepalive' : 'bench';
  let current = (await co.createNamespacedCustomObject({ ...coords, body: { ...body(), metadata: { name } } })) as { metadata: { resourceVersion: string } };
  await measure(`${label}  GET`, async () => {
    await co.getNamespacedCustomObject({ ...coords, name });
  });
  await measure(`${label}  PUT`, async (i) => {
    const next = { ...body(current.metadata.resourceVersion, (i % 1000) + 2), metadata: { name, resourceVersion: current.metadata.resourceVersion } };
    current = (await co.replaceNamespacedCustomObject({ ...coords, name, body: next })) as typeof current;
  });
}

async function viaFetch(cluster: EmulatedCluster): Promise<void> {
  const url = `${cluster.url}/apis/${coords.group}/${coords.version}/namespaces/${coords.namespace}/${coords.plural}`;
  const headers = { Authorization: `Bearer ${cluster.token}`, 'Content-Type': 'application/json', Accept: 'application/json' };
  const created = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body()) });
  let rv = ((await created.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  await measure('fetch keep-alive HTTP  GET', async () => {
    const res = await fetch(`${url}/bench`, { headers });
    await res.arrayBuffer();
  });
  await measure('fetch keep-alive HTTP  PUT', async (i) => {
    const res = await fetch(`${url}/bench`, { method: 'PUT', headers, body: JSON.stringify(body(rv, (i % 1000) + 2)) });
    rv = ((await res.json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  });
}

const https = await startEmulatedCluster({ name: 'bench-https' });
const http = await startEmulatedCluster({ name: 'bench-http', http: true });
try {
  console.log(`kube-emulator round trips, sequential, ${seconds} s each (Node ${process.version})`);
  await viaClientNode(https, 'client-node HTTPS', false);
  await viaClientNode(https, 'client-node HTTPS, reused agent', true);
  await viaFetch(http);
} finally {
  await Promise.all([https.close(), http.close()]);
}
