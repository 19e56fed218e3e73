/**
 * `amko-fed restore --context Y --from DIR [--drop-members a,b] [--dry-run]`: apply a backup to a
 * cluster (create, or replace what exists), removing the named members from GSLBConfig
 * `memberClusters` and GDP `matchClusters`/`trafficSplit` first. Every file is read and checked
 * before anything is written, so a bad file changes nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  apiVersionOf,
  dropMembers,
  FEDERATED_KINDS,
  isFederatedKind,
  parseFederatedObject,
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

export async function loadBackup(dir: string): Promise<LoadedObject[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch (err) {
    throw new CliError(`cannot read the backup directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT_USAGE, { cause: err });
  }
  if (names.length === 0) throw new CliError(`the backup directory ${dir} holds no .yaml files`, EXIT_USAGE);
  const loaded: LoadedObject[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const text = await readFile(file, 'utf8');
    for (const [index, doc] of parseAllDocuments(text).entries()) {
      const where = `${file}${index > 0 ? ` (document ${index + 1})` : ''}`;
      if (doc.errors.length > 0) throw new CliError(`${where} is not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`, EXIT_USAGE);
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) continue;
      const kind = (value as { kind?: unknown }).kind;
      if (typeof kind !== 'string' || !isFederatedKind(kind)) {
        throw new CliError(`${where}: kind ${JSON.stringify(kind)} is not one of GSLBConfig, GlobalDeploymentPolicy, GSLBHostRule`, EXIT_USAGE);
      }
      const apiVersion = (value as { apiVersion?: unknown }).apiVersion;
      if (apiVersion !== apiVersionOf(FEDERATED_KINDS[kind])) {
        throw new CliError(`${where}: apiVersion ${JSON.stringify(apiVersion)} should be ${apiVersionOf(FEDERATED_KINDS[kind])} for ${kind}`, EXIT_USAGE);
      }
      const parsed = parseFederatedObject(kind, value);
      if (!parsed.ok) throw new CliError(`${where}: ${parsed.message}`, EXIT_USAGE);
      if (!parsed.value.metadata.namespace) throw new CliError(`${where}: metadata.namespace is missing; add the namespace (GSLBConfig and GDP live in avi-system)`, EXIT_USAGE);
      loaded.push({ kind, object: value as BackupObject, file });
    }
  }
  return loaded;
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
