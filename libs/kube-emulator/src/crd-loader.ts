/** Reads CustomResourceDefinition manifests (YAML or JSON, multi-document) from a directory. */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { isJsonObject, type JsonObject } from './object.ts';

/** The repository's AMKO CRDs (`deploy/crds`), resolved from this file's location. */
export const defaultCrdsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../deploy/crds');

export class CrdLoadError extends Error {
  readonly code = 'CRD_LOAD_FAILED';
}

/** Every CustomResourceDefinition in `*.yaml`, `*.yml` and `*.json` files of `dir` (sorted by file name). */
export async function loadCrdManifests(dir: string): Promise<{ file: string; crd: JsonObject }[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/i.test(f)).sort();
  } catch (cause) {
    throw new CrdLoadError(`cannot read the CRD directory ${dir}`, { cause });
  }
  const out: { file: string; crd: JsonObject }[] = [];
  for (const name of files) {
    const file = join(dir, name);
    const text = await readFile(file, 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new CrdLoadError(`${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
      const value: unknown = doc.toJS();
      if (isJsonObject(value) && value['kind'] === 'CustomResourceDefinition') out.push({ file, crd: value });
    }
  }
  return out;
}
