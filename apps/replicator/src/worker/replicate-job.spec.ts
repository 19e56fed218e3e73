/**
 * The job processor over in-memory ports (test/unit-worker.ts): given the projection, the follower
 * and the job, when BullMQ runs the job, then the follower, the result record, the metrics and the
 * reachability callbacks are as the replicator promises. No Redis, no HTTP, no time. Failures:
 * replicate-job-failures.spec.ts; bursts: replicate-burst.spec.ts.
 */
import { UnavailableError } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { FOLLOWER, GDP_KEY, workerWorld } from '../../test/unit-worker.ts';

const APPLIES = 'amko_fed_replicator_applies_total';
const EVENT_TO_APPLIED = 'amko_fed_replicator_event_to_applied_seconds_count';

describe('createJobProcessor', () => {
  describe('when the follower lacks the leader\'s object', () => {
    it('creates it, records "created" at the projection\'s seq and hash, and counts the apply', async () => {
      const world = await workerWorld();
      const seq = await world.upsert(10);
      const { contentHash } = world.stores.log.projected(GDP_KEY) as { contentHash: string };
      const ran = await world.run();
      expect(ran.returned).toEqual({ outcome: 'created', seq });
      expect(ran.state).toBe('completed');
      expect(await world.ttlOnFollower()).toBe(10);
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toMatchObject({ outcome: 'created', seq, attempts: 1, contentHash });
      expect(await world.metric(APPLIES, { cluster: FOLLOWER, outcome: 'created' })).toBe(1);
      expect(await world.metric(EVENT_TO_APPLIED, { cluster: FOLLOWER })).toBe(1);
      expect(world.lines.join('')).toContain('Created GlobalDeploymentPolicy');
    });
  });

  describe('when the follower holds an older copy', () => {
    it('replaces it and records "updated"', async () => {
      const world = await workerWorld();
      await world.upsert(10);
      await world.run();
      const seq = await world.upsert(11);
      expect((await world.run()).returned).toEqual({ outcome: 'updated', seq });
      expect(await world.ttlOnFollower()).toBe(11);
      expect((await world.stores.results.readResult(FOLLOWER, GDP_KEY))?.outcome).toBe('updated');
      expect(await world.metric(APPLIES, { cluster: FOLLOWER, outcome: 'updated' })).toBe(1);
    });
  });

  describe('when the follower already holds the leader\'s state', () => {
    it('writes nothing, records "noop" and observes no event-to-applied latency', async () => {
      const world = await workerWorld();
      await world.upsert(10);
      await world.run();
      const seq = await world.stores.log.appendEvent({
        op: 'upsert', objectKey: GDP_KEY, kind: 'GlobalDeploymentPolicy', resourceVersion: '500', contentHash: 'another-hash', object: (world.stores.log.projected(GDP_KEY) as { object: Record<string, unknown> }).object, source: 'resync',
      });
      await world.stores.queues.enqueue({ cluster: FOLLOWER, objectKey: GDP_KEY, seq, reason: 'resync' });
      expect((await world.run()).returned).toEqual({ outcome: 'noop', seq });
      expect(world.gdpWrites()).toHaveLength(1);
      expect((await world.stores.results.readResult(FOLLOWER, GDP_KEY))).toMatchObject({ outcome: 'noop', seq });
      expect(await world.metric(APPLIES, { cluster: FOLLOWER, outcome: 'noop' })).toBe(1);
      expect(await world.metric(EVENT_TO_APPLIED, { cluster: FOLLOWER })).toBe(1);
    });
  });

  describe('when the leader deleted the object', () => {
    it('deletes the copy and records "deleted" at the tombstone\'s seq, then "noop" once it is gone', async () => {
      const world = await workerWorld();
      await world.upsert(10);
      await world.run();
      const seq = await world.remove();
      expect((await world.run()).returned).toEqual({ outcome: 'deleted', seq });
      expect(await world.ttlOnFollower()).toBeUndefined();
      const result = await world.stores.results.readResult(FOLLOWER, GDP_KEY);
      expect(result).toMatchObject({ outcome: 'deleted', seq });
      expect(result?.contentHash).toBeUndefined();
      await world.stores.queues.enqueue({ cluster: FOLLOWER, objectKey: GDP_KEY, seq, reason: 'resync' });
      expect((await world.run()).returned).toEqual({ outcome: 'noop', seq });
    });
  });

  describe('when the job is older than the projection (a stale, retried or replayed job)', () => {
    it('applies the projection\'s latest state, never the job\'s, and records the latest seq', async () => {
      const world = await workerWorld();
      const first = await world.upsert(10);
      const job = world.stores.queues.take(FOLLOWER);
      const latest = await world.upsert(12);
      expect(job?.job?.seq).toBe(first);
      expect((await world.run({ job }))?.returned).toEqual({ outcome: 'created', seq: latest });
      expect(await world.ttlOnFollower()).toBe(12);
      expect((await world.stores.results.readResult(FOLLOWER, GDP_KEY))?.seq).toBe(latest);
    });
  });

  describe('when the projection has no entry for the object', () => {
    it('deletes nothing on a guess: records "noop" at the job\'s seq and writes nothing', async () => {
      const world = await workerWorld();
      await world.stores.queues.enqueue({ cluster: FOLLOWER, objectKey: GDP_KEY, seq: 7, reason: 'resync' });
      expect((await world.run()).returned).toEqual({ outcome: 'noop', seq: 7 });
      expect(world.gdpWrites()).toEqual([]);
    });
  });

  describe('when Redis lost the data set while the object was applied (recordResultIfProjected)', () => {
    it('still converges the follower but records no result about the lost state', async () => {
      const world = await workerWorld();
      world.follower.fail((verb) => {
        if (verb === 'create') world.stores.log.loseData();
        return undefined;
      });
      await world.upsert(10);
      expect((await world.run()).returned?.outcome).toBe('created');
      expect(await world.ttlOnFollower()).toBe(10);
      expect(await world.stores.results.readResult(FOLLOWER, GDP_KEY)).toBeUndefined();
      expect(world.lines.join('')).toContain('Result not recorded');
    });
  });

  describe('reachability', () => {
    describe('when the follower answers', () => {
      it('reports it reachable', async () => {
        const world = await workerWorld();
        await world.upsert(10);
        await world.run();
        expect(world.reachability).toEqual([[FOLLOWER, true]]);
      });
    });

    describe('when the follower does not answer', () => {
      it('reports it unreachable and retries the job', async () => {
        const world = await workerWorld();
        world.follower.fail(() => new UnavailableError('list on follower1: connect ECONNREFUSED'));
        await world.upsert(10);
        expect((await world.run()).state).toBe('delayed');
        expect(world.reachability).toEqual([[FOLLOWER, false]]);
      });
    });

    describe('when the member registry names no leader yet', () => {
      it('retries without talking to the follower or judging its reachability', async () => {
        const world = await workerWorld({ leader: undefined });
        await world.upsert(10);
        const ran = await world.run();
        expect(ran.state).toBe('delayed');
        expect(ran.error?.message).toContain('names no leader');
        expect(world.reachability).toEqual([]);
        expect(world.gdpWrites()).toEqual([]);
      });
    });
  });
});

