/**
 * Roles and replicas: a flip of spec.isLeader switches the watcher live; two replicas share one
 * Lease and the standby does nothing; Redis down at start is waited for, not crashed on; the ops
 * endpoints; shutdown releases the Lease.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { AMKO_CLUSTER_KIND, FEDERATED_KINDS } from '@amko-fed/domain';
import { microTime } from '@amko-fed/kube';
import { createRedisConnection } from '@amko-fed/queue';
import { freePort } from '@amko-fed/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AMKO_NAME,
  conditionsOf,
  eventually,
  gslbConfig,
  NS,
  recordJobs,
  redisView,
  settled,
  startWatcher,
  useWatcherSuite,
} from '../test/harness.ts';

const suite = useWatcherSuite();
const { running, cleanups } = suite;
const LEASE = 'amko-federation-watcher';
const NOT_A_LEADER = [{ type: 'current AMKOCluster Validation', status: "won't federate objects", reason: 'AMKO not a leader' }];

const leaseOf = () => suite.fixture.client.cluster1.getLease(NS, LEASE);
const requestsBy = (user: string) => suite.fixture.clusters.cluster1.requestLog.entries().filter((e) => e.user === user);
const statusTypes = async () => (await conditionsOf(suite.fixture.client.cluster1))?.map((c) => `${c.type}=${c.status}`);

beforeEach(async () => {
  // Each test starts with the Lease free (after the suite's reset).
  const lease = await leaseOf();
  if (lease !== undefined) await suite.fixture.client.cluster1.replaceLease(NS, LEASE, { ...lease, spec: { holderIdentity: '' } });
});

describe('watcher (roles and replicas)', () => {
  describe('when spec.isLeader is flipped', () => {
    it('switches role live in both directions, without a restart', async () => {
      const w = await startWatcher(suite.fixture, {}, running);
      await settled(w);
      const view = redisView(suite.fixture.redisUrl, w.config.keyPrefix);
      cleanups.push(() => view.close());
      const setLeader = (isLeader: boolean) => suite.fixture.client.cluster1.mergePatch(AMKO_CLUSTER_KIND, NS, AMKO_NAME, { spec: { isLeader } });

      await setLeader(false);
      await eventually(async () => expect(await conditionsOf(suite.fixture.client.cluster1)).toEqual(NOT_A_LEADER), 15_000);
      await eventually(async () => expect((await view.registry.readMembers())?.members.map((m) => m.state)).toEqual(['stop', 'stop']), 15_000);
      expect((await w.watcher.health()).role).toBe('follower');

      // Nothing is federated while a follower: a change stays unrecorded across member checks.
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1'));
      const lists = () => suite.fixture.clusters.cluster1.requestLog.entries({ verb: 'list', resource: 'amkoclusters' }).length;
      const before = lists();
      await eventually(() => expect(lists()).toBeGreaterThanOrEqual(before + 3));
      expect(await view.log.latestSeq()).toBe(0);

      await setLeader(true);
      await eventually(async () => expect(await statusTypes()).toEqual([
        'current AMKOCluster Validation=valid AMKOCluster object',
        'member cluster initialisation=all cluster clients fetched',
        'member cluster validation=validated all member clusters',
        'GSLBConfig Federation=federated to all valid clusters successfully',
        'GDP Federation=federated to all valid clusters successfully',
      ]), 15_000);
      await eventually(async () => expect(await view.log.readProjection('GSLBConfig/avi-system/gc-1')).toMatchObject({ state: 'present' }), 15_000);
      expect(w.logs.messages()).toEqual(expect.arrayContaining(['Role is follower', 'Role is leader', 'Stopped federation']));
    });
  });

  describe('when two replicas run', () => {
    it('keeps the second on standby, doing nothing, until the first releases the Lease', async () => {
      const first = await startWatcher(suite.fixture, { POD_NAME: 'watcher-a' }, running);
      await settled(first);
      const second = await startWatcher(suite.fixture, { POD_NAME: 'watcher-b', KEY_PREFIX: first.config.keyPrefix, LOCAL_KUBECONFIG: suite.fixture.secondKubeconfigFile }, running);
      const recorder = recordJobs(suite.fixture.redisUrl, first.config.keyPrefix, ['cluster2', 'cluster3']);
      cleanups.push(() => recorder.close());

      await eventually(async () => expect(await second.watcher.health()).toMatchObject({ ready: true, role: 'standby', lease: 'standby' }));
      // Let the holder renew twice while the standby keeps asking.
      const renewals = () => new Set(requestsBy('watcher').filter((e) => e.resource === 'leases' && e.verb === 'update').map((e) => e.time)).size;
      const renewed = renewals();
      await eventually(() => expect(renewals()).toBeGreaterThanOrEqual(renewed + 2), 5_000);
      expect(new Set(requestsBy('second-watcher').map((e) => e.resource))).toEqual(new Set(['leases']));
      expect((await leaseOf())?.spec?.holderIdentity).toBe('watcher-a');

      await first.watcher.stop();
      await settled(second);
      expect((await leaseOf())?.spec?.holderIdentity).toBe('watcher-b');
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1'));
      await eventually(() => expect(recorder.jobs.map((j) => `${j.cluster}:${j.reason ?? ''}`).sort()).toEqual(['cluster2:event', 'cluster3:event']));
      // Now it is the second replica that watches the leader's objects.
      expect(requestsBy('second-watcher').some((e) => e.resource === 'gslbconfigs' && e.verb === 'watch')).toBe(true);
    });

    it('takes over a Lease whose holder stopped renewing once it expires', async () => {
      const ghost = { holderIdentity: 'crashed-replica', leaseDurationSeconds: 1, renewTime: microTime(Date.now()), leaseTransitions: 4 };
      const existing = await leaseOf();
      if (existing === undefined) await suite.fixture.client.cluster1.createLease(NS, { metadata: { name: LEASE }, spec: ghost });
      else await suite.fixture.client.cluster1.replaceLease(NS, LEASE, { ...existing, spec: ghost });
      const w = await startWatcher(suite.fixture, { POD_NAME: 'watcher-c' }, running);
      await eventually(async () => expect((await w.watcher.health()).lease).toBe('standby'));
      await settled(w);
      expect((await leaseOf())?.spec).toMatchObject({ holderIdentity: 'watcher-c', leaseTransitions: 5 });
    });
  });

  describe('when Redis is down at start', () => {
    it('reports not ready and keeps retrying, then takes up its work when Redis is back', async () => {
      const redis = new URL(suite.fixture.redisUrl);
      const port = await freePort();
      const proxy = tcpProxy(redis.hostname, Number(redis.port || 6379));
      cleanups.push(() => proxy.close());
      const w = await startWatcher(suite.fixture, { REDIS_URL: `redis://127.0.0.1:${port}` }, running);

      await eventually(async () => {
        const health = await w.watcher.health();
        expect(health.ready).toBe(false);
        expect(health.checks.find((c) => c.name === 'redis')).toMatchObject({ ok: false });
        expect(w.logs.messages()).toContain('Redis is not reachable, retrying');
        expect(w.logs.messages()).toContain('Waiting for Redis before taking up leader work');
      });
      const readyz = await fetch(`${w.watcher.address() ?? ''}/readyz`);
      expect(readyz.status).toBe(503);

      await proxy.listen(port);
      await settled(w);
      await eventually(async () => expect(await w.watcher.health()).toMatchObject({ ready: true, role: 'leader' }));
      expect(w.logs.messages()).toContain('Redis is reachable again');
    });
  });

  describe('when Redis goes away while leading', () => {
    it('still switches role at once, reports not ready, and catches up when Redis is back', async () => {
      const redis = new URL(suite.fixture.redisUrl);
      const port = await freePort();
      const proxy = tcpProxy(redis.hostname, Number(redis.port || 6379));
      cleanups.push(() => proxy.close());
      await proxy.listen(port);
      const w = await startWatcher(suite.fixture, { REDIS_URL: `redis://127.0.0.1:${port}` }, running);
      await settled(w);

      await proxy.close();
      await eventually(async () => expect((await w.watcher.health()).checks.find((c) => c.name === 'redis')?.ok).toBe(false));
      await suite.fixture.client.cluster1.mergePatch(AMKO_CLUSTER_KIND, NS, AMKO_NAME, { spec: { isLeader: false } });
      await eventually(async () => expect(await conditionsOf(suite.fixture.client.cluster1)).toEqual(NOT_A_LEADER), 15_000);

      await proxy.listen(port);
      const view = redisView(suite.fixture.redisUrl, w.config.keyPrefix);
      cleanups.push(() => view.close());
      await eventually(async () => expect((await view.registry.readMembers())?.members.map((m) => m.state)).toEqual(['stop', 'stop']));
      await eventually(async () => expect((await w.watcher.health()).ready).toBe(true));
    });
  });

  describe('when only the connection that follows the results is dropped', () => {
    it('resyncs, as after any reconnect: the server it reads now may lack results the last one held', async () => {
      const w = await startWatcher(suite.fixture, {}, running);
      await settled(w);
      const before = (await w.watcher.health()).resyncs ?? 0;
      const admin = createRedisConnection(suite.fixture.redisUrl, { role: 'client' });
      cleanups.push(async () => void admin.disconnect());
      const clients = String(await admin.call('CLIENT', 'LIST')).split('\n');
      const ids = clients.filter((line) => line.includes(' name=amko-fed-watcher-results ')).map((line) => /\bid=(\d+)/.exec(line)?.[1] ?? '');
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) await admin.call('CLIENT', 'KILL', 'ID', id);

      await eventually(async () => expect((await w.watcher.health()).resyncs ?? 0).toBeGreaterThan(before), 15_000);
      expect(w.logs.messages()).not.toContain('Redis is reachable again');
    });
  });

  describe('when the ops endpoints are called', () => {
    it('serves health, readiness and the watcher metrics', async () => {
      const w = await startWatcher(suite.fixture, {}, running);
      await settled(w);
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig('gc-1'));
      const view = redisView(suite.fixture.redisUrl, w.config.keyPrefix);
      cleanups.push(() => view.close());
      await eventually(async () => expect(await view.log.latestSeq()).toBe(1));
      const base = w.watcher.address() ?? '';

      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
      const readyz = await fetch(`${base}/readyz`);
      expect(readyz.status).toBe(200);
      expect((await readyz.json()) as unknown).toMatchObject({ status: 'ready', checks: [{ name: 'redis', ok: true }, { name: 'lease', ok: true }, { name: 'informers', ok: true }] });
      const metrics = await eventually(async () => {
        const text = await (await fetch(`${base}/metrics`)).text();
        expect(text).toContain('amko_fed_watcher_jobs_enqueued_total{cluster="cluster2"} 1');
        return text;
      });
      expect(metrics).toContain('amko_fed_watcher_events_total{kind="GSLBConfig",op="upsert"} 1');
      expect(metrics).toContain('amko_fed_watcher_member_valid{cluster="cluster3"} 1');
      expect(metrics).toContain('amko_fed_watcher_role{role="leader"} 1');
      expect(metrics).toContain('amko_fed_watcher_role{role="standby"} 0');
      expect(metrics).toMatch(/amko_fed_watcher_resync_duration_seconds_count [1-9]/);
      // no replicator runs here: gc-1 is pending on both followers
      expect(metrics).toContain('amko_fed_watcher_follower_objects{cluster="cluster2",state="pending"} 1');
      expect(metrics).toContain('amko_fed_watcher_follower_objects{cluster="cluster3",state="in_sync"} 0');
      expect(metrics).toContain('amko_fed_build_info{component="watcher",version="');
      expect(metrics).toContain('amko_fed_redis_up 1');
      expect(metrics).toMatch(/amko_fed_kube_requests_total\{cluster="cluster2",verb="list",code="200"\} [1-9]/);
      expect(metrics).toContain('process_cpu_user_seconds_total');
      expect(metrics).toContain('nodejs_eventloop_lag_seconds');
    });
  });

  describe('when it is stopped', () => {
    it('releases the Lease so a standby can take over at once', async () => {
      const w = await startWatcher(suite.fixture, { POD_NAME: 'watcher-d' }, running);
      await settled(w);
      expect((await leaseOf())?.spec?.holderIdentity).toBe('watcher-d');
      await w.watcher.stop();
      expect((await leaseOf())?.spec?.holderIdentity).toBe('');
      expect(w.logs.messages()).toEqual(expect.arrayContaining(['Stopped federation', 'Released lease', 'Watcher stopped']));
    });
  });
});

/** A TCP proxy to Redis that can start listening later (a Redis "down" until then). */
function tcpProxy(host: string, port: number): { listen(on: number): Promise<void>; close(): Promise<void> } {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  return {
    listen: (on) =>
      new Promise((resolve, reject) => {
        server = createServer((client) => {
          const upstream = connect(port, host);
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('error', () => undefined);
            s.on('close', () => {
              client.destroy();
              upstream.destroy();
            });
          }
          client.pipe(upstream).pipe(client);
        });
        server.once('error', reject);
        server.listen(on, '127.0.0.1', () => resolve());
      }),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        if (server === undefined) resolve();
        else server.close(() => resolve());
      }),
  };
}
