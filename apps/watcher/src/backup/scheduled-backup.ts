/**
 * Scheduled backups (BACKUP_INTERVAL, BACKUP_DIR, BACKUP_KEEP): while this replica leads, every
 * interval it lists the leader's GSLBConfig, GDP and GSLBHostRule objects (the same sources and
 * files as `amko-fed backup`), writes them into `BACKUP_DIR/.tmp-backup-<time>`, writes
 * `manifest.json` last (time, leader, epoch, object count, sha256 of every file) and renames the
 * directory to `backup-<time>`. Then it verifies: every file is read back, parsed with the schemas
 * `restore` uses, and must hash to what was rendered from the leader; the retained backups are
 * verified against their manifests too (a file changed on the volume is found at the next pass).
 * A new backup that fails verification is removed; the newest BACKUP_KEEP backups stay.
 *
 * Success sets `amko_fed_watcher_last_successful_backup_timestamp_seconds`; any failure counts in
 * `amko_fed_watcher_backup_failures_total` and logs a warning. Passes never overlap; the first pass
 * of a new leader is due when the newest backup in the directory is older than the interval; after a
 * pass that wrote nothing the next is due BACKUP_RETRY_AFTER_FAILURE_MS later.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  apiVersionOf,
  BACKUP_MANIFEST_FILE,
  BACKUP_MANIFEST_VERSION,
  BACKUP_SOURCES,
  backupFileName,
  backupsToRotate,
  newestFirst,
  parseBackupManifest,
  renderBackupFile,
  renderBackupManifest,
  scheduledBackupName,
  sha256Hex,
  toBackupObject,
  verifyBackupFiles,
  type BackupManifest,
} from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import type { Logger } from 'pino';
import type { BackupConfig } from '../config.ts';
import type { WatcherMetrics } from '../http/metrics.ts';

export interface ScheduledBackupDeps {
  readonly config: BackupConfig;
  readonly local: Pick<ClusterClient, 'list' | 'context'>;
  readonly metrics: Pick<WatcherMetrics, 'lastSuccessfulBackup' | 'backupFailures'>;
  readonly logger: Logger;
  /** The time (ADR 0008: injected). */
  now(): Date;
  /** The leader's context name (AMKOCluster spec.clusterContext); the local context when unknown. */
  leaderName?(): string | undefined;
  /** The leader's epoch, recorded in the manifest (null without one). */
  epoch?(): number | undefined;
}

export interface BackupOutcome {
  /** The new backup's directory, when it was written and verified. */
  readonly written: string | undefined;
  readonly objects: number;
  /** Backup directories removed by rotation. */
  readonly rotated: readonly string[];
  /** What failed: writing, verification of the new backup, or of a retained one. Empty: success. */
  readonly problems: readonly string[];
}

export interface ScheduledBackup {
  /** One pass now (write, verify, rotate, re-verify the retained ones); records metrics and logs. */
  backupNow(): Promise<BackupOutcome>;
  /** Starts a pass in the background when one is due and none runs; never throws. */
  runIfDue(): void;
  /** Waits for the running pass, if any. */
  idle(): Promise<void>;
  /** Waits for a running pass; no new pass starts afterwards. */
  stop(): Promise<void>;
}

/** Time of a `backup-<time>` name (see scheduledBackupName). */
function timeOfName(name: string): number {
  const digits = name.slice('backup-'.length);
  return Date.parse(`${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}T${digits.slice(9, 11)}:${digits.slice(11, 13)}:${digits.slice(13, 15)}.${digits.slice(15, 18)}Z`);
}

/** After a failed pass, the next one is due this soon (or after the interval, if shorter). */
export const BACKUP_RETRY_AFTER_FAILURE_MS = 60_000;

const messageOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** Why the backup in `dir` does not verify (empty: it does), optionally also against the hashes read from the leader. */
export async function verifyBackupDirectory(dir: string, expected?: BackupManifest): Promise<string[]> {
  let manifestText: string;
  try {
    manifestText = await readFile(join(dir, BACKUP_MANIFEST_FILE), 'utf8');
  } catch (err) {
    return [`no readable ${BACKUP_MANIFEST_FILE} (${messageOf(err)})`];
  }
  const parsed = parseBackupManifest(manifestText);
  if (!parsed.ok) return [parsed.message];
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.yaml'))) files.set(name, await readFile(join(dir, name), 'utf8'));
  const problems = verifyBackupFiles(parsed.manifest, files);
  if (expected !== undefined && JSON.stringify(parsed.manifest.files) !== JSON.stringify(expected.files)) {
    problems.push(`${BACKUP_MANIFEST_FILE} does not hold the hashes read from the leader`);
  }
  return problems;
}

