/**
 * Validates rendered objects against the Kubernetes OpenAPI schemas with kubernetes-models (the
 * generated models of the Kubernetes API, and of prometheus-operator for the monitoring kinds):
 * types, required fields, enums and formats. Why this validator: docs/adr/0013-helm-chart-validation-and-one-source-of-truth.md.
 */
import type { Manifest } from './chart-tools.ts';

interface Model { validate(): void }
type ModelClass = new (data: unknown) => Model;

function modulePath(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  return group === '' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

/** The schema errors of one object ('' when valid); throws when no model knows its kind. */
export async function schemaErrors(manifest: Manifest): Promise<string> {
  const path = modulePath(manifest.apiVersion, manifest.kind);
  const module = (await import(path)) as Record<string, ModelClass | undefined>;
  const Model = module[manifest.kind];
  if (!Model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind} (${path})`);
  try {
    new Model(manifest).validate();
    return '';
  } catch (err) {
    return `${manifest.kind}/${manifest.metadata.name}: ${(err as Error).message}`;
  }
}