describe('the order of an attempt (the job lock check with the projection read)', () => {
  describe('when a change goes to a copy this replicator wrote', () => {
    it('reads the fencing token, then checks the lock with the projection read, then writes: no other lock check', async () => {
      const world = await workerWorld({ epoch: 3 });
      await world.upsert(10);
      await world.run();
      const seq = await world.upsert(11);
      const before = world.steps.length;
      expect((await world.run()).returned).toEqual({ outcome: 'updated', seq });
      expect(world.steps.slice(before)).toEqual(['get Lease', 'lockedRead', 'replace GlobalDeploymentPolicy']);
      expect(await world.ttlOnFollower()).toBe(11);
    });
  });

  describe('when the copy must be read before the write', () => {
    it('checks the lock again after that read, right before the write', async () => {
      const world = await workerWorld({ epoch: 3 });
      await world.upsert(10);
      await world.run();
      expect(world.steps).toEqual(['get Lease', 'lockedRead', 'get GlobalDeploymentPolicy', 'extendLock', 'create GlobalDeploymentPolicy']);
    });
  });

  describe('when the projection changed after the job was enqueued', () => {
    it('writes the state the projection held when the lock was confirmed', async () => {
      const world = await workerWorld();
      await world.upsert(10);
      await world.run();
      const { first, latest, waitingSeq } = await world.upsertTwiceWhileWaiting(11, 12);
      expect(waitingSeq).toBe(first);
      expect((await world.run()).returned).toEqual({ outcome: 'updated', seq: latest });
      expect(await world.ttlOnFollower()).toBe(12);
    });
  });

  describe('without the combined read', () => {
    it('reads the projection first and checks the lock right before the write', async () => {
      const world = await workerWorld({ epoch: 3, lockedRead: false });
      await world.upsert(10);
      await world.run();
      await world.upsert(11);
      const before = world.steps.length;
      await world.run();
      expect(world.steps.slice(before)).toEqual(['get Lease', 'extendLock', 'replace GlobalDeploymentPolicy']);
      expect(await world.ttlOnFollower()).toBe(11);
    });
  });
});
