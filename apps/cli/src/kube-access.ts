/**
 * Kubeconfig and context selection as kubectl does it: `--kubeconfig FILE`, else `KUBECONFIG`
 * (a PATH-style list, merged), else `~/.kube/config`; `--context NAME`, else the current context.
 * Every context gets its own KubeConfig (see libs/kube), so credentials never cross clusters.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { clusterClientForContext, kubeConfigForContext, type ClusterClient } from '@amko-fed/kube';
import { CliError, EXIT_USAGE } from './cli-error.ts';

export interface KubeSelection {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

export interface KubeEnvironment {
  readonly KUBECONFIG?: string | undefined;
  readonly HOME?: string | undefined;
}

export interface KubeAccess {
  /** The selected context (from --context or the kubeconfig's current context). */
  readonly context: string;
  readonly contexts: readonly string[];
  client(context?: string): ClusterClient;
  /** The KubeConfig of one context alone (for calls ClusterClient does not offer). */
  kubeConfig(context?: string): KubeConfig;
}

export function openKubeAccess(selection: KubeSelection, env: KubeEnvironment, timeoutMs = 10_000): KubeAccess {
  const merged = new KubeConfig();
  const files = selection.kubeconfig
    ? [selection.kubeconfig]
    : env.KUBECONFIG
      ? env.KUBECONFIG.split(':').filter((f) => f !== '')
      : env.HOME
        ? [join(env.HOME, '.kube', 'config')]
        : [];
  const readable = files.filter((f) => existsSync(f));
  if (readable.length === 0) {
    const where = selection.kubeconfig ? `--kubeconfig ${selection.kubeconfig}` : env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG}` : '~/.kube/config';
    throw new CliError(`no kubeconfig found at ${where}; pass --kubeconfig FILE or set KUBECONFIG`, EXIT_USAGE);
  }
  for (const file of readable) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch {
      throw new CliError(`cannot read kubeconfig ${file}: it is not a valid kubeconfig YAML file`, EXIT_USAGE);
    }
    merged.mergeConfig(one, merged.getContexts().length > 0);
  }
  const text = merged.exportConfig();
  const contexts = merged.getContexts().map((c) => c.name);
  const context = selection.context ?? merged.getCurrentContext();
  if (!context) throw new CliError('no context selected: pass --context NAME (the kubeconfig has no current-context)', EXIT_USAGE);
  const known = (name: string): void => {
    if (!contexts.includes(name)) {
      throw new CliError(`context "${name}" does not exist in the kubeconfig; known contexts: ${contexts.join(', ') || 'none'}`, EXIT_USAGE);
    }
  };
  known(context);
  const clients = new Map<string, ClusterClient>();
  return {
    context,
    contexts,
    client(name = context) {
      known(name);
      let client = clients.get(name);
      if (!client) {
        client = clusterClientForContext(text, name, { timeoutMs });
        clients.set(name, client);
      }
      return client;
    },
    kubeConfig(name = context) {
      known(name);
      return kubeConfigForContext(text, name);
    },
  };
}
