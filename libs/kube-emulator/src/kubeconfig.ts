/** kubeconfig entries for emulated clusters and a writer for one file holding several clusters. */
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** The three kubeconfig entries of one cluster (context, cluster and user share its name). */
export interface KubeconfigEntry {
  readonly cluster: { readonly name: string; readonly cluster: Readonly<Record<string, unknown>> };
  readonly user: { readonly name: string; readonly user: { readonly token: string } };
  readonly context: { readonly name: string; readonly context: { readonly cluster: string; readonly user: string; readonly namespace?: string } };
}

export interface KubeconfigEntrySource {
  readonly name: string;
  readonly url: string;
  readonly token: string;
  /** PEM of the CA; omitted for plain HTTP. */
  readonly caPem?: string | undefined;
}

export interface KubeconfigOptions {
  /** @defaultValue the first cluster's context */
  readonly currentContext?: string;
  /** Default namespace written into every context. */
  readonly namespace?: string;
}

/** The kubeconfig entries for one cluster: HTTPS with `certificate-authority-data`, or HTTP with `insecure-skip-tls-verify`. */
export function kubeconfigEntryOf(source: KubeconfigEntrySource, namespace?: string): KubeconfigEntry {
  const cluster: Record<string, unknown> = { server: source.url };
  if (source.caPem !== undefined) cluster['certificate-authority-data'] = Buffer.from(source.caPem).toString('base64');
  else cluster['insecure-skip-tls-verify'] = true;
  return {
    cluster: { name: source.name, cluster },
    user: { name: source.name, user: { token: source.token } },
    context: { name: source.name, context: { cluster: source.name, user: source.name, ...(namespace ? { namespace } : {}) } },
  };
}

/** A kubeconfig document (YAML) with one context, cluster and user per cluster. */
export function kubeconfigYaml(clusters: readonly { readonly kubeconfigEntry: KubeconfigEntry }[], options: KubeconfigOptions = {}): string {
  const entries = clusters.map((c) =>
    options.namespace === undefined
      ? c.kubeconfigEntry
      : { ...c.kubeconfigEntry, context: { ...c.kubeconfigEntry.context, context: { ...c.kubeconfigEntry.context.context, namespace: options.namespace } } },
  );
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: entries.map((e) => e.cluster),
    users: entries.map((e) => e.user),
    contexts: entries.map((e) => e.context),
    'current-context': options.currentContext ?? entries[0]?.context.name ?? '',
  };
  return stringify(doc);
}

/** Writes {@link kubeconfigYaml} to `file` with mode 0600 (it holds tokens). */
export async function writeKubeconfig(
  file: string,
  clusters: readonly { readonly kubeconfigEntry: KubeconfigEntry }[],
  options: KubeconfigOptions = {},
): Promise<void> {
  await writeFile(file, kubeconfigYaml(clusters, options), { mode: 0o600 });
}
