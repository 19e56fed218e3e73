import { kubeconfigYaml, startEmulatedCluster } from '@amko-fed/kube-emulator';
import { createClusterClient } from './cluster-client.ts';
import { kubeConfigForContext } from './kube-config.ts';
import { clusterClientContract } from './testing/cluster-client.contract.ts';

clusterClientContract('the real client on an emulated API server', async () => {
  const cluster = await startEmulatedCluster({ name: 'contract' });
  const client = createClusterClient({ context: 'contract', kubeConfig: kubeConfigForContext(kubeconfigYaml([cluster]), 'contract') });
  return { client, close: () => cluster.close() };
});
