/**
 * The federation end to end, with the watcher and the replicator as real processes against three
 * emulated followers. The scenarios share one federation and run in order.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedPrefix, startFederation, type Federation } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  bothFederated,
  conditionOf,
  createBoth,
  deleteBoth,
  eventually,
  GC,
  GDP,
  pathOf,
  SOME_FAILED,
  specOn,
  SUCCESS,
  updateBoth,
  writesTo,
} from './support.ts';

const FOLLOWERS = ['follower1', 'follower2', 'follower3'];
const RESYNC_INTERVAL_MS = 2_000;
const FENCE_CACHE_TTL_MS = 200;
const BOARD_USER = 'ops';
const BOARD_PASSWORD = 'board-pw-5b1e0c77';
const BOARD_TOKEN = 'board-token-9d2f4a61e3';

let federation: Federation;
let secretsDir: string;

const basicAuth = `Basic ${Buffer.from(`${BOARD_USER}:${BOARD_PASSWORD}`).toString('base64')}`;
const replicatorUrl = (path: string): string => `${federation.app('replicator').url}${path}`;
const onFollowers = <T>(read: (cluster: string) => Promise<T>): Promise<T[]> => Promise.all(FOLLOWERS.map(read));

beforeAll(async () => {
  secretsDir = await mkdtemp(join(tmpdir(), 'e2e-board-'));
  await writeFile(join(secretsDir, 'password'), BOARD_PASSWORD);
  await writeFile(join(secretsDir, 'token'), BOARD_TOKEN);
  federation = await startFederation({
    followers: FOLLOWERS,
    redisUrl: inject('redisUrl'),
    prefix: isolatedPrefix('e2e'),
    watcher: { env: { RESYNC_INTERVAL: `${RESYNC_INTERVAL_MS}ms`, MEMBER_CHECK_INTERVAL: '1s', STATUS_DEBOUNCE: '100ms' } },
    replicator: {
      env: {
        BOARD_USERNAME: BOARD_USER,
        BOARD_PASSWORD_FILE: join(secretsDir, 'password'),
        BOARD_TOKEN_FILE: join(secretsDir, 'token'),
        FENCE_CACHE_TTL: `${FENCE_CACHE_TTL_MS}ms`,
        RETRY_BASE: '100ms',
        RETRY_CAP: '2s',
        // Longer than any pause between two of the burst test's leader writes on a busy machine, so
        // that once the burst is seen its 100 writes stay one burst however slowly they go.
        BURST_QUIET: '1s',
        BURST_MAX_DEFER: '1m',
      },
    },
  });
}, 60_000);

afterAll(async () => {
  await federation?.stop();
  await rm(secretsDir, { recursive: true, force: true });
});

describe('federation end to end', () => {
  describe('when the leader adds a GSLBConfig and a GDP', () => {
    it('copies both to every follower and reports AMKO success in the AMKOCluster status', async () => {
      await createBoth(federation, FOLLOWERS, 60, 30);
      await bothFederated(federation);
      // Eventually, not at the first read: a resync (every 2 s here) that listed a follower just
      // before the copies landed reports them "missing on the follower, not reconciled yet" until
      // the watcher reads the applies' results (within its 50 ms results gather and the status
      // debounce), so the conditions can read error for that moment after an earlier success
      // (apps/watcher/README.md, status). The message of each condition is printed if they never settle.
      const expected = ['valid AMKOCluster object', 'all cluster clients fetched', 'validated all member clusters', SUCCESS, SUCCESS];
      const conditions = await eventually(
        () => federation.amkoClusterConditions('leader'),
        (found) => JSON.stringify(found.map((c) => c.status)) === JSON.stringify(expected),
      ).catch(async () => federation.amkoClusterConditions('leader'));
      expect(conditions.map((c) => c.status), JSON.stringify(conditions)).toEqual(expected);
    });
  });

  describe('when the leader updates them', () => {
    it('updates every follower', async () => {
      await updateBoth(federation, FOLLOWERS, 120, 90);
    });
  });

  describe('when the leader changes one object 100 times in a burst', () => {
    it('costs at most 3 writes per follower and ends with the last state', async () => {
      for (const cluster of FOLLOWERS) federation.cluster(cluster).requestLog.clear();
      const leader = federation.kube('leader');
      // Slow follower writes, so the burst's next writes land while its first one is being applied,
      // which is what starts a burst, however slowly a busy machine issues them.
      for (const cluster of FOLLOWERS) federation.cluster(cluster).faults.set({ latencyByVerb: { update: 300 } });
      try {
        for (let i = 1; i <= 100; i += 1) await leader.mergePatch(pathOf(GDP), { spec: { ttl: 1000 + i } });
        await eventually(() => onFollowers(async (c) => (await specOn(federation, c, GDP))?.['ttl']), (all) => all.every((ttl) => ttl === 1100));
      } finally {
        for (const cluster of FOLLOWERS) federation.cluster(cluster).faults.clear();
      }
      const writes = FOLLOWERS.map((c) => writesTo(federation, c, GDP.plural));
      for (const count of writes) expect(count).toBeLessThanOrEqual(3);
    });
  });

  describe('when someone edits a follower copy directly', () => {
    it('reverts the edit within the resync interval', async () => {
      await federation.kube('follower1').mergePatch(pathOf(GC), { spec: { refreshInterval: 1 } });
      expect((await specOn(federation, 'follower1', GC))?.['refreshInterval']).toBe(1);
      // The edit can land just after a resync: the next one is at most one interval away, plus the apply.
      await eventually(async () => (await specOn(federation, 'follower1', GC))?.['refreshInterval'], (v) => v === 120, 2 * RESYNC_INTERVAL_MS, 'drift reverted');
    });
  });

  describe('when a follower answers 422', () => {
    it('fails the job, shows the reason in the AMKOCluster status, and a replay succeeds once fixed', async () => {
      const follower2 = federation.cluster('follower2');
      follower2.faults.set({ error: { status: 422, verbs: ['create', 'update'], resources: ['gslbconfigs'] } });
      await federation.kube('leader').mergePatch(pathOf(GC), { spec: { refreshInterval: 240 } });
      // The status settles on follower2 alone. On the way a resync may list follower1 or follower3
      // between the leader's change and its apply there, and rightly report it as differing until
      // that apply's result arrives; such a report must clear, follower2's must stay.
      const condition = await eventually(
        () => conditionOf(federation, 'leader', 'GSLBConfig Federation'),
        (c) => c?.status === SOME_FAILED && /follower2/.test(c.reason ?? '') && !/follower[13]/.test(c.reason ?? ''),
        20_000,
        'GSLBConfig Federation reports the failing follower, and only it',
      );
      expect(condition?.reason).toContain('injected fault 422');
      expect((await specOn(federation, 'follower2', GC))?.['refreshInterval']).toBe(120);

      follower2.faults.clear();
      const response = await fetch(replicatorUrl('/replay'), {
        method: 'POST',
        headers: { authorization: basicAuth, 'content-type': 'application/json' },
        body: JSON.stringify({ cluster: 'follower2', kind: 'gc' }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { retried: number }).retried).toBeGreaterThanOrEqual(1);
      await eventually(async () => (await specOn(federation, 'follower2', GC))?.['refreshInterval'], (v) => v === 240);
      await eventually(() => conditionOf(federation, 'leader', 'GSLBConfig Federation'), (c) => c?.status === SUCCESS);
    });
  });

  describe('when the board is asked for without credentials', () => {
    it('answers 401, and 200 with them', async () => {
      expect((await fetch(replicatorUrl('/board'))).status).toBe(401);
      expect((await fetch(replicatorUrl('/board/api/queues'))).status).toBe(401);
      expect((await fetch(replicatorUrl('/board/api/queues'), { headers: { authorization: `Bearer ${BOARD_TOKEN}` } })).status).toBe(200);
      expect((await fetch(replicatorUrl('/board'), { headers: { authorization: basicAuth } })).status).toBe(200);
    });
  });

  describe('when a follower AMKOCluster is switched to leader', () => {
    it('sends it no write and the status says why', async () => {
      await federation.patchAMKOCluster('follower3', { isLeader: true });
      // Let a cached "not a leader" verdict expire before counting writes (the TTL is the contract).
      await new Promise((resolve) => setTimeout(resolve, FENCE_CACHE_TTL_MS * 3));
      federation.cluster('follower3').requestLog.clear();

      await federation.kube('leader').mergePatch(pathOf(GC), { spec: { refreshInterval: 480 } });
      const status = await eventually(
        () => federation.amkoClusterConditions('leader'),
        (conditions) => conditions.some((c) => c.reason?.includes('follower3') && /leader/i.test(c.reason)),
        20_000,
        'the AMKOCluster status names follower3 as a leader',
      );
      // AMKO's dual-leader stop, or (if a job got there first) the replicator's fencing reason.
      expect(status.map((c) => c.reason ?? '').join('\n')).toMatch(/AMKO in cluster follower3 is also a leader|refusing to write into cluster follower3/);
      // Two more resync intervals: every path that could write into follower3 had its chance.
      await new Promise((resolve) => setTimeout(resolve, 2 * RESYNC_INTERVAL_MS));
      expect(writesTo(federation, 'follower3', GC.plural)).toBe(0);
      expect(writesTo(federation, 'follower3', GDP.plural)).toBe(0);
      expect((await specOn(federation, 'follower3', GC))?.['refreshInterval']).toBe(240);

      await federation.patchAMKOCluster('follower3', { isLeader: false });
      await eventually(() => onFollowers(async (c) => (await specOn(federation, c, GC))?.['refreshInterval']), (all) => all.every((v) => v === 480));
      await eventually(() => conditionOf(federation, 'leader', 'GSLBConfig Federation'), (c) => c?.status === SUCCESS);
    });
  });

  describe('when the leader deletes them', () => {
    it('deletes them on every follower', async () => {
      await deleteBoth(federation, FOLLOWERS);
      await eventually(() => conditionOf(federation, 'leader', 'GDP Federation'), (c) => c?.status === SUCCESS);
    });
  });

  describe('when the logs of both processes are read', () => {
    it('contains no kubeconfig token and no board credential', async () => {
      const logs = (await federation.app('watcher').logs()) + (await federation.app('replicator').logs());
      expect(logs.length).toBeGreaterThan(1_000);
      for (const secret of [...federation.secrets, BOARD_PASSWORD, BOARD_TOKEN]) expect(logs).not.toContain(secret);
    });
  });
});
