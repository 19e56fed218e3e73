/** The store contracts against the Redis adapters: each subject is a fresh key prefix of the run's Redis. */
import { isolatedPrefix } from '@amko-fed/testing';
import { afterAll } from 'vitest';
import { redisFixture } from '../test/redis-fixture.ts';
import { redisSubjects } from '../test/redis-subject.ts';
import { federationLogContract } from './testing/federation-log.contract.ts';
import { followerQueuesContract } from './testing/follower-queues.contract.ts';
import { memberRegistryContract } from './testing/member-registry.contract.ts';
import { resultsStoreContract } from './testing/results-store.contract.ts';

const fixture = redisFixture(isolatedPrefix('contract'));
const onRedis = redisSubjects(fixture.connect('client'), fixture.connect('worker'), fixture.prefix);
afterAll(() => fixture.close());

federationLogContract('Redis', onRedis);
resultsStoreContract('Redis', onRedis);
memberRegistryContract('Redis', onRedis);
followerQueuesContract('Redis (BullMQ)', onRedis);
