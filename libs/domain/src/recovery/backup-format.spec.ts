import { describe, expect, it } from 'vitest';
import {
  backupsToRotate,
  isScheduledBackupName,
  newestFirst,
  parseBackupFile,
  parseBackupManifest,
  renderBackupFile,
  renderBackupManifest,
  scheduledBackupName,
  sha256Hex,
  verifyBackupFiles,
  type BackupManifest,
} from './backup-format.ts';
import type { BackupObject } from './backup-object.ts';

const gdp: BackupObject = {
  apiVersion: 'amko.vmware.com/v1alpha2',
  kind: 'GlobalDeploymentPolicy',
  metadata: { name: 'global-gdp', namespace: 'avi-system' },
  spec: { matchRules: { appSelector: { label: { app: 'gslb' } } }, matchClusters: [{ cluster: 'cluster1' }], ttl: 30 },
};
const gdpText = renderBackupFile(gdp);
const FILE = 'globaldeploymentpolicy.avi-system.global-gdp.yaml';

function manifestOf(files: Record<string, string>): BackupManifest {
  return {
    version: 1,
    createdAt: '2026-12-06T03:05:00.000Z',
    leader: 'cluster1',
    epoch: null,
    objectCount: Object.keys(files).length,
    files: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, sha256Hex(text)])),
  };
}

describe('backup format', () => {
  describe('when a rendered object is parsed back', () => {
    it('returns the same object and kind', () => {
      const parsed = parseBackupFile(gdpText, FILE);
      expect(parsed).toEqual({ ok: true, objects: [{ kind: 'GlobalDeploymentPolicy', object: gdp }] });
    });
  });

  describe('when a file breaks the restore rules', () => {
    it('names the file and the problem', () => {
      expect(parseBackupFile('kind: Secret\napiVersion: v1\n', 'x.yaml')).toEqual({ ok: false, message: expect.stringContaining('x.yaml: kind "Secret"') });
      expect(parseBackupFile(gdpText.replace('namespace: avi-system', 'labels: {}'), 'x.yaml')).toMatchObject({ ok: false, message: expect.stringContaining('metadata.namespace is missing') });
      expect(parseBackupFile('a: [', 'x.yaml')).toMatchObject({ ok: false, message: expect.stringContaining('not valid YAML') });
    });
  });

  describe('when a manifest is parsed', () => {
    it('accepts what renderBackupManifest wrote', () => {
      const manifest = manifestOf({ [FILE]: gdpText });
      expect(parseBackupManifest(renderBackupManifest(manifest))).toEqual({ ok: true, manifest });
    });

    it('rejects non-JSON, a wrong count and a bad hash', () => {
      expect(parseBackupManifest('{').ok).toBe(false);
      expect(parseBackupManifest(JSON.stringify({ ...manifestOf({ [FILE]: gdpText }), objectCount: 2 }))).toMatchObject({ ok: false, message: expect.stringContaining('objectCount') });
      expect(parseBackupManifest(JSON.stringify({ ...manifestOf({}), objectCount: 1, files: { [FILE]: 'abc' } })).ok).toBe(false);
    });
  });

  describe('when files are verified against the manifest', () => {
    it('finds no problem in an intact backup', () => {
      expect(verifyBackupFiles(manifestOf({ [FILE]: gdpText }), new Map([[FILE, gdpText]]))).toEqual([]);
    });

    it('reports a changed, a missing and an extra file', () => {
      const manifest = manifestOf({ [FILE]: gdpText });
      expect(verifyBackupFiles(manifest, new Map([[FILE, gdpText.replace('ttl: 30', 'ttl: 31')]]))).toEqual([`${FILE} does not match its hash in manifest.json`]);
      expect(verifyBackupFiles(manifest, new Map())).toEqual([`${FILE} is missing`]);
      expect(verifyBackupFiles(manifest, new Map([[FILE, gdpText], ['other.yaml', gdpText]]))).toEqual(['other.yaml is not in manifest.json']);
    });
  });

  describe('when scheduled backups are named, rotated and chosen', () => {
    const names = [
      scheduledBackupName(new Date('2026-12-06T03:00:00.000Z')),
      scheduledBackupName(new Date('2026-12-06T01:00:00.000Z')),
      scheduledBackupName(new Date('2026-12-06T02:00:00.000Z')),
      '.tmp-backup-20261206T040000000Z',
      'manual',
    ];

    it('names them by time so that they sort', () => {
      expect(names[0]).toBe('backup-20261206T030000000Z');
      expect(isScheduledBackupName(names[0] as string)).toBe(true);
      expect(isScheduledBackupName('.tmp-backup-20261206T040000000Z')).toBe(false);
    });

    it('deletes the oldest beyond keep and nothing else', () => {
      expect(backupsToRotate(names, 2)).toEqual(['backup-20261206T010000000Z']);
      expect(backupsToRotate(names, 1)).toEqual(['backup-20261206T010000000Z', 'backup-20261206T020000000Z']);
      expect(backupsToRotate(names, 7)).toEqual([]);
    });

    it('lists them newest first', () => {
      expect(newestFirst(names)).toEqual(['backup-20261206T030000000Z', 'backup-20261206T020000000Z', 'backup-20261206T010000000Z']);
    });
  });
});
