/**
 * The chart's alerts in a real Prometheus (Debian package prometheus) scraping a running
 * federation (emulated leader and followers, the real watcher and replicator processes): while
 * every follower is up, no member alert fires; once a follower's API server is down, the watcher
 * marks it invalid and Prometheus fires AmkoFedMemberInvalid for that follower. The Redis-up to
 * component join of AmkoFedRedisUnreachable and the dashboard is checked against the real exports. The rules are the
 * chart's rendering with short `for:` durations; Prometheus scrapes every second and labels the
 * targets with namespace avi-system, as the Prometheus Operator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventuallyPasses, findOnPath, freePort, isolatedPrefix, REPO_ROOT, startFederation, type Federation } from '@amko-fed/testing';
import { assertToolsInstalled, find, renderChart } from './chart/chart-tools.ts';

assertToolsInstalled();
const prometheusBinary = await findOnPath('prometheus');
if (!prometheusBinary) throw new Error('prometheus is missing: apt-get install prometheus (npm test runs scripts/ensure-tools.sh first)');

interface Alert { labels: Record<string, string>; state: string }

let federation: Federation;
let prometheus: ChildProcess | undefined;
let prometheusUrl = '';
let dir = '';

async function alerts(): Promise<Alert[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/alerts`);
  return ((await response.json()) as { data: { alerts: Alert[] } }).data.alerts;
}

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return ((await response.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
}

beforeAll(async () => {
  federation = await startFederation({
    followers: ['follower1', 'follower2'],
    redisUrl: inject('redisUrl'),
    prefix: isolatedPrefix('chart-prometheus'),
    watcher: { env: { MEMBER_CHECK_INTERVAL: '1s', STATUS_DEBOUNCE: '100ms' } },
    replicator: { env: { RETRY_BASE: '100ms', RETRY_CAP: '1s' } },
  });
  dir = await mkdtemp(join(REPO_ROOT, 'tmp', 'prometheus-'));
  const rule = find(renderChart([], ['--set', 'monitoring.prometheusRule.enabled=true', '--set', 'monitoring.prometheusRule.memberInvalidFor=2s']), 'PrometheusRule', 'amko-federation') as unknown as { spec: unknown };
  await writeFile(join(dir, 'rules.yaml'), stringify(rule.spec));
  const target = (url: string): string => new URL(url).host;
  await writeFile(join(dir, 'prometheus.yaml'), stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [join(dir, 'rules.yaml')],
    scrape_configs: [
      { job_name: 'amko-federation-watcher', static_configs: [{ targets: [target(federation.app('watcher').url)], labels: { namespace: 'avi-system' } }] },
      { job_name: 'amko-federation-replicator', static_configs: [{ targets: [target(federation.app('replicator').url)], labels: { namespace: 'avi-system' } }] },
    ],
  }));
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(prometheusBinary as string, [
    `--config.file=${join(dir, 'prometheus.yaml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: 'ignore' });
}, 120_000);

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  await federation?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the chart alerts in a real Prometheus', () => {
  describe('when every follower is up', () => {
    it('scrapes both workloads and sees every member valid, with no member alert', async () => {
      await eventuallyPasses(async () => {
        const valid = await query('amko_fed_watcher_member_valid{namespace="avi-system"}');
        expect(valid.map((s) => `${s.metric['cluster']}=${s.value[1]}`).sort()).toEqual(['follower1=1', 'follower2=1']);
        expect((await query('up{namespace="avi-system"}')).map((s) => s.value[1])).toEqual(['1', '1']);
      }, 60_000, 250);
      expect((await alerts()).filter((a) => a.labels['alertname'] === 'AmkoFedMemberInvalid')).toEqual([]);
    });

    it('joins Redis up to the component as AmkoFedRedisUnreachable and the dashboard do, and sees every follower object in sync', async () => {
      await eventuallyPasses(async () => {
        const up = await query('amko_fed_redis_up{namespace="avi-system"} * on (job, instance) group_left (component) amko_fed_build_info{namespace="avi-system"}');
        expect(up.map((s) => `${s.metric['component']}=${s.value[1]}`).sort()).toEqual(['replicator=1', 'watcher=1']);
        const objects = await query('amko_fed_watcher_follower_objects{namespace="avi-system", state!="in_sync"}');
        expect(objects.map((s) => `${s.metric['cluster']}/${s.metric['state']}=${s.value[1]}`).sort()).toEqual(['follower1/failed=0', 'follower1/pending=0', 'follower2/failed=0', 'follower2/pending=0']);
      }, 60_000, 250);
      const names = (await alerts()).map((a) => a.labels['alertname']);
      for (const quiet of ['AmkoFedRedisUnreachable', 'AmkoFedFollowerNotInSync', 'AmkoFedFederationFailing', 'AmkoFedFollowerStalled', 'AmkoFedFollowerNotListed']) expect(names, quiet).not.toContain(quiet);
    });
  });

  describe('when a follower goes down', () => {
    it('fires AmkoFedMemberInvalid for that follower only', async () => {
      await (federation.followers[0] as Federation['followers'][number]).stop();
      const firing = await eventuallyPasses(async () => {
        const found = (await alerts()).filter((a) => a.labels['alertname'] === 'AmkoFedMemberInvalid' && a.state === 'firing');
        expect(found).toHaveLength(1);
        return found;
      }, 60_000, 250);
      expect(firing[0]?.labels).toMatchObject({ cluster: 'follower1', namespace: 'avi-system', severity: 'critical' });
    });
  });
});
