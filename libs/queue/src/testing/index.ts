/**
 * Test doubles of this adapter lib (`@amko-fed/queue/testing`): in-memory stores with the observable
 * behaviour of the Redis ones, checked against them by the contract suites exported here.
 */
export { createInMemoryStores, type InMemoryStores, type InMemoryStoresOptions } from './in-memory-stores.ts';
export { createInMemoryFederationLog, type ChangeStamp, type InMemoryFederationLog, type InMemoryFederationLogOptions } from './in-memory-federation-log.ts';
export { createInMemoryResultsStore, type InMemoryResultsStore, type InMemoryResultsStoreOptions } from './in-memory-results-store.ts';
export { createInMemoryMemberRegistry, type InMemoryMemberRegistry, type InMemoryMemberRegistryOptions } from './in-memory-member-registry.ts';
export {
  createInMemoryFollowerQueues,
  JobState,
  type InMemoryFollowerQueues,
  type InMemoryFollowerQueuesOptions,
  type QueuedJob,
} from './in-memory-follower-queues.ts';
export { federationLogContract } from './federation-log.contract.ts';
export { resultsStoreContract } from './results-store.contract.ts';
export { memberRegistryContract } from './member-registry.contract.ts';
export { followerQueuesContract } from './follower-queues.contract.ts';
export type { ContractWorker, MakeStores, StoresSubject, SubjectOptions, TakenJob } from './contract-subject.ts';
