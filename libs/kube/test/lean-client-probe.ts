/**
 * Run as a child process by cluster-client-for-context.int.spec.ts, with client-node-loads.ts
 * preloaded: a client from `clusterClientForContext` (static token) or `localClusterClient`
 * (in-cluster, SA_DIR) does CRUD calls, reads a Lease and a Secret, runs an informer to its first
 * sync and stops it, and prints what it saw; the preload records whether client-node was loaded.
 *   KUBECONFIG_TEXT=… CONTEXT=… node --import ./client-node-loads.ts lean-client-probe.ts
 *   IN_CLUSTER_HOST=… IN_CLUSTER_PORT=… SA_DIR=… node --import ./client-node-loads.ts lean-client-probe.ts
 */
import { FEDERATED_KINDS } from '@amko-fed/domain';
import { clusterClientForContext, localClusterClient } from '../src/index.ts';

const env = process.env;
const client =
  env['SA_DIR'] === undefined
    ? clusterClientForContext(env['KUBECONFIG_TEXT'] ?? '', env['CONTEXT'] ?? '', { timeoutMs: 5_000 })
    : await localClusterClient({ kind: 'in-cluster', host: env['IN_CLUSTER_HOST'], port: env['IN_CLUSTER_PORT'], serviceAccountDir: env['SA_DIR'] }, { timeoutMs: 5_000 });
const kind = FEDERATED_KINDS.GSLBConfig;
const name = `probe-${process.pid}`;
const created = await client.create(kind, 'avi-system', {
  apiVersion: 'amko.vmware.com/v1alpha1',
  kind: 'GSLBConfig',
  metadata: { name },
  spec: { gslbLeader: { credentials: 'c', controllerVersion: '22.1.3', controllerIP: '10.0.0.1' }, memberClusters: [{ clusterContext: 'c1' }], refreshInterval: 3 },
});
const read = await client.get(kind, 'avi-system', name);
const absent = await client.get(kind, 'avi-system', `${name}-missing`);
await client.delete(kind, 'avi-system', name);
const lease = await client.getLease('avi-system', `${name}-lease`);
const secret = await client.getSecret('avi-system', `${name}-secret`);
const added: string[] = [];
const informer = client.informer({ kind, namespace: 'avi-system', handlers: { onAdd: (o) => added.push(o.metadata.name) } });
await informer.start();
await informer.synced();
await informer.stop();
process.stdout.write(JSON.stringify({ created: created.metadata.uid === read?.metadata.uid, absent: absent === undefined, lease: lease === undefined, secret: secret === undefined, synced: informer.health().synced }));
