/**
 * The backup format shared by `amko-fed backup`/`restore` and the watcher's scheduled backups: one
 * YAML file per object (backup-object.ts), and for scheduled backups a `manifest.json` written last
 * (time, leader, epoch, object count, sha256 of every file). Parsing a file checks what `restore`
 * checks: kind, apiVersion, the kind's schema and a namespace. A backup directory without a valid
 * manifest is not verified; `restore --latest` picks the newest verified one.
 */
import { createHash } from 'node:crypto';
import { parseAllDocuments, stringify } from 'yaml';
import { z } from 'zod';
import { apiVersionOf, AVI_SYSTEM_NAMESPACE, FEDERATED_KINDS, isFederatedKind, type FederatedKind, type KindInfo } from '../kinds.ts';
import { parseFederatedObject } from '../schemas/federated-object.ts';
import type { BackupObject } from './backup-object.ts';

export const BACKUP_MANIFEST_FILE = 'manifest.json';
export const BACKUP_MANIFEST_VERSION = 1;

/** What a backup holds: GSLBConfig and GDP from avi-system, GSLBHostRule from every namespace (undefined). */
export const BACKUP_SOURCES: readonly { readonly info: KindInfo; readonly namespace: string | undefined }[] = [
  { info: FEDERATED_KINDS.GSLBConfig, namespace: AVI_SYSTEM_NAMESPACE },
  { info: FEDERATED_KINDS.GlobalDeploymentPolicy, namespace: AVI_SYSTEM_NAMESPACE },
  { info: FEDERATED_KINDS.GSLBHostRule, namespace: undefined },
];

/** The YAML text of one backed-up object (the same bytes `amko-fed backup` writes). */
export function renderBackupFile(object: BackupObject): string {
  return stringify(object, { lineWidth: 0 });
}

/** sha256 (lower-case hex) of a file's text. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface ParsedBackupObject {
  readonly kind: FederatedKind;
  readonly object: BackupObject;
}

export type BackupFileParse = { readonly ok: true; readonly objects: readonly ParsedBackupObject[] } | { readonly ok: false; readonly message: string };

/** Parses one backup file's text; `where` names it in messages. */
export function parseBackupFile(text: string, where: string): BackupFileParse {
  const objects: ParsedBackupObject[] = [];
  for (const [index, doc] of parseAllDocuments(text).entries()) {
    const at = `${where}${index > 0 ? ` (document ${index + 1})` : ''}`;
    if (doc.errors.length > 0) return { ok: false, message: `${at} is not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}` };
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const kind = (value as { kind?: unknown }).kind;
    if (typeof kind !== 'string' || !isFederatedKind(kind)) {
      return { ok: false, message: `${at}: kind ${JSON.stringify(kind)} is not one of GSLBConfig, GlobalDeploymentPolicy, GSLBHostRule` };
    }
    const apiVersion = (value as { apiVersion?: unknown }).apiVersion;
    if (apiVersion !== apiVersionOf(FEDERATED_KINDS[kind])) {
      return { ok: false, message: `${at}: apiVersion ${JSON.stringify(apiVersion)} should be ${apiVersionOf(FEDERATED_KINDS[kind])} for ${kind}` };
    }
    const parsed = parseFederatedObject(kind, value);
    if (!parsed.ok) return { ok: false, message: `${at}: ${parsed.message}` };
    if (!parsed.value.metadata.namespace) return { ok: false, message: `${at}: metadata.namespace is missing; add the namespace (GSLBConfig and GDP live in avi-system)` };
    objects.push({ kind, object: value as BackupObject });
  }
  return { ok: true, objects };
}

const manifestSchema = z.object({
  version: z.literal(BACKUP_MANIFEST_VERSION),
  createdAt: z.iso.datetime(),
  leader: z.string().min(1),
  /** The epoch of the leader that wrote the backup (ADR 0017); null from a leader without one (or from `amko-fed backup`). */
  epoch: z.number().int().nonnegative().nullable(),
  objectCount: z.number().int().nonnegative(),
  files: z.record(z.string().regex(/^[^/\\]+\.yaml$/), z.string().regex(/^[0-9a-f]{64}$/)),
}).refine((m) => Object.keys(m.files).length === m.objectCount, { message: 'objectCount differs from the number of files' });

export type BackupManifest = z.infer<typeof manifestSchema>;

export type ManifestParse = { readonly ok: true; readonly manifest: BackupManifest } | { readonly ok: false; readonly message: string };

export function parseBackupManifest(text: string): ManifestParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `${BACKUP_MANIFEST_FILE} is not JSON: ${(err as Error).message}` };
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${BACKUP_MANIFEST_FILE} is invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim() };
  }
  return { ok: true, manifest: parsed.data };
}

export function renderBackupManifest(manifest: BackupManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Name of a scheduled backup directory: `backup-20261206T030500123Z`, sorting by time. */
export function scheduledBackupName(at: Date): string {
  return `backup-${at.toISOString().replace(/[-:.]/g, '')}`;
}

const SCHEDULED_NAME = /^backup-\d{8}T\d{9}Z$/;

export function isScheduledBackupName(name: string): boolean {
  return SCHEDULED_NAME.test(name);
}

/** The scheduled backups to delete so that the newest `keep` remain (other names are never touched). */
export function backupsToRotate(names: readonly string[], keep: number): string[] {
  const scheduled = names.filter(isScheduledBackupName).sort();
  return scheduled.slice(0, Math.max(0, scheduled.length - keep));
}

/** Scheduled backup names, newest first (the order `restore --latest` tries them). */
export function newestFirst(names: readonly string[]): string[] {
  return names.filter(isScheduledBackupName).sort().reverse();
}

/**
 * Checks a backup's files against its manifest: the same set of files, each parsing with the
 * restore schemas and hashing to the manifest's value. Returns the problems (empty: verified).
 */
export function verifyBackupFiles(manifest: BackupManifest, files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, hash] of Object.entries(manifest.files)) {
    const text = files.get(name);
    if (text === undefined) {
      problems.push(`${name} is missing`);
      continue;
    }
    if (sha256Hex(text) !== hash) problems.push(`${name} does not match its hash in ${BACKUP_MANIFEST_FILE}`);
    const parsed = parseBackupFile(text, name);
    if (!parsed.ok) problems.push(parsed.message);
  }
  for (const name of files.keys()) if (!Object.hasOwn(manifest.files, name)) problems.push(`${name} is not in ${BACKUP_MANIFEST_FILE}`);
  return problems;
}
