/**
 * The metrics both workloads export under the same names, so one dashboard or alert covers both
 * (Prometheus tells them apart by job/pod): build info, Redis up, Kubernetes API requests by verb
 * and code, and prom-client's default process/runtime metrics without a prefix (`process_*`,
 * `nodejs_*`).
 */
import { readFileSync } from 'node:fs';
import { Counter, Gauge, collectDefaultMetrics, type Registry } from 'prom-client';

/** The `version` of a package.json, e.g. `packageVersion(new URL('../package.json', import.meta.url))`. */
export function packageVersion(packageJson: URL): string {
  try {
    return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface BuildInfo {
  /** `watcher` or `replicator`. */
  readonly component: string;
  readonly version: string;
}

/** `amko_fed_build_info{component, version, node_version} 1`. */
export function registerBuildInfo(registry: Registry, info: BuildInfo): void {
  const gauge = new Gauge({
    name: 'amko_fed_build_info',
    help: 'Always 1; the labels say which amko-federation component and version, on which Node.js version, this process runs.',
    labelNames: ['component', 'version', 'node_version'] as const,
    registers: [registry],
  });
  gauge.set({ component: info.component, version: info.version, node_version: process.versions.node }, 1);
}

/** prom-client's default process and Node.js runtime metrics, the same names in every workload (no prefix). */
export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
}

/** `amko_fed_redis_up`: 1 when this process's Redis connection answers, read on every scrape. */
export function registerRedisUp(registry: Registry, up: () => Promise<boolean>): void {
  new Gauge({
    name: 'amko_fed_redis_up',
    help: '1 when this process can use its Redis (the readiness check), 0 otherwise; read on scrape.',
    registers: [registry],
    async collect() {
      this.set((await up().catch(() => false)) ? 1 : 0);
    },
  });
}

export type KubeRequestsCounter = Counter<'cluster' | 'verb' | 'code'>;

/**
 * `amko_fed_kube_requests_total{cluster, verb, code}`, made before the registry that exports it (the
 * Kubernetes clients are built first): `registry.registerMetric(counter)` later.
 */
export function createKubeRequestsCounter(): KubeRequestsCounter {
  return new Counter({
    name: 'amko_fed_kube_requests_total',
    help: 'Kubernetes API requests on the AMKO kinds and AMKOCluster status (get, list, create, replace, patch, delete, patch-status), by cluster, verb and HTTP code ("error" when no answer came: connection refused, timeout).',
    labelNames: ['cluster', 'verb', 'code'] as const,
    registers: [],
  });
}
