/**
 * The job processor under leadership epochs, over in-memory ports (test/unit-worker.ts): given the
 * member registry's epoch and what the follower holds (its fencing token, its copy), when BullMQ
 * runs the job, then the replicator writes at its epoch, re-stamps copies of earlier leaderships,
 * and never writes into a follower that follows a later leadership.
 */
import {
  APPLIED_AT_ANNOTATION,
  AVI_SYSTEM_NAMESPACE,
  ErrorCode,
  FEDERATED_KINDS,
  LEADER_EPOCH_ANNOTATION,
  SOURCE_CLUSTER_ANNOTATION,
  type KubeObject,
} from '@amko-fed/domain';
import { stampFenceToken } from '@amko-fed/kube';
import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { FOLLOWER, GDP_KEY, LEADER, workerWorld } from '../../test/unit-worker.ts';

const GDP = FEDERATED_KINDS.GlobalDeploymentPolicy;
const NAME = 'global-gdp';

async function followerCopy(world: Awaited<ReturnType<typeof workerWorld>>): Promise<KubeObject | undefined> {
  return world.follower.client.get(GDP, AVI_SYSTEM_NAMESPACE, NAME);
}

describe('createJobProcessor with leadership epochs', () => {
  describe('when the follower follows this leadership', () => {
    it('writes the copy stamped with the epoch and the time', async () => {
      const world = await workerWorld({ epoch: 4 });
      await stampFenceToken(world.follower.client, { leader: LEADER, epoch: 4 });
      await world.upsert(10);
      expect((await world.run()).state).toBe('completed');
      const copy = await followerCopy(world);
      expect(copy?.metadata.annotations).toMatchObject({ [LEADER_EPOCH_ANNOTATION]: '4', [SOURCE_CLUSTER_ANNOTATION]: LEADER });
      expect(copy?.metadata.annotations?.[APPLIED_AT_ANNOTATION]).toBe(new Date(world.nowMs()).toISOString());
    });
  });

  describe("when the follower's fencing token names a later leadership", () => {
    it('refuses to write, records "fenced" naming both leaders and epochs, and fails the job for good', async () => {
      const world = await workerWorld({ epoch: 4 });
      await stampFenceToken(world.follower.client, { leader: 'cluster2', epoch: 5 });
      await world.upsert(10);
      const ran = await world.run();
      expect(ran.error).toBeInstanceOf(UnrecoverableError);
      expect(world.gdpWrites()).toEqual([]);
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({
        outcome: 'fenced',
        errorCode: ErrorCode.FencedLeader,
        errorMessage: expect.stringContaining(`fenced: ${FOLLOWER} follows cluster2 at epoch 5; this leader is ${LEADER} at epoch 4`),
      });
    });
  });

  describe('when the token names another leader at the same epoch (it won the race)', () => {
    it('refuses to write', async () => {
      const world = await workerWorld({ epoch: 5 });
      await stampFenceToken(world.follower.client, { leader: 'cluster2', epoch: 5 });
      await world.upsert(10);
      await world.run();
      expect(world.gdpWrites()).toEqual([]);
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({ outcome: 'fenced' });
    });
  });

  describe('when a later leader stamps the token while this replicator holds a fresh cached fence answer', () => {
    it('obeys the stamp at the next apply: no write, "fenced"', async () => {
      const world = await workerWorld({ epoch: 4 });
      await stampFenceToken(world.follower.client, { leader: LEADER, epoch: 4 });
      await world.upsert(10);
      await world.run();
      await stampFenceToken(world.follower.client, { leader: 'cluster2', epoch: 5 });
      const before = world.gdpWrites().length;
      await world.upsert(11);
      await world.run();
      expect(world.gdpWrites().length).toBe(before);
      expect((await followerCopy(world))?.['spec']).toMatchObject({ ttl: 10 });
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({
        outcome: 'fenced',
        errorMessage: expect.stringContaining(`${FOLLOWER} follows cluster2 at epoch 5; this leader is ${LEADER} at epoch 4`),
      });
    });
  });

  describe('when the copy on the follower was written by a later leadership (the token read is still cached)', () => {
    it('leaves the copy alone and records "fenced"', async () => {
      const world = await workerWorld({ epoch: 4 });
      await stampFenceToken(world.follower.client, { leader: LEADER, epoch: 4 });
      await world.upsert(10);
      await world.run();
      // A later leader writes its copy; this replicator's cached token read still says epoch 4.
      const copy = await followerCopy(world);
      if (copy === undefined) throw new Error('expected a copy');
      await world.follower.client.replace(GDP, AVI_SYSTEM_NAMESPACE, NAME, {
        ...copy,
        metadata: { ...copy.metadata, annotations: { ...copy.metadata.annotations, [SOURCE_CLUSTER_ANNOTATION]: 'cluster2', [LEADER_EPOCH_ANNOTATION]: '6' } },
        spec: { ...(copy['spec'] as object), ttl: 99 },
      } as KubeObject);
      const before = world.gdpWrites().length;
      await world.upsert(11);
      await world.run();
      expect(world.gdpWrites().length).toBe(before);
      expect((await followerCopy(world))?.['spec']).toMatchObject({ ttl: 99 });
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({
        outcome: 'fenced',
        errorMessage: expect.stringContaining(`${FOLLOWER} follows cluster2 at epoch 6; this leader is ${LEADER} at epoch 4`),
      });
    });
  });

  describe('when the copy was written by an earlier leadership with the same content', () => {
    it('re-stamps it with this epoch', async () => {
      const earlier = await workerWorld({ epoch: 1 });
      await earlier.upsert(10);
      await earlier.run();
      const old = await followerCopy(earlier);
      const world = await workerWorld({ epoch: 2 });
      await world.follower.client.create(GDP, AVI_SYSTEM_NAMESPACE, { ...(old as KubeObject), metadata: { ...(old as KubeObject).metadata, resourceVersion: undefined } } as KubeObject);
      await world.upsert(10);
      expect((await world.run()).state).toBe('completed');
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({ outcome: 'updated' });
      expect((await followerCopy(world))?.metadata.annotations?.[LEADER_EPOCH_ANNOTATION]).toBe('2');
    });
  });
});
