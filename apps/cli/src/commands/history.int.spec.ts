/**
 * `amko-fed history` against a real Redis: the federation log is written as the watcher writes it
 * (two edits and a delete of global-gdp), then the command lists, diffs and prints JSON.
 */
import { createFederationLog, createRedisConnection, type FederationLog } from '@amko-fed/queue';
import { isolatedPrefix } from '@amko-fed/testing';
import type { AppendEventInput, HistoryEntry, ObjectKey } from '@amko-fed/domain';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../program.ts';

const GDP = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const redisUrl = inject('redisUrl');
const prefix = isolatedPrefix('cli-history');
const redis = createRedisConnection(redisUrl, { role: 'client' });
let now = Date.parse('2026-12-06T01:00:00.000Z');
let log: FederationLog;

const gdp = (rv: string, weight: number, managers: string[]): AppendEventInput => ({
  op: 'upsert', objectKey: GDP, kind: 'GlobalDeploymentPolicy', resourceVersion: rv, contentHash: `h${rv}`, source: 'watch', managers, leader: 'cluster1',
  object: { apiVersion: 'amko.vmware.com/v1alpha2', kind: 'GlobalDeploymentPolicy', metadata: { name: 'global-gdp', namespace: 'avi-system' }, spec: { matchClusters: [{ cluster: 'cluster1' }, { cluster: 'cluster2' }], ttl: 10, trafficSplit: [{ cluster: 'cluster1', weight }] } },
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--redis-url', redisUrl, '--key-prefix', prefix], {}, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  log = createFederationLog({ redis, prefix, clock: () => new Date(now) });
  await log.appendEvent(gdp('100', 5, ['helm']));
  now += 60_000;
  await log.appendEvent(gdp('101', 7, ['kubectl-edit']));
  now += 60_000;
  await log.appendEvent(gdp('102', 9, ['kubectl-client-side-apply']));
  now += 60_000;
  await log.appendEvent({ op: 'delete', objectKey: GDP, kind: 'GlobalDeploymentPolicy', resourceVersion: '103', source: 'watch', leader: 'cluster1' });
});
afterAll(async () => {
  await redis.quit();
});

describe('amko-fed history', () => {
  describe('when global-gdp was created, edited twice and deleted', () => {
    it('lists the versions newest first with time, change, resourceVersion and manager', async () => {
      const { code, out } = await run('history', 'gdp/global-gdp');
      expect(code).toBe(0);
      expect(out.split('\n').map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
        ['TIME', 'CHANGE', 'RESOURCEVERSION', 'MANAGER'],
        ['2026-12-06T01:03:00.000Z', 'deleted', '103', '-'],
        ['2026-12-06T01:02:00.000Z', 'updated', '102', 'kubectl-client-side-apply'],
        ['2026-12-06T01:01:00.000Z', 'updated', '101', 'kubectl-edit'],
        ['2026-12-06T01:00:00.000Z', 'created', '100', 'helm'],
      ]);
    });

    it('accepts every kubectl spelling of the kind', async () => {
      for (const kind of ['gdp', 'globaldeploymentpolicy', 'GlobalDeploymentPolicy', 'globaldeploymentpolicies']) {
        expect((await run('history', `${kind}/global-gdp`, '-n', 'avi-system')).code).toBe(0);
      }
    });

    it('shows unified YAML diffs of spec between consecutive versions', async () => {
      const { code, out } = await run('history', 'gdp/global-gdp', '--diff');
      expect(code).toBe(0);
      expect(out).toContain('-    weight: 7\n+    weight: 9');
      expect(out).toContain('-    weight: 5\n+    weight: 7');
      // The deletion removes the whole spec.
      expect(out).toMatch(/\+\+\+ spec deleted rv 103[^\n]*\n@@ -1,\d+ \+0,0 @@\n-matchClusters:/);
      expect(out).toContain('--- /dev/null\n+++ spec created rv 100');
    });

    it('keeps only versions within --since and prints JSON with the content', async () => {
      const { out } = await run('history', 'gdp/global-gdp', '--json', '--since', `${Math.ceil((Date.now() - now) / 60_000) + 5}m`);
      const entries = JSON.parse(out) as HistoryEntry[];
      expect(entries.map((e) => e.resourceVersion)).toEqual(['103', '102', '101', '100']);
      expect(entries[1]?.object?.['spec']).toMatchObject({ trafficSplit: [{ cluster: 'cluster1', weight: 9 }] });
      const recent = JSON.parse((await run('history', 'gdp/global-gdp', '--json', '--since', '1m')).out) as HistoryEntry[];
      expect(recent).toEqual([]);
    });
  });

  describe('when the input is wrong', () => {
    it.each([
      [['history', 'gdp/other'], 1, 'no history for gdp/other; objects with history: gdp/global-gdp'],
      [['history', 'pods/x'], 2, '"pods" is not a federated kind; use gc (gslbconfig), gdp (globaldeploymentpolicy) or ghr (gslbhostrule)'],
      [['history', 'global-gdp'], 2, '"global-gdp" is not KIND/NAME'],
      [['history', 'gdp/global-gdp', '--since', 'yesterday'], 2, '--since "yesterday" is not a duration'],
    ])('%j exits %i naming the problem', async (args, exit, message) => {
      const { code, err } = await run(...args);
      expect(code).toBe(exit);
      expect(err).toContain(message);
    });
  });
});
