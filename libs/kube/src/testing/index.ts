/** Test doubles of this adapter lib (`@amko-fed/kube/testing`): checked against the real client by cluster-client.contract.ts. */
export { createInMemoryCluster, type ClientVerb, type InMemoryCluster } from './in-memory-cluster.ts';
export { clusterClientContract, type ContractSubject } from './cluster-client.contract.ts';
