/**
 * Run as a child process by cluster-client-for-context.int.spec.ts: a client from
 * `clusterClientForContext` does CRUD calls, then reads a Lease; prints whether client-node was
 * loaded after each step (a fresh process, so nothing else loaded it before).
 *   KUBECONFIG_TEXT=… CONTEXT=… node libs/kube/test/lean-client-probe.ts
 */
import { FEDERATED_KINDS } from '@amko-fed/domain';
import { loadedClientNode } from '../src/client-node.ts';
import { clusterClientForContext } from '../src/index.ts';

const client = clusterClientForContext(process.env['KUBECONFIG_TEXT'] ?? '', process.env['CONTEXT'] ?? '', { timeoutMs: 5_000 });
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
const afterCrud = loadedClientNode() !== undefined;
const lease = await client.getLease('avi-system', `${name}-lease`);
const afterLease = loadedClientNode() !== undefined;
process.stdout.write(JSON.stringify({ created: created.metadata.uid === read?.metadata.uid, absent: absent === undefined, lease: lease === undefined, afterCrud, afterLease }));
