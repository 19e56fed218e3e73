/**
 * One KubeConfig per context. client-node takes auth and TLS from the *current* context on every
 * request, so switching the current context of a shared KubeConfig would send one cluster's
 * credentials to another (reference/kube-api-notes.md §1). Every client here gets its own copy.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { clientNode } from './client-node.ts';
import { KubeConfigError } from './kube-config-error.ts';

/** Loads `text` and selects `context`; throws KubeConfigError (secret-free message) when impossible. */
export function kubeConfigForContext(text: string, context: string): KubeConfig {
  const kc = new (clientNode().KubeConfig)();
  try {
    kc.loadFromString(text);
  } catch (err) {
    // client-node's messages quote the offending YAML; never pass them on, they can carry tokens
    throw new KubeConfigError('the kubeconfig could not be parsed as a kubeconfig YAML document', { cause: stripCause(err) });
  }
  if (!kc.getContextObject(context)) {
    throw new KubeConfigError(`context "${context}" does not exist in the kubeconfig`);
  }
  kc.setCurrentContext(context);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new KubeConfigError(`context "${context}" names a cluster without a server URL`);
  return kc;
}

function stripCause(err: unknown): Error {
  return new Error(err instanceof Error ? err.name : 'parse error');
}
