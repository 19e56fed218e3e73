/**
 * `amko-fed restore --context Y --from DIR [--drop-members a,b] [--dry-run]`: apply a backup to a
 * cluster (create, or replace what exists), removing the named members from GSLBConfig
 * `memberClusters` and GDP `matchClusters`/`trafficSplit` first. Every file is read and checked
 * before anything is written, so a bad file changes nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BACKUP_MANIFEST_FILE,
  dropMembers,
  FEDERATED_KINDS,
  newestFirst,
  parseBackupFile,
  parseBackupManifest,
  verifyBackupFiles,
  type BackupObject,
  type FederatedKind,
  type KubeObject,
} from '@amko-fed/domain';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import type { KubeAccess } from '../kube-access.ts';

export interface RestoreOptions {
  readonly from: string;
  readonly dropMembers: readonly string[];
  readonly dryRun: boolean;
}

export interface RestoreStep {
  readonly kind: FederatedKind;
  readonly namespace: string;
  readonly name: string;
  readonly action: 'create' | 'update';
  readonly removed: readonly string[];
  readonly file: string;
}

interface LoadedObject {
  readonly kind: FederatedKind;
  readonly object: BackupObject;
  readonly file: string;
}

const errnoOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

export async function loadBackup(dir: string): Promise<LoadedObject[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch (err) {
    throw new CliError(`cannot read the backup directory ${dir}: ${errnoOf(err)}`, EXIT_USAGE, { cause: err });
  }
  if (names.length === 0) throw new CliError(`the backup directory ${dir} holds no .yaml files`, EXIT_USAGE);
  const loaded: LoadedObject[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const parsed = parseBackupFile(await readFile(file, 'utf8'), file);
    if (!parsed.ok) throw new CliError(parsed.message, EXIT_USAGE);
    for (const { kind, object } of parsed.objects) loaded.push({ kind, object, file });
  }
  return loaded;
}

/** Why a scheduled backup directory is not verified, or undefined when it is. */
export async function backupProblem(dir: string): Promise<string | undefined> {
  let manifestText: string;
  try {
    manifestText = await readFile(join(dir, BACKUP_MANIFEST_FILE), 'utf8');
  } catch (err) {
    return `no readable ${BACKUP_MANIFEST_FILE} (${errnoOf(err)})`;
  }
  const manifest = parseBackupManifest(manifestText);
  if (!manifest.ok) return manifest.message;
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.yaml'))) files.set(name, await readFile(join(dir, name), 'utf8'));
  const problems = verifyBackupFiles(manifest.manifest, files);
  return problems.length === 0 ? undefined : problems.join('; ');
}

/** The newest scheduled backup under `root` whose manifest and files verify; the others are reported. */
export async function latestVerifiedBackup(root: string, skipped: (dir: string, problem: string) => void = () => {}): Promise<string> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    throw new CliError(`cannot read the backup directory ${root}: ${errnoOf(err)}`, EXIT_USAGE, { cause: err });
  }
  for (const name of newestFirst(names)) {
    const dir = join(root, name);
    const problem = await backupProblem(dir);
    if (problem === undefined) return dir;
    skipped(dir, problem);
  }
  throw new CliError(`${root} holds no verified backup (backup-<time> directories with a valid ${BACKUP_MANIFEST_FILE})`, EXIT_USAGE);
}

export async function restore(kube: KubeAccess, options: RestoreOptions): Promise<RestoreStep[]> {
  const client = kube.client();
  const loaded = await loadBackup(options.from);
  const steps: RestoreStep[] = [];
  const plans: { step: RestoreStep; body: KubeObject; resourceVersion: string | undefined }[] = [];
  for (const { kind, object, file } of loaded) {
    const info = FEDERATED_KINDS[kind];
    const { object: trimmed, removed } = dropMembers(object, options.dropMembers);
    const namespace = trimmed.metadata.namespace as string;
    const existing = await client.get(info, namespace, trimmed.metadata.name).catch((err: unknown) => {
      throw new CliError(`cannot read ${kind} ${namespace}/${trimmed.metadata.name} on ${client.context}: ${(err as Error).message}`, 1, { cause: err });
    });
    const step: RestoreStep = { kind, namespace, name: trimmed.metadata.name, action: existing ? 'update' : 'create', removed, file };
    steps.push(step);
    plans.push({ step, body: trimmed as unknown as KubeObject, resourceVersion: existing?.metadata.resourceVersion });
  }
  if (options.dryRun) return steps;
  for (const { step, body, resourceVersion } of plans) {
    const info = FEDERATED_KINDS[step.kind];
    try {
      if (step.action === 'create') await client.create(info, step.namespace, body);
      else await client.replace(info, step.namespace, step.name, { ...body, metadata: { ...body.metadata, resourceVersion } });
    } catch (err) {
      throw new CliError(`could not ${step.action} ${step.kind} ${step.namespace}/${step.name} on ${client.context}: ${(err as Error).message}`, 1, { cause: err });
    }
  }
  return steps;
}
