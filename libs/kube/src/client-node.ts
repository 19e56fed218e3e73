/**
 * @kubernetes/client-node, loaded on first use. Importing it costs about 85 MB of RSS (its
 * generated API surface is ~25 MB of JavaScript, all reachable from `KubeConfig`), which the
 * replicator never needs: its clusters are reached through the lean request path with static
 * kubeconfig credentials (kubeconfig-context.ts). The watcher (informers, Leases) and the CLI load
 * it the first time they need it. `require` of an ES module is synchronous in Node 24 and gives
 * the same module instance as `import`, so `instanceof` checks and types stay valid.
 */
import { createRequire } from 'node:module';
import type * as ClientNodeModule from '@kubernetes/client-node';

export type ClientNode = typeof ClientNodeModule;

const load = createRequire(import.meta.url);
let loaded: ClientNode | undefined;

/** The client-node module, loading it now if needed. */
export function clientNode(): ClientNode {
  loaded ??= load('@kubernetes/client-node') as ClientNode;
  return loaded;
}

/** The client-node module if something already loaded it (nothing from it can exist otherwise). */
export function loadedClientNode(): ClientNode | undefined {
  return loaded;
}
