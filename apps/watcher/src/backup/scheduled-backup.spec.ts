import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEDERATED_KINDS, parseBackupManifest, parseBackupFile } from '@amko-fed/domain';
import { createInMemoryCluster, type InMemoryCluster } from '@amko-fed/kube/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWatcherMetrics, type WatcherMetrics } from '../http/metrics.ts';
import { LEADER_CONTEXT, rawObject, recordingLogger } from '../testing/unit-objects.ts';
import { createScheduledBackup, type ScheduledBackup } from './scheduled-backup.ts';

const GDP_SPEC = { matchRules: { appSelector: { label: { app: 'gslb' } } }, matchClusters: [{ cluster: 'cluster1' }, { cluster: 'cluster2' }], ttl: 30 };
const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-06T03:00:00.000Z');

interface World {
  readonly dir: string;
  readonly leader: InMemoryCluster;
  readonly metrics: WatcherMetrics;
  readonly lines: Record<string, unknown>[];
  clockMs: number;
  backup(keep?: number): ScheduledBackup;
}

let world: World;

beforeEach(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'amko-fed-backup-'));
  const leader = createInMemoryCluster({ context: LEADER_CONTEXT });
  await leader.client.create(FEDERATED_KINDS.GlobalDeploymentPolicy, 'avi-system', rawObject('GlobalDeploymentPolicy', 'global-gdp', { spec: GDP_SPEC }));
  const metrics = createWatcherMetrics({ defaultMetrics: false });
  const { logger, lines } = recordingLogger();
  const w: World = {
    dir, leader, metrics, lines, clockMs: T0,
    backup: (keep = 3) => createScheduledBackup({ config: { intervalMs: HOUR, dir, keep }, local: leader.client, metrics, logger, now: () => new Date(w.clockMs), leaderName: () => LEADER_CONTEXT }),
  };
  world = w;
});

afterEach(async () => {
  await rm(world.dir, { recursive: true, force: true });
});

const gauge = async (m: WatcherMetrics) => (await m.lastSuccessfulBackup.get()).values[0]?.value;
const failures = async (m: WatcherMetrics) => (await m.backupFailures.get()).values[0]?.value ?? 0;
const warnings = (lines: Record<string, unknown>[]) => lines.filter((l) => l['level'] === 40).map((l) => l['msg']);

describe('scheduled backup', () => {
  describe('when a pass runs', () => {
    it('writes a verified backup with its manifest and sets the success metric', async () => {
      const outcome = await world.backup().backupNow();
      expect(outcome.problems).toEqual([]);
      expect(outcome.written).toBe(join(world.dir, 'backup-20261206T030000000Z'));
      expect(await readdir(world.dir)).toEqual(['backup-20261206T030000000Z']);
      const dir = outcome.written as string;
      const manifest = parseBackupManifest(await readFile(join(dir, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ ok: true, manifest: { leader: LEADER_CONTEXT, objectCount: 1, createdAt: '2026-12-06T03:00:00.000Z', epoch: null } });
      const file = 'globaldeploymentpolicy.avi-system.global-gdp.yaml';
      const parsed = parseBackupFile(await readFile(join(dir, file), 'utf8'), file);
      expect(parsed).toMatchObject({ ok: true, objects: [{ kind: 'GlobalDeploymentPolicy', object: { metadata: { name: 'global-gdp', namespace: 'avi-system' }, spec: GDP_SPEC } }] });
      expect(parsed.ok && parsed.objects[0]?.object.metadata).toEqual({ name: 'global-gdp', namespace: 'avi-system' });
      expect(await gauge(world.metrics)).toBe(T0 / 1000);
      expect(await failures(world.metrics)).toBe(0);
    });
  });

  describe('when more passes ran than BACKUP_KEEP', () => {
    it('keeps the newest KEEP backups', async () => {
      const backup = world.backup(2);
      for (let i = 0; i < 4; i += 1) {
        world.clockMs = T0 + i * HOUR;
        expect((await backup.backupNow()).problems).toEqual([]);
      }
      expect((await readdir(world.dir)).sort()).toEqual(['backup-20261206T050000000Z', 'backup-20261206T060000000Z']);
    });
  });

  describe('when a retained backup file was changed on the volume', () => {
    it('counts a failure and warns, naming the file', async () => {
      const backup = world.backup();
      const first = (await backup.backupNow()).written as string;
      const file = join(first, 'globaldeploymentpolicy.avi-system.global-gdp.yaml');
      await writeFile(file, (await readFile(file, 'utf8')).replace('ttl: 30', 'ttl: 31'));
      world.clockMs = T0 + HOUR;
      const outcome = await backup.backupNow();
      expect(outcome.written).toBeDefined();
      expect(outcome.problems).toEqual([`${first}: globaldeploymentpolicy.avi-system.global-gdp.yaml does not match its hash in manifest.json`]);
      expect(await failures(world.metrics)).toBe(1);
      expect(warnings(world.lines)).toEqual(['Scheduled backup written, but a retained backup does not verify']);
    });
  });

  describe('when the leader cannot be listed', () => {
    it('writes nothing, counts a failure and leaves the success metric at 0', async () => {
      world.leader.fail((verb) => (verb === 'list' ? (new Error('list failed') as never) : undefined));
      const outcome = await world.backup().backupNow();
      expect(outcome.written).toBeUndefined();
      expect(outcome.problems).toEqual([`could not write a backup into ${world.dir}: list failed`]);
      expect(await readdir(world.dir)).toEqual([]);
      expect(await failures(world.metrics)).toBe(1);
      expect(await gauge(world.metrics)).toBe(0);
      expect(warnings(world.lines)).toEqual(['Scheduled backup failed']);
    });
  });

  describe('when runIfDue is called', () => {
    it('backs up at once into an empty directory, then only when the newest backup is an interval old', async () => {
      const first = world.backup();
      first.runIfDue();
      await first.idle();
      expect(await readdir(world.dir)).toHaveLength(1);

      world.clockMs = T0 + HOUR - 1;
      const early = world.backup();
      early.runIfDue();
      await early.idle();
      expect(await readdir(world.dir)).toHaveLength(1);

      world.clockMs = T0 + HOUR;
      const due = world.backup();
      due.runIfDue();
      await due.idle();
      expect((await readdir(world.dir)).sort()).toEqual(['backup-20261206T030000000Z', 'backup-20261206T040000000Z']);
    });

    it('tries again a minute after a pass that wrote nothing', async () => {
      const backup = world.backup();
      world.leader.fail((verb) => (verb === 'list' ? (new Error('list failed') as never) : undefined));
      backup.runIfDue();
      await backup.idle();
      expect(await failures(world.metrics)).toBe(1);
      world.leader.fail(undefined);

      world.clockMs = T0 + 59_999;
      backup.runIfDue();
      await backup.idle();
      expect(await readdir(world.dir)).toEqual([]);

      world.clockMs = T0 + 60_000;
      backup.runIfDue();
      await backup.idle();
      expect(await readdir(world.dir)).toEqual(['backup-20261206T030100000Z']);
    });
  });
});
