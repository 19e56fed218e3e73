/**
 * The chart's PrometheusRule with the real promtool (Debian package prometheus, scripts/ensure-tools.sh):
 * `promtool check rules` over the rendered rules (syntax, PromQL, annotation templates) and
 * `promtool test rules` over alerts.test.yaml (each alert fires when it must and stays quiet when
 * it must not). Every alert has a runbook line, and every metric it names is one the workloads export.
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath, REPO_ROOT } from '@amko-fed/testing';
import { assertToolsInstalled, find, renderChart, run } from './chart/chart-tools.ts';

assertToolsInstalled();
const promtool = await findOnPath('promtool');
if (!promtool) throw new Error('promtool is missing: apt-get install prometheus (npm test runs scripts/ensure-tools.sh first)');

interface Rule { alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> }
interface Groups { groups: { name: string; rules: Rule[] }[] }

// Scheduled backups on: their alert is rendered only then (the backup gauge reads 0 on a watcher without them).
const rendered = find(renderChart([], ['--set', 'monitoring.prometheusRule.enabled=true', '--set', 'watcher.backup.enabled=true']), 'PrometheusRule', 'amko-federation') as unknown as { spec: Groups };
const rules = rendered.spec.groups.flatMap((g) => g.rules);

const workdirs: string[] = [];
afterAll(() => {
  for (const dir of workdirs) rmSync(dir, { recursive: true, force: true });
});

function workdir(groups: unknown): string {
  const dir = mkdtempSync(join(REPO_ROOT, 'tmp', 'promtool-'));
  workdirs.push(dir);
  writeFileSync(join(dir, 'rules.yaml'), stringify(groups));
  copyFileSync(join(import.meta.dirname, 'chart', 'alerts.test.yaml'), join(dir, 'alerts.test.yaml'));
  return dir;
}

/**
 * Every metric name the workloads register (the `name: 'amko_fed_…'` of their metrics modules and of
 * the names both share, libs/service/src/workload-metrics.ts).
 */
function exportedMetrics(): Set<string> {
  const files = ['apps/watcher/src/http/metrics.ts', 'apps/replicator/src/metrics/metrics.ts', 'libs/service/src/workload-metrics.ts'].map((f) => join(REPO_ROOT, f));
  return new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/name: '(amko_fed_[a-z_]+)'/g)].map((m) => m[1] as string)));
}

describe('the chart PrometheusRule', () => {
  describe('when rendered', () => {
    it('holds the alerts the on-call engineer needs', () => {
      expect(rules.map((r) => r.alert).sort()).toEqual([
        'AmkoFedBackupFailing', 'AmkoFedBackupStale', 'AmkoFedDualLeader', 'AmkoFedFederationFailing', 'AmkoFedFollowerNotInSync', 'AmkoFedFollowerNotListed', 'AmkoFedFollowerStalled', 'AmkoFedMemberInvalid',
        'AmkoFedNoLeaseHolder', 'AmkoFedRedisDataLost', 'AmkoFedRedisUnreachable', 'AmkoFedRetriesExhausted', 'AmkoFedRoleInvalid',
        'AmkoFedWatcherDown',
      ]);
    });

    it('leaves out the backup alert while scheduled backups are off', () => {
      const withoutBackups = find(renderChart([], ['--set', 'monitoring.prometheusRule.enabled=true']), 'PrometheusRule', 'amko-federation') as unknown as { spec: Groups };
      const names = withoutBackups.spec.groups.flatMap((g) => g.rules).map((r) => r.alert);
      expect(names.filter((n) => n.startsWith('AmkoFedBackup'))).toEqual([]);
      expect(names).toHaveLength(rules.length - 2);
    });

    it('gives every alert a severity, a runbook line and a runbook URL', () => {
      for (const rule of rules) {
        expect(rule.labels.severity, rule.alert).toMatch(/^(warning|critical)$/);
        expect(rule.annotations.runbook?.length ?? 0, rule.alert).toBeGreaterThan(40);
        expect(rule.annotations.runbook_url, rule.alert).toMatch(new RegExp(`^https://.*#${rule.alert.toLowerCase()}$`));
      }
    });

    it('names only metrics the watcher and the replicator export', () => {
      const exported = exportedMetrics();
      const used = new Set(rules.flatMap((r) => [...r.expr.matchAll(/\b(amko_fed_[a-z_]+)/g)].map((m) => m[1] as string)));
      expect(used.size).toBeGreaterThanOrEqual(4);
      expect([...used].filter((name) => !exported.has(name))).toEqual([]);
      for (const wanted of ['amko_fed_redis_up', 'amko_fed_build_info', 'amko_fed_watcher_follower_objects', 'amko_fed_replicator_last_successful_apply_timestamp_seconds']) {
        expect(used, wanted).toContain(wanted);
      }
    });
  });

  describe('when the Grafana dashboard is rendered', () => {
    it('is a ConfigMap the sidecar picks up, whose panels query only exported metrics', () => {
      const configMap = find(renderChart([], ['--set', 'monitoring.grafanaDashboard.enabled=true']), 'ConfigMap', 'amko-federation-dashboard') as unknown as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
      expect(configMap.metadata.labels['grafana_dashboard']).toBe('1');
      const dashboard = JSON.parse(configMap.data['amko-federation.json'] ?? '') as { title: string; panels: { title: string; targets: { expr: string }[] }[] };
      expect(dashboard.title).toBe('amko-federation');
      const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
      const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(amko_fed_[a-z_]+?)(?:_bucket)?\b(?=[{[(\s])/g)].map((m) => m[1] as string)));
      expect([...used].filter((name) => !exportedMetrics().has(name))).toEqual([]);
      for (const wanted of [
        'amko_fed_replicator_event_to_applied_seconds', 'amko_fed_replicator_applies_total', 'amko_fed_replicator_queue_depth', 'amko_fed_replicator_retries_total', 'amko_fed_watcher_member_valid',
        'amko_fed_replicator_last_successful_apply_timestamp_seconds', 'amko_fed_watcher_follower_objects', 'amko_fed_redis_up', 'amko_fed_build_info',
      ]) {
        expect(used, wanted).toContain(wanted);
      }
    });
  });

  describe('when checked with promtool', () => {
    it('passes promtool check rules', () => {
      const dir = workdir(rendered.spec);
      const result = run(promtool ?? 'promtool', ['check', 'rules', join(dir, 'rules.yaml')]);
      expect(result.stdout + result.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(result.status).toBe(0);
    });

    it('passes promtool test rules, with a firing and a quiet case for every alert', () => {
      const tests = parse(readFileSync(join(import.meta.dirname, 'chart', 'alerts.test.yaml'), 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
      const cases = tests.tests.flatMap((t) => t.alert_rule_test);
      const fires = new Set(cases.filter((c) => c.exp_alerts.length > 0).map((c) => c.alertname));
      const quiet = new Set(cases.filter((c) => c.exp_alerts.length === 0).map((c) => c.alertname));
      expect(rules.map((r) => r.alert).filter((a) => !fires.has(a))).toEqual([]);
      expect(rules.map((r) => r.alert).filter((a) => !quiet.has(a))).toEqual([]);
      // The unit tests check when each alert fires and its labels; the annotations are checked above.
      const withoutAnnotations = { groups: rendered.spec.groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...rule }) => rule) })) };
      const dir = workdir(withoutAnnotations);
      const result = run(promtool ?? 'promtool', ['test', 'rules', join(dir, 'alerts.test.yaml')]);
      expect(result.stdout + result.stderr).not.toContain('FAILED');
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(readdirSync(dir)).toContain('rules.yaml');
    });
  });
});
