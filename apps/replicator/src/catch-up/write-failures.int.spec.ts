/**
 * Issue #9 (2): a follower that still answers the catch-up probe (a LIST of AMKOClusters) while
 * its writes fail must not have its jobs' attempt budget burnt by promotions. Observed before the
 * fix: writes answered 503 made one object do 12 attempts in 9 s and give up; with 50 % 500s each
 * success promoted every delayed job, attempts 8–12 within 271 ms.
 *
 * The bound checked here follows from the rules, not from timing: with the jitter pinned to its
 * ceiling (seeded `random`), a job's own retries are RETRY_BASE·2^(k−1) apart (capped), and
 * promotions of one follower are at least as far apart as that schedule (the first immediate). So
 * after `elapsed` ms a job has made at most 1 + steps(elapsed) + 1 + steps(elapsed) attempts, where
 * steps(t) counts how many gaps of that schedule fit into t. `elapsed` is measured by the test from
 * before the job was enqueued, so a slow machine only loosens the bound.
 */
import { AVI_SYSTEM_NAMESPACE, type ObjectKey } from '@amko-fed/domain';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GC_KEY, gdp, gslbConfig, replicatorFixture, specOf, type ReplicatorFixture } from '../../test/fixture.ts';

const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 8_000;
const SETTINGS = { RETRY_BASE: '1s', RETRY_CAP: '8s', RETRY_ATTEMPTS: '12' };
/** Jitter at its ceiling: every delay is exactly RETRY_BASE·2^(k−1), capped. */
const CEILING = (): number => 0.999999;

/** How many consecutive gaps RETRY_BASE·2^(k−1) (capped at RETRY_CAP) fit into `elapsedMs`. */
function stepsWithin(elapsedMs: number): number {
  let spent = 0;
  for (let step = 0; ; step += 1) {
    spent += Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** step);
    if (spent > elapsedMs) return step;
  }
}

/** The most attempts one job can have made `elapsedMs` after it was enqueued (see the header). */
function attemptBound(elapsedMs: number): number {
  return 1 + stepsWithin(elapsedMs) + 1 + stepsWithin(elapsedMs);
}

interface Sample {
  readonly elapsedMs: number;
  readonly attempts: Record<string, number>;
  readonly failed: readonly string[];
}

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed'] as const;

/** Attempts per object of a follower's jobs, and which failed for good. */
async function sample(fx: ReplicatorFixture, cluster: string, startedAt: number): Promise<Sample> {
  const queue = fx.queues.queue(cluster);
  const [jobs, failedJobs] = await Promise.all([queue.getJobs([...STATES]), queue.getJobs(['failed'])]);
  const elapsedMs = Date.now() - startedAt;
  const keyOf = (job: Job): string => (job.data as { objectKey: string }).objectKey;
  const attempts: Record<string, number> = {};
  for (const job of [...jobs, ...failedJobs]) attempts[keyOf(job)] = Math.max(attempts[keyOf(job)] ?? 0, job.attemptsMade);
  return { elapsedMs, attempts, failed: failedJobs.map(keyOf) };
}

/** Objects whose attempts exceed the bound at the time of the sample. */
function overBound(s: Sample): Record<string, number> {
  const bound = attemptBound(s.elapsedMs);
  return Object.fromEntries(Object.entries(s.attempts).filter(([, n]) => n > bound));
}

/**
 * Samples the follower's jobs until `windowMs` has passed since `startedAt`, failing at the first
 * sample where any job made more attempts than the bound allows.
 */
async function watchAttempts(fx: ReplicatorFixture, cluster: string, startedAt: number, windowMs: number): Promise<Sample> {
  return eventually(
    async () => {
      const s = await sample(fx, cluster, startedAt);
      const over = overBound(s);
      if (Object.keys(over).length > 0) {
        throw new Error(`after ${s.elapsedMs} ms at most ${attemptBound(s.elapsedMs)} attempts are allowed; made ${JSON.stringify(over)}`);
      }
      return s;
    },
    (s) => s.elapsedMs >= windowMs,
    windowMs + 30_000,
    'the observation window',
    100,
  );
}

describe('catch-up of a follower whose writes fail', () => {
  describe('when the follower answers 503 to every write but lists fine', () => {
    let fx: ReplicatorFixture;

    beforeAll(async () => {
      fx = await replicatorFixture({ followers: ['follower1'] });
      await fx.publishMembers();
      await fx.startReplicator(SETTINGS, { random: CEILING });
    });
    afterAll(() => fx.close());

    it('spends attempts no faster than the backoff allows, keeps the job, and converges once writes work', async () => {
      const follower = fx.follower('follower1');
      follower.faults.set({ error: { status: 503, verbs: ['update', 'create', 'delete', 'patch'] } });
      const startedAt = Date.now();
      await fx.upsert(gslbConfig(5));

      const last = await watchAttempts(fx, 'follower1', startedAt, 14_000);
      expect(last.failed).toEqual([]);
      // Retries went on (own backoff and promotions), within the bound.
      expect(last.attempts[GC_KEY]).toBeGreaterThanOrEqual(3);
      expect(last.attempts[GC_KEY]).toBeLessThanOrEqual(attemptBound(last.elapsedMs));
      expect((await fx.result('follower1', GC_KEY))?.errorCode).toBe('UNAVAILABLE');

      follower.faults.clear();
      const interval = await eventually(async () => specOf(await fx.followerObject('follower1', GC_KEY))?.['refreshInterval'], (v) => v === 5, 30_000, 'follower1 converged');
      expect(interval).toBe(5);
      expect((await fx.result('follower1', GC_KEY))?.outcome).toBe('created');
    }, 90_000);
  });

  describe('when half of the follower requests answer 500', () => {
    const NAMES = Array.from({ length: 24 }, (_, i) => `gdp-${i + 1}`);
    const keyOf = (name: string): ObjectKey => `GlobalDeploymentPolicy/${AVI_SYSTEM_NAMESPACE}/${name}`;
    let fx: ReplicatorFixture;

    beforeAll(async () => {
      fx = await replicatorFixture({ followers: ['follower1'] });
      await fx.publishMembers();
      await fx.startReplicator(SETTINGS, { random: CEILING });
    });
    afterAll(() => fx.close());

    it('lets no success promote retries faster than the backoff allows, and converges once the errors stop', async () => {
      const follower = fx.follower('follower1');
      follower.faults.set({ error: { status: 500, probability: 0.5 } });
      const startedAt = Date.now();
      for (const [i, name] of NAMES.entries()) await fx.upsert(gdp(100 + i, name));

      const last = await watchAttempts(fx, 'follower1', startedAt, 10_000);
      expect(last.failed).toEqual([]);
      expect(Object.keys(last.attempts)).toHaveLength(NAMES.length);

      follower.faults.clear();
      const ttls = await eventually(
        () => Promise.all(NAMES.map(async (name) => specOf(await fx.followerObject('follower1', keyOf(name)))?.['ttl'])),
        (all) => all.every((ttl, i) => ttl === 100 + i),
        30_000,
        'every object on follower1',
      );
      expect(ttls).toEqual(NAMES.map((_, i) => 100 + i));
    }, 90_000);
  });
});
