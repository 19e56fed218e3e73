/**
 * Scheduled backups on a running leader watcher (emulated clusters, real Redis): the watcher writes
 * a verified backup into BACKUP_DIR, rotates to BACKUP_KEEP, and a retained backup whose file was
 * changed on the volume fails verification (failures metric and a warning). The older backups are
 * written beforehand by the same module with an earlier clock, so the directory looks like one a
 * previous leader filled.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEDERATED_KINDS, parseBackupFile, parseBackupManifest } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { eventually, gdp, NS, settled, startWatcher, useWatcherSuite } from '../test/harness.ts';
import { createScheduledBackup, verifyBackupDirectory } from './backup/scheduled-backup.ts';
import { createWatcherMetrics } from './http/metrics.ts';
import { silentLogger } from './testing/unit-objects.ts';

const suite = useWatcherSuite();
const { running, cleanups } = suite;
const HOUR = 3_600_000;
const GDP_FILE = 'globaldeploymentpolicy.avi-system.global-gdp.yaml';

async function metricsText(address: string | undefined): Promise<string> {
  return (await fetch(`${address ?? ''}/metrics`)).text();
}

describe('watcher (scheduled backups)', () => {
  describe('when the leader runs with BACKUP_INTERVAL and older backups fill BACKUP_DIR', () => {
    it('writes a verified backup, rotates to BACKUP_KEEP and reports the retained backup that no longer verifies', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'amko-fed-backups-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const leader = suite.fixture.client.cluster1;
      await leader.create(FEDERATED_KINDS.GlobalDeploymentPolicy, NS, gdp('global-gdp', 30));

      // Two backups a previous leader wrote 3 and 2 hours ago; the newer one is then changed on the volume.
      const nowMs = Date.now();
      const older: string[] = [];
      for (const hoursAgo of [3, 2]) {
        const previous = createScheduledBackup({
          config: { intervalMs: HOUR, dir, keep: 5 },
          local: leader,
          metrics: createWatcherMetrics({ defaultMetrics: false }),
          logger: silentLogger(),
          now: () => new Date(nowMs - hoursAgo * HOUR),
        });
        const outcome = await previous.backupNow();
        expect(outcome.problems).toEqual([]);
        older.push(outcome.written as string);
      }
      const [oldest, corrupted] = older as [string, string];
      await writeFile(join(corrupted, GDP_FILE), (await readFile(join(corrupted, GDP_FILE), 'utf8')).replace('ttl: 30', 'ttl: 99'));

      const w = await startWatcher(suite.fixture, { BACKUP_INTERVAL: '1h', BACKUP_DIR: dir, BACKUP_KEEP: '2' }, running);
      await settled(w);

      const names = await eventually(async () => {
        const now = (await readdir(dir)).sort();
        expect(now).toHaveLength(2);
        expect(now).not.toContain(oldest.slice(dir.length + 1));
        return now;
      });
      expect(names[0]).toBe(corrupted.slice(dir.length + 1));
      const fresh = join(dir, names[1] as string);
      expect(await verifyBackupDirectory(fresh)).toEqual([]);
      const manifest = parseBackupManifest(await readFile(join(fresh, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ ok: true, manifest: { leader: 'cluster1', objectCount: 1 } });
      expect(parseBackupFile(await readFile(join(fresh, GDP_FILE), 'utf8'), GDP_FILE)).toMatchObject({ ok: true, objects: [{ object: { spec: { ttl: 30 } } }] });

      await eventually(async () => {
        const text = await metricsText(w.watcher.address());
        expect(text).toMatch(/amko_fed_watcher_last_successful_backup_timestamp_seconds [1-9]/);
        expect(text).toContain('amko_fed_watcher_backup_failures_total 1');
      });
      const warning = w.logs.lines.find((l) => l['msg'] === 'Scheduled backup written, but a retained backup does not verify');
      expect(warning?.['problems']).toEqual([`${corrupted}: ${GDP_FILE} does not match its hash in manifest.json`]);
      expect(await verifyBackupDirectory(corrupted)).toEqual([`${GDP_FILE} does not match its hash in manifest.json`]);
      // Not due again within the interval: still the same two backups.
      expect((await readdir(dir)).sort()).toEqual(names);
    });
  });
});
