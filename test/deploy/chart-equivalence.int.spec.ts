/**
 * One source of truth: the chart's default render and `kubectl kustomize deploy/overlays/bundled-redis`
 * describe the same installation. Compared: the objects of the overlay (kind and name, generated
 * name suffixes ignored) all exist in the chart; the chart adds only NetworkPolicies, PodDisruption-
 * Budgets and its Redis ConfigMap; per workload the replicas, containers, image, args, the effective
 * configuration (each workload's loadConfig over both environments), liveness and readiness probes,
 * resources, pod and container securityContext, service account, mounts; every RBAC rule.
 * A change to deploy/base or the overlay that the chart does not follow (or the reverse) fails here.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@amko-fed/testing';
import { loadConfig as loadReplicatorConfig } from '../../apps/replicator/src/config.ts';
import { loadConfig as loadWatcherConfig } from '../../apps/watcher/src/config.ts';
import {
  assertToolsInstalled, environmentOf, KUBECTL_135, parseManifests, podSpec, renderChart, run,
  type Container, type Manifest, type PodSpec, type Probe,
} from './chart/chart-tools.ts';

assertToolsInstalled();

/** kustomize's content-hash suffix on generated Secrets and ConfigMaps. */
const unhash = (name: string): string => name.replace(/-[a-z0-9]{10}$/, '');
const key = (m: Manifest): string => `${m.kind}/${['Secret', 'ConfigMap'].includes(m.kind) ? unhash(m.metadata.name) : m.metadata.name}`;

function kustomize(dir: string): Manifest[] {
  const result = run(KUBECTL_135, ['kustomize', join(REPO_ROOT, 'deploy', dir)]);
  if (result.status !== 0) throw new Error(`kubectl kustomize failed: ${result.stderr}`);
  return parseManifests(result.stdout);
}

const probeOf = (p: Probe | undefined) => p && { httpGet: p.httpGet, tcpSocket: p.tcpSocket, exec: p.exec, periodSeconds: p.periodSeconds };
const SECRETS = { 'amko-federation-redis/url': 'redis://:pw@amko-federation-redis:6379', 'amko-federation-board/username': 'admin' };
const readSecretFile = () => 'board-secret\n';

/** What a workload runs with, in terms that do not depend on how it was written down. */
function workloadView(m: Manifest, withConfig: boolean) {
  const pod: PodSpec = podSpec(m);
  const c = pod.containers[0] as Container;
  const env = environmentOf(c, SECRETS);
  const config =
    !withConfig ? undefined
      : c.name === 'watcher' ? loadWatcherConfig(env, { hostname: 'h', pid: 1, stdoutIsTTY: false })
        : loadReplicatorConfig(env, readSecretFile);
  return {
    replicas: (m as Manifest & { spec: { replicas?: number } }).spec.replicas,
    containers: pod.containers.map((x) => x.name),
    image: c.image.replace(/^docker\.io\/(library\/)?/, ''),
    args: c.args,
    command: c.command,
    config,
    liveness: probeOf(c.livenessProbe),
    readiness: probeOf(c.readinessProbe),
    resources: c.resources,
    podSecurityContext: pod.securityContext,
    securityContext: c.securityContext,
    serviceAccountName: pod.serviceAccountName,
    automountServiceAccountToken: pod.automountServiceAccountToken,
    mounts: (c.volumeMounts ?? []).map((v) => `${v.mountPath}${v.readOnly ? ' (ro)' : ''}`).sort(),
  };
}

describe('the chart and deploy/overlays/bundled-redis', () => {
  const chart = renderChart();
  const overlay = kustomize('overlays/bundled-redis');
  const chartByKey = new Map(chart.map((m) => [key(m), m]));

  describe('when both are rendered with their defaults', () => {
    it('hold the same objects, the chart adding only NetworkPolicies, PodDisruptionBudgets and its Redis ConfigMap', () => {
      const overlayKeys = overlay.map(key).filter((k) => k !== 'ConfigMap/amko-federation-redis-config').sort();
      expect(overlayKeys.filter((k) => !chartByKey.has(k))).toEqual([]);
      const extra = chart.map(key).filter((k) => !overlayKeys.includes(k)).sort();
      expect(extra.filter((k) => !/^(NetworkPolicy|PodDisruptionBudget)\//.test(k) && k !== 'ConfigMap/amko-federation-redis')).toEqual([]);
    });

    it.each(['amko-federation-watcher', 'amko-federation-replicator'])('run %s with the same containers, configuration, probes, resources and security', (name) => {
      const fromOverlay = overlay.find((m) => m.kind === 'Deployment' && m.metadata.name === name) as Manifest;
      const fromChart = chartByKey.get(`Deployment/${name}`) as Manifest;
      expect(workloadView(fromChart, true)).toEqual(workloadView(fromOverlay, true));
    });

    it('run Redis with the same image, security, resources and volume', () => {
      const view = (m: Manifest) => {
        const { config: _c, args: _a, command: _cmd, mounts: _m, liveness, readiness, ...rest } = workloadView(m, false);
        const claims = (m as Manifest & { spec: { volumeClaimTemplates: unknown } }).spec.volumeClaimTemplates;
        return { ...rest, liveness, readiness, claims };
      };
      const fromOverlay = overlay.find((m) => m.kind === 'StatefulSet') as Manifest;
      expect(view(chartByKey.get('StatefulSet/amko-federation-redis') as Manifest)).toEqual(view(fromOverlay));
    });

    it('grant the same RBAC rules', () => {
      const rbac = (ms: readonly Manifest[]) =>
        Object.fromEntries(ms.filter((m) => /^(Cluster)?Role(Binding)?$/.test(m.kind)).map((m) => [key(m), { rules: m.rules, roleRef: m.roleRef, subjects: m.subjects }]));
      expect(rbac(chart)).toEqual(rbac(overlay));
    });

    it('keep a PodDisruptionBudget for every workload the overlay keeps one for', () => {
      const pdbs = (ms: readonly Manifest[]) => ms.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => ({ name: m.metadata.name, minAvailable: (m.spec as { minAvailable?: unknown }).minAvailable }));
      const chartPdbs = pdbs(chart);
      for (const pdb of pdbs(overlay)) expect(chartPdbs).toContainEqual(pdb);
    });
  });
});
