/**
 * `amko-fed backup --context X --out DIR`: GSLBConfig and GlobalDeploymentPolicy from avi-system
 * and GSLBHostRule from every namespace, one clean YAML file per object, ready for
 * `kubectl apply -f DIR` or `amko-fed restore`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiVersionOf, BACKUP_SOURCES, backupFileName, renderBackupFile, toBackupObject } from '@amko-fed/domain';
import { CliError } from '../cli-error.ts';
import type { KubeAccess } from '../kube-access.ts';

export interface BackupOptions {
  readonly out: string;
}

export interface BackedUpFile {
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly file: string;
}

export async function backup(kube: KubeAccess, options: BackupOptions): Promise<BackedUpFile[]> {
  const client = kube.client();
  try {
    await mkdir(options.out, { recursive: true });
  } catch (err) {
    throw new CliError(`cannot create the output directory ${options.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1, { cause: err });
  }
  const written: BackedUpFile[] = [];
  for (const { info, namespace } of BACKUP_SOURCES) {
    const list = await client.list(info, namespace).catch((err: unknown) => {
      throw new CliError(`cannot list ${info.kind} on ${client.context}: ${(err as Error).message}`, 1, { cause: err });
    });
    for (const item of list.items) {
      const object = toBackupObject(item, apiVersionOf(info), info.kind);
      const file = join(options.out, backupFileName(info.kind, item.metadata.namespace, item.metadata.name));
      try {
        await writeFile(file, renderBackupFile(object));
      } catch (err) {
        throw new CliError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1, { cause: err });
      }
      written.push({ kind: info.kind, namespace: item.metadata.namespace, name: item.metadata.name, file });
    }
  }
  return written;
}
