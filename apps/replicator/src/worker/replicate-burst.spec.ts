/**
 * Burst coalescing through the job processor (ARCHITECTURE §7: a burst of 100 updates to one object
 * costs ≤ 3 applies per follower), on the in-memory ports and a clock the test moves, so the rule is
 * checked deterministically however loaded the machine is (the replicate.int burst test checks the
 * same over Redis and BullMQ). Defaults: quiet period 50 ms, longest deferral 1 s.
 */
import { DelayedError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { FOLLOWER, workerWorld, type WorkerWorld } from '../../test/unit-worker.ts';
import { MAX_DEFER_MS, QUIET_MS } from './burst-coalescer.ts';

/**
 * Runs the first job; the leader changes the object again, `changes` times, while it is being
 * applied: when the follower is asked to `verb` it ('get': before the write is sent; 'create': once
 * it is sent), after moving the clock `lateMs` on.
 */
async function applyWhileLeaderChanges(world: WorkerWorld, { verb = 'get', changes = 1, lateMs = 0 } = {}): Promise<void> {
  const made: Promise<number>[] = [];
  world.follower.fail((asked, kind) => {
    if (kind === 'GlobalDeploymentPolicy' && asked === verb && made.length === 0) {
      world.advance(lateMs);
      for (let i = 1; i <= changes; i += 1) made.push(world.upsert(i));
    }
    return undefined;
  });
  await world.upsert(0);
  expect((await world.run()).returned?.outcome).toBe('created');
  await Promise.all(made);
  world.follower.fail(undefined);
}

describe('createJobProcessor burst coalescing', () => {
  describe('when 100 changes arrive while the first one is being applied and after it', () => {
    it('applies the first at once and the rest once the object is quiet: 2 follower writes in all', async () => {
      const world = await workerWorld();
      const burstStartMs = world.nowMs();
      await applyWhileLeaderChanges(world);
      const next = world.stores.queues.take(FOLLOWER);
      if (next === undefined) throw new Error('the change made during the apply was not queued');
      const stepsBefore = world.steps.length;
      for (let ttl = 2; ttl < 100; ttl += 1) {
        world.advance(5);
        await world.upsert(ttl);
        const deferred = await world.run({ job: next });
        expect(deferred.error).toBeInstanceOf(DelayedError);
        expect(deferred.delayedUntilMs).toBe(Math.min(world.nowMs() + QUIET_MS, burstStartMs + MAX_DEFER_MS));
      }
      // Deferred on the projection alone: nothing sent to the follower, no lock checked.
      expect(world.steps.slice(stepsBefore)).toEqual([]);
      world.advance(QUIET_MS);
      expect((await world.run({ job: next })).returned?.outcome).toBe('updated');
      expect(await world.ttlOnFollower()).toBe(99);
      expect(world.gdpWrites()).toHaveLength(2);
    });
  });

  describe('when the object never stops changing', () => {
    it('still applies once the longest deferral has passed since the burst began', async () => {
      const world = await workerWorld();
      const burstStartMs = world.nowMs();
      await applyWhileLeaderChanges(world);
      const next = world.stores.queues.take(FOLLOWER);
      if (next === undefined) throw new Error('the change made during the apply was not queued');
      let ttl = 2;
      for (; world.nowMs() + 10 < burstStartMs + MAX_DEFER_MS; ttl += 1) {
        world.advance(10);
        await world.upsert(ttl);
        expect((await world.run({ job: next })).error).toBeInstanceOf(DelayedError);
      }
      world.advance(burstStartMs + MAX_DEFER_MS - world.nowMs());
      await world.upsert(ttl);
      expect((await world.run({ job: next })).returned?.outcome).toBe('updated');
      expect(await world.ttlOnFollower()).toBe(ttl);
      expect(world.gdpWrites()).toHaveLength(2);
    });
  });

  describe('when the leader changes the object only after the previous change was applied', () => {
    it('applies each change at once, never waiting for a quiet period', async () => {
      const world = await workerWorld();
      for (let ttl = 0; ttl < 5; ttl += 1) {
        world.advance(1);
        await world.upsert(ttl);
        const ran = await world.run();
        expect(ran.error).toBeUndefined();
        expect(ran.returned?.outcome).toBe(ttl === 0 ? 'created' : 'updated');
      }
      expect(world.gdpWrites()).toHaveLength(5);
    });
  });

  describe('when the leader changes the object once, after the follower write was sent', () => {
    it('applies that change at once: a writer that waits for the followers is not a burst', async () => {
      const world = await workerWorld();
      await applyWhileLeaderChanges(world, { verb: 'create', lateMs: 3 });
      const next = world.stores.queues.take(FOLLOWER);
      if (next === undefined) throw new Error('the change made during the apply was not queued');
      const ran = await world.run({ job: next });
      expect(ran.error).toBeUndefined();
      expect(ran.returned?.outcome).toBe('updated');
      expect(await world.ttlOnFollower()).toBe(1);
    });
  });

  describe('when the leader changes the object twice or more after the follower write was sent', () => {
    it('defers the next apply until the object is quiet', async () => {
      const world = await workerWorld();
      await applyWhileLeaderChanges(world, { verb: 'create', lateMs: 3, changes: 2 });
      const next = world.stores.queues.take(FOLLOWER);
      if (next === undefined) throw new Error('the changes made during the apply were not queued');
      expect((await world.run({ job: next })).error).toBeInstanceOf(DelayedError);
      world.advance(QUIET_MS);
      expect((await world.run({ job: next })).returned?.outcome).toBe('updated');
      expect(await world.ttlOnFollower()).toBe(2);
      expect(world.gdpWrites()).toHaveLength(2);
    });
  });

  describe('when the job is run without a lock token (not by a Worker that can delay it)', () => {
    it('applies at once even during a burst', async () => {
      const world = await workerWorld();
      await applyWhileLeaderChanges(world);
      const next = world.stores.queues.take(FOLLOWER);
      if (next === undefined) throw new Error('the change made during the apply was not queued');
      expect((await world.run({ job: next })).error).toBeInstanceOf(DelayedError);
      expect((await world.run({ job: next, token: undefined })).returned?.outcome).toBe('updated');
      expect(await world.ttlOnFollower()).toBe(1);
    });
  });
});
