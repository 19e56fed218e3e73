import { decodeJob, type ObjectKey } from '@amko-fed/domain';
import { isolatedPrefix } from '@amko-fed/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { redisFixture } from '../test/redis-fixture.ts';
import { createFederationLog } from './federation-log.ts';
import { followerJobOptions } from './follower-job-options.ts';
import { createFollowerQueues } from './follower-queues.ts';
import { ReplaySelectionError } from './errors/replay-selection-error.ts';
import { replay } from './replay.ts';

const fixture = redisFixture(isolatedPrefix('replay'));
const client = fixture.connect('client');
const queues = createFollowerQueues({ connection: client, prefix: fixture.prefix, defaultJobOptions: followerJobOptions({ attempts: 1 }) });
const log = createFederationLog({ redis: client, prefix: fixture.prefix });

afterAll(async () => {
  await queues.close();
  await fixture.close();
});

const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const oldGdp = 'GlobalDeploymentPolicy/avi-system/old-gdp' as ObjectKey;

async function waitingJobs(cluster: string) {
  const jobs = await queues.queue(cluster).getJobs(['waiting', 'prioritized']);
  return jobs.map((j) => decodeJob(j.data)).flatMap((d) => (d.ok ? [d.job] : []));
}

describe('replay', () => {
  describe('when asked to re-drive every object to a follower', () => {
    it('enqueues each projection entry, tombstones included, with its latest seq and reason replay', async () => {
      await queues.pause('c2');
      await log.appendEvent({ op: 'upsert', objectKey: gc, kind: 'GSLBConfig', resourceVersion: '1', contentHash: 'h1', object: { metadata: { name: 'gc-1' } }, source: 'watch' });
      await log.appendEvent({ op: 'upsert', objectKey: gdp, kind: 'GlobalDeploymentPolicy', resourceVersion: '2', contentHash: 'h2', object: { metadata: { name: 'global-gdp' } }, source: 'watch' });
      const tombstoneSeq = await log.appendEvent({ op: 'delete', objectKey: oldGdp, kind: 'GlobalDeploymentPolicy', resourceVersion: '3', source: 'resync' });

      const result = await replay({ queues, log, followers: ['c2', 'c3'] }, { cluster: 'c2', allObjects: true });

      expect(result).toEqual({ retried: 0, enqueued: 3, clusters: ['c2'] });
      const jobs = await waitingJobs('c2');
      expect(jobs.map((j) => j.objectKey).sort()).toEqual([gc, gdp, oldGdp].sort());
      expect(jobs.every((j) => j.reason === 'replay')).toBe(true);
      expect(jobs.find((j) => j.objectKey === oldGdp)?.seq).toBe(tombstoneSeq);
      expect(await waitingJobs('c3')).toEqual([]);
    });

    it('limits the re-drive to a kind', async () => {
      await queues.pause('c4');
      await replay({ queues, log, followers: ['c4'] }, { cluster: 'c4', allObjects: true, kind: 'GSLBConfig' });
      expect((await waitingJobs('c4')).map((j) => j.objectKey)).toEqual([gc]);
    });
  });

  describe('when the selection is wrong', () => {
    it.each([
      [{ cluster: 'nope' }, /cluster "nope" is not a follower of this leader; followers: c2, c3/],
      [{ allObjects: true }, /allObjects needs a cluster/],
    ])('rejects %j with a clear reason', async (selection, message) => {
      await expect(replay({ queues, log, followers: ['c2', 'c3'] }, selection)).rejects.toThrow(ReplaySelectionError);
      await expect(replay({ queues, log, followers: ['c2', 'c3'] }, selection)).rejects.toThrow(message);
    });
  });

  describe('when there are no failed jobs', () => {
    it('re-drives nothing on every follower', async () => {
      expect(await replay({ queues, log, followers: ['c5', 'c6'] }, {})).toEqual({ retried: 0, enqueued: 0, clusters: ['c5', 'c6'] });
    });
  });
});
