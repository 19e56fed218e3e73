/**
 * Watches the AMKOClusters in the pod's namespace, so that a change of the local AMKOCluster (most
 * importantly of `spec.isLeader`) is acted on at once, without a restart. Only changes of `spec`
 * and of the leadership epoch annotation trigger a re-evaluation (our own status writes do not);
 * every event also tells the status writer what the object currently shows.
 */
import { AMKO_CLUSTER_KIND, readEpoch, type AMKOClusterCondition } from '@amko-fed/domain';
import type { ClusterClient, ResilientInformer } from '@amko-fed/kube';
import type { Logger } from 'pino';
import type { StatusTarget } from './decide-role.ts';

export interface RoleWatch {
  start(): Promise<void>;
  stop(): Promise<void>;
  synced(): boolean;
}

export function createRoleWatch(options: {
  /** The local cluster: the informer comes from it. */
  readonly client: ClusterClient;
  readonly namespace: string;
  readonly logger: Logger;
  /** The role may have changed. */
  onChange(): void;
  /** An AMKOCluster's current status conditions (undefined when it was deleted). */
  onStatus(target: StatusTarget, conditions: readonly AMKOClusterCondition[] | undefined): void;
}): RoleWatch {
  const logger = options.logger.child({ component: 'role' });
  const fingerprints = new Map<string, string>();

  const read = (object: unknown) => {
    const o = object as { metadata?: { name?: string; namespace?: string; uid?: string; annotations?: Record<string, string> }; spec?: unknown; status?: { conditions?: AMKOClusterCondition[] } };
    const target = { namespace: o.metadata?.namespace ?? options.namespace, name: o.metadata?.name ?? '' };
    return { target, key: `${target.namespace}/${target.name}`, fingerprint: `${o.metadata?.uid ?? ''}|${JSON.stringify(o.spec ?? null)}|${readEpoch(o) ?? ''}`, conditions: o.status?.conditions };
  };

  const changed = (object: unknown): void => {
    const { target, key, fingerprint, conditions } = read(object);
    options.onStatus(target, conditions);
    if (fingerprints.get(key) === fingerprint) return;
    fingerprints.set(key, fingerprint);
    options.onChange();
  };

  const informer: ResilientInformer = options.client.informer({
    kind: AMKO_CLUSTER_KIND,
    namespace: options.namespace,
    handlers: {
      onAdd: changed,
      onUpdate: changed,
      onDelete: (object) => {
        const { target, key } = read(object);
        fingerprints.delete(key);
        options.onStatus(target, undefined);
        options.onChange();
      },
      onSynced: () => options.onChange(),
      onError: (err, restartInMs) => logger.warn({ err, restartInMs }, 'Could not watch AMKOClusters, restarting the watch'),
    },
  });

  return {
    start: () => informer.start().catch((err: unknown) => logger.warn({ err }, 'Could not start watching AMKOClusters, retrying')),
    stop: () => informer.stop(),
    synced: () => informer.health().synced,
  };
}