export function createScheduledBackup(deps: ScheduledBackupDeps): ScheduledBackup {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'backup' });
  let lastMs: number | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function write(at: Date): Promise<{ dir: string; manifest: BackupManifest }> {
    const files: Record<string, string> = {};
    for (const { info, namespace } of BACKUP_SOURCES) {
      const list = await deps.local.list(info, namespace);
      for (const item of list.items) files[backupFileName(info.kind, item.metadata.namespace, item.metadata.name)] = renderBackupFile(toBackupObject(item, apiVersionOf(info), info.kind));
    }
    const name = scheduledBackupName(at);
    const manifest: BackupManifest = {
      version: BACKUP_MANIFEST_VERSION,
      createdAt: at.toISOString(),
      leader: deps.leaderName?.() ?? deps.local.context,
      epoch: deps.epoch?.() ?? null,
      objectCount: Object.keys(files).length,
      files: Object.fromEntries(Object.entries(files).map(([file, text]) => [file, sha256Hex(text)])),
    };
    const tmp = join(config.dir, `.tmp-${name}`);
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp);
    for (const [file, text] of Object.entries(files)) await writeFile(join(tmp, file), text, { flush: true });
    await writeFile(join(tmp, BACKUP_MANIFEST_FILE), renderBackupManifest(manifest), { flush: true });
    const dir = join(config.dir, name);
    await rename(tmp, dir);
    return { dir, manifest };
  }

  async function backupNow(): Promise<BackupOutcome> {
    const at = deps.now();
    const problems: string[] = [];
    let written: string | undefined;
    let objects = 0;
    let rotated: string[] = [];
    try {
      const { dir, manifest } = await write(at);
      objects = manifest.objectCount;
      const found = await verifyBackupDirectory(dir, manifest);
      if (found.length === 0) written = dir;
      else {
        problems.push(...found.map((p) => `${dir}: ${p}`));
        await rm(dir, { recursive: true, force: true });
      }
    } catch (err) {
      // The whole message: a 403 on GSLBHostRule means the watcher may not list them cluster-wide (RBAC).
      problems.push(`could not write a backup into ${config.dir}: ${(err as Error).message}`);
    }
    try {
      const names = await readdir(config.dir);
      for (const stale of names.filter((n) => n.startsWith('.tmp-backup-') && n !== `.tmp-${scheduledBackupName(at)}`)) await rm(join(config.dir, stale), { recursive: true, force: true });
      rotated = backupsToRotate(names, config.keep).map((n) => join(config.dir, n));
      for (const dir of rotated) await rm(dir, { recursive: true, force: true });
      for (const name of newestFirst(names).slice(0, config.keep)) {
        const dir = join(config.dir, name);
        if (dir === written) continue;
        for (const problem of await verifyBackupDirectory(dir)) problems.push(`${dir}: ${problem}`);
      }
    } catch (err) {
      problems.push(`could not rotate the backups in ${config.dir}: ${messageOf(err)}`);
    }
    if (written !== undefined) deps.metrics.lastSuccessfulBackup.set(at.getTime() / 1000);
    if (problems.length > 0) {
      deps.metrics.backupFailures.inc();
      logger.warn({ dir: config.dir, written, problems }, written === undefined ? 'Scheduled backup failed' : 'Scheduled backup written, but a retained backup does not verify');
    } else {
      logger.info({ dir: written, objects, rotated: rotated.length }, 'Scheduled backup written and verified');
    }
    return { written, objects, rotated, problems };
  }

  async function due(nowMs: number): Promise<boolean> {
    if (lastMs === undefined) {
      try {
        const newest = newestFirst(await readdir(config.dir))[0];
        if (newest !== undefined) lastMs = timeOfName(newest);
      } catch {
        // An unreadable directory: the pass itself reports it.
      }
    }
    return lastMs === undefined || nowMs - lastMs >= config.intervalMs;
  }

  return {
    backupNow,
    runIfDue() {
      if (stopped || running !== undefined) return;
      running = (async () => {
        const nowMs = deps.now().getTime();
        if (!(await due(nowMs)) || stopped) return;
        lastMs = nowMs;
        const outcome = await backupNow();
        // A failed write is tried again soon rather than an interval later (the staleness alert waits for it).
        if (outcome.written === undefined) lastMs = nowMs - config.intervalMs + Math.min(config.intervalMs, BACKUP_RETRY_AFTER_FAILURE_MS);
      })()
        .catch((err: unknown) => logger.warn({ err }, 'Scheduled backup failed'))
        .finally(() => {
          running = undefined;
        });
    },
    async idle() {
      await running;
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
