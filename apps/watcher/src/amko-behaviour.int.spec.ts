/**
 * AMKO's federator behaviour (reference/amko-federator-behaviour.md §2–§6) with its exact strings,
 * asserted on the AMKOCluster status read back from the emulated leader.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AMKO_CLUSTER_KIND, FEDERATED_KINDS } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import {
  AMKO_NAME,
  amkoCluster,
  CLUSTERS,
  conditionsOf,
  createSecret,
  eventually,
  gslbConfig,
  NS,
  pendingJobs,
  recordJobs,
  redisView,
  settled,
  startWatcher,
  useWatcherSuite,
  VERSION,
  type Fixture,
  type RedisView,
  type RunningWatcher,
} from '../test/harness.ts';

const suite = useWatcherSuite();
const { running, cleanups } = suite;

const VALID = { type: 'current AMKOCluster Validation', status: 'valid AMKOCluster object' };
const CLIENTS_FETCHED = { type: 'member cluster initialisation', status: 'all cluster clients fetched' };
const ALL_VALIDATED = { type: 'member cluster validation', status: 'validated all member clusters' };
const GC_OK = { type: 'GSLBConfig Federation', status: 'federated to all valid clusters successfully' };
const GDP_OK = { type: 'GDP Federation', status: 'federated to all valid clusters successfully' };

/** A watcher, a view of its Redis keys, and replicator stand-ins answering its jobs (the status counts a reconcile only once answered). */
async function start(env: Record<string, string | undefined> = {}): Promise<{ w: RunningWatcher; view: RedisView; recorder: ReturnType<typeof recordJobs> }> {
  const w = await startWatcher(suite.fixture, env, running);
  const view = redisView(suite.fixture.redisUrl, w.config.keyPrefix);
  const recorder = recordJobs(suite.fixture.redisUrl, w.config.keyPrefix, ['cluster2', 'cluster3']);
  cleanups.push(() => recorder.close(), () => view.close());
  return { w, view, recorder };
}

async function setSpec(cluster: keyof Fixture['client'], spec: Parameters<typeof amkoCluster>[0]): Promise<void> {
  await suite.fixture.client[cluster].mergePatch(AMKO_CLUSTER_KIND, NS, AMKO_NAME, { spec });
}

const statusIs = (expected: unknown[], name = AMKO_NAME, namespace = NS) =>
  eventually(async () => expect(await conditionsOf(suite.fixture.client.cluster1, name, namespace)).toEqual(expected));

describe('watcher (AMKO behaviour)', () => {
  describe('when this cluster is a valid leader and every member is valid', () => {
    it('writes the five success conditions and publishes both followers as valid', async () => {
      const { w, view } = await start();
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);
      expect(await view.registry.readMembers()).toMatchObject({
        leader: 'cluster1',
        members: [{ cluster: 'cluster2', state: 'valid' }, { cluster: 'cluster3', state: 'valid' }],
      });
      await eventually(async () => expect(await w.watcher.health()).toMatchObject({ ready: true, role: 'leader', lease: 'leading' }));
    });
  });

  describe('when this cluster is a follower', () => {
    it('writes AMKO\'s not-a-leader condition and tells the replicators to stop', async () => {
      await setSpec('cluster1', { isLeader: false });
      const { w, view } = await start();
      await statusIs([{ type: 'current AMKOCluster Validation', status: "won't federate objects", reason: 'AMKO not a leader' }]);
      expect(await view.registry.readMembers()).toMatchObject({
        leader: 'cluster1',
        members: [
          { cluster: 'cluster2', state: 'stop', reason: 'AMKO not a leader' },
          { cluster: 'cluster3', state: 'stop', reason: 'AMKO not a leader' },
        ],
      });
      expect(await view.queues.isPaused('cluster2')).toBe(true);
      expect((await w.watcher.health()).role).toBe('follower');
    });
  });

  describe('when the leader AMKOCluster is invalid', () => {
    it.each([
      ['its clusterContext is empty', { clusterContext: '' }, "clusterContext field can't be empty in AMKOCluster object"],
      ['its version is empty', { version: '' }, "version field can't be empty in AMKOCluster object"],
    ])('reports it when %s and stops federating', async (_what, spec, reason) => {
      const { w, view } = await start();
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);
      await setSpec('cluster1', spec);
      await statusIs([{ type: 'current AMKOCluster Validation', status: 'invalid AMKOCluster object', reason }]);
      expect((await w.watcher.health()).role).toBe('invalid');
      // The status can be written while the pass that publishes the registry is still stopping federation.
      await eventually(async () =>
        expect(await view.registry.readMembers()).toMatchObject({
          leader: 'cluster1',
          members: [{ cluster: 'cluster2', state: 'stop', reason }, { cluster: 'cluster3', state: 'stop', reason }],
        }),
      );
    });

    it('reports it on the object itself when it is outside avi-system', async () => {
      await suite.fixture.client.cluster1.delete(AMKO_CLUSTER_KIND, NS, AMKO_NAME);
      await suite.fixture.client.cluster1.create(AMKO_CLUSTER_KIND, 'default', amkoCluster({ isLeader: true }));
      await start();
      await statusIs([{ type: 'current AMKOCluster Validation', status: 'invalid AMKOCluster object', reason: "AMKOCluster's namespace is not avi-system" }], AMKO_NAME, 'default');
    });

    it('reports "only one AMKOClusterObject allowed per cluster" when there are two', async () => {
      await suite.fixture.client.cluster1.create(AMKO_CLUSTER_KIND, 'default', amkoCluster({ isLeader: true }, 'another'));
      const { w } = await start();
      await statusIs([{ type: 'current AMKOCluster Validation', status: 'invalid AMKOCluster object', reason: 'only one AMKOClusterObject allowed per cluster' }]);
      expect((await w.watcher.health()).role).toBe('too-many');
    });
  });

  describe('when a member context is missing from the members kubeconfig', () => {
    it('fails member initialisation with AMKO\'s message and federates nothing', async () => {
      await setSpec('cluster1', { clusters: ['cluster1', 'cluster2', 'cluster3', 'cluster4'] });
      const { view } = await start();
      await statusIs([
        VALID,
        {
          type: 'member cluster initialisation',
          status: 'member cluster clients invalid',
          reason: 'error in initialising member cluster contexts: error in building context config for kubernetes cluster cluster4: context "cluster4" does not exist',
        },
      ]);
      // The status can be written before the registry is published: poll the registry too.
      await eventually(async () =>
        expect((await view.registry.readMembers())?.members.map((m) => `${m.cluster}=${m.state}`)).toEqual(['cluster2=invalid', 'cluster3=invalid', 'cluster4=invalid']),
      );
    });
  });

  describe('when spec.clusters names no member', () => {
    const nothingToFederate = {
      type: 'member cluster initialisation',
      status: 'member cluster clients invalid',
      reason: "error in initialising member cluster contexts: no member clusters in spec.clusters besides the current cluster cluster1, nothing to federate; add the follower cluster contexts to the AMKOCluster's spec.clusters",
    };
    it.each([
      ['is missing', null],
      ['is empty', []],
      ['holds only the current cluster', ['cluster1']],
    ])('says so in member cluster initialisation and federates nothing when it %s', async (_what, clusters) => {
      // A merge patch with null removes the field.
      await suite.fixture.client.cluster1.mergePatch(AMKO_CLUSTER_KIND, NS, AMKO_NAME, { spec: { clusters } });
      const { w, view } = await start();
      await statusIs([VALID, nothingToFederate]);
      expect(await view.registry.readMembers()).toMatchObject({ leader: 'cluster1', members: [] });
      expect(await w.watcher.health()).toMatchObject({ role: 'leader', validFollowers: [] });

      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig());
      await eventually(async () => expect(await view.log.readProjection('GSLBConfig/avi-system/gc-1')).toMatchObject({ state: 'present' }));
      for (const cluster of ['cluster2', 'cluster3']) expect(await pendingJobs(view, cluster)).toEqual([]);
      await statusIs([VALID, nothingToFederate]);
    });
  });

  describe('when spec.clusters grows to many names and is reverted', () => {
    it('publishes the clusters that left as stop once, then forgets them', async () => {
      const { w, view } = await start();
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);
      const gone = Array.from({ length: 50 }, (_, i) => `gone-${i}`);
      await setSpec('cluster1', { clusters: [...CLUSTERS, ...gone] });
      await eventually(async () => expect((await view.registry.readMembers())?.members).toHaveLength(52));
      await view.results.recordResult({ cluster: 'gone-0', objectKey: 'GSLBConfig/avi-system/gc-1', outcome: 'failed', seq: 1, attempts: 1, at: new Date().toISOString() });

      await setSpec('cluster1', { clusters: [...CLUSTERS] });
      await eventually(async () =>
        expect((await view.registry.readMembers())?.members).toEqual([{ cluster: 'cluster2', state: 'valid' }, { cluster: 'cluster3', state: 'valid' }]),
      );
      const published = w.logs.lines.filter((l) => l['msg'] === 'Published member registry').map((l) => l['members'] as string[]);
      expect(published.filter((members) => members.includes('gone-0=stop'))).toHaveLength(1);
      const metrics = await (await fetch(`${w.watcher.address() ?? ''}/metrics`)).text();
      expect(metrics).toContain('amko_fed_watcher_member_valid{cluster="cluster2"} 1');
      expect(metrics).not.toContain('gone-0');
      await eventually(async () => expect(await view.results.readResults('gone-0')).toEqual([]));
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);
    });
  });

  describe('when Redis loses the federation data', () => {
    it('rebuilds it: the registry is published again and an invalid member\'s queue paused again', async () => {
      await suite.fixture.client.cluster3.delete(AMKO_CLUSTER_KIND, NS, AMKO_NAME);
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig());
      const { w, view } = await start();
      await settled(w);
      await eventually(async () => expect(await view.queues.isPaused('cluster3')).toBe(true));
      // Only this watcher's keys go (the run's Redis is shared by other tests): as FLUSHALL would for it.
      const keys = await view.redis.keys(`${w.config.keyPrefix}*`);
      await view.redis.del(...keys);
      expect(await view.queues.isPaused('cluster3')).toBe(false);

      await eventually(async () => expect(await view.log.readProjection('GSLBConfig/avi-system/gc-1')).toMatchObject({ state: 'present' }), 20_000);
      await eventually(async () => expect((await view.registry.readMembers())?.members.map((m) => `${m.cluster}=${m.state}`)).toEqual(['cluster2=valid', 'cluster3=invalid']), 20_000);
      await eventually(async () => expect(await view.queues.isPaused('cluster3')).toBe(true), 20_000);
      const metrics = await (await fetch(`${w.watcher.address() ?? ''}/metrics`)).text();
      expect(metrics).toContain('amko_fed_watcher_store_losses_total{change="replaced"} 1');
    });
  });

  describe('when a member has no AMKOCluster', () => {
    it('skips it, pauses its queue, and takes it back once its AMKOCluster exists', async () => {
      await suite.fixture.client.cluster3.delete(AMKO_CLUSTER_KIND, NS, AMKO_NAME);
      const { w, view } = await start();
      await statusIs([
        VALID,
        CLIENTS_FETCHED,
        { type: 'member cluster validation', status: 'error in validating some member clusters', reason: "no AMKOCluster object present in cluster cluster3, can't federate" },
        GC_OK,
        GDP_OK,
      ]);
      // The status can be written before the same pass has paused the queue and published the
      // registry (members.applyLeader runs after status.setMembers).
      await eventually(async () => {
        expect(await view.queues.isPaused('cluster3')).toBe(true);
        expect(await view.queues.isPaused('cluster2')).toBe(false);
        expect((await view.registry.readMembers())?.members).toContainEqual({ cluster: 'cluster3', state: 'invalid', reason: "no AMKOCluster object present in cluster cluster3, can't federate" });
      });

      await suite.fixture.client.cluster3.create(AMKO_CLUSTER_KIND, NS, amkoCluster({ clusterContext: 'cluster3' }));
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);
      await eventually(async () => {
        expect(await view.queues.isPaused('cluster3')).toBe(false);
        expect((await w.watcher.health()).validFollowers).toEqual(['cluster2', 'cluster3']);
      });
    });
  });

  describe('when a member runs another AMKO version', () => {
    it('skips it with AMKO\'s version mismatch message, then resyncs it when it matches again', async () => {
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig());
      await setSpec('cluster3', { version: '1.11.0' });
      const { w, view, recorder } = await start();
      await statusIs([
        VALID,
        CLIENTS_FETCHED,
        { type: 'member cluster validation', status: 'error in validating some member clusters', reason: `version mismatch, current AMKO: ${VERSION}, AMKO in cluster cluster3: 1.11.0` },
        GC_OK,
        GDP_OK,
      ]);
      await settled(w);
      expect(await pendingJobs(view, 'cluster3')).toEqual([]);
      expect(recorder.of('cluster3')).toEqual([]);

      await setSpec('cluster3', { version: VERSION });
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);
      await eventually(async () => expect(recorder.of('cluster3').length).toBeGreaterThanOrEqual(1));
      expect(recorder.of('cluster3')[0]).toMatchObject({ cluster: 'cluster3', objectKey: 'GSLBConfig/avi-system/gc-1', reason: 'resync' });
      expect(await view.queues.isPaused('cluster3')).toBe(false);
    });
  });

  describe('when a member does not answer', () => {
    it('validates the others in parallel, skips it after the request timeout, and keeps federating to the rest', async () => {
      const { w, view, recorder } = await start({ KUBE_REQUEST_TIMEOUT: '500ms' });
      await settled(w);
      suite.fixture.clusters.cluster3.faults.set({ hang: { verbs: ['list'], resources: ['amkoclusters'] } });
      try {
        await statusIs([
          VALID,
          CLIENTS_FETCHED,
          {
            type: 'member cluster validation',
            status: 'error in validating some member clusters',
            reason: 'error in getting AMKOCluster list for cluster cluster3: list AMKOCluster avi-system on cluster3: the API server did not answer in time',
          },
          GC_OK,
          GDP_OK,
        ]);
        expect((await w.watcher.health()).validFollowers).toEqual(['cluster2']);
        await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig());
        await eventually(async () => expect(recorder.of('cluster2', 'GSLBConfig/avi-system/gc-1').map((j) => j.reason)).toContain('event'));
        expect(await pendingJobs(view, 'cluster3')).toEqual([]);
        expect(recorder.of('cluster3', 'GSLBConfig/avi-system/gc-1')).toEqual([]);
      } finally {
        suite.fixture.clusters.cluster3.faults.clear();
      }
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);
    });
  });

  describe('when a member that was down answers again', () => {
    it('publishes it valid and federates to it without waiting for the next periodic member check', async () => {
      await suite.fixture.clusters.cluster3.stop();
      let view: RedisView;
      try {
        ({ view } = await start({ MEMBER_CHECK_INTERVAL: '10m', KUBE_REQUEST_TIMEOUT: '500ms' }));
        await eventually(async () => expect((await view.registry.readMembers())?.members.find((m) => m.cluster === 'cluster3')?.state).toBe('invalid'));
      } finally {
        await suite.fixture.clusters.cluster3.start();
      }
      await eventually(async () => expect((await view.registry.readMembers())?.members.find((m) => m.cluster === 'cluster3')).toEqual({ cluster: 'cluster3', state: 'valid' }));
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);
    });
  });

  describe('when another member is also a leader', () => {
    it('stops all federation with a reason naming that cluster, and recovers when it is demoted', async () => {
      await setSpec('cluster2', { isLeader: true });
      const { view, recorder } = await start();
      const dualLeader = {
        type: 'member cluster validation',
        status: 'member cluster clients invalid',
        reason: 'AMKO in cluster cluster2 is also a leader, conflicting state',
      };
      await statusIs([VALID, CLIENTS_FETCHED, dualLeader]);
      // The status can be written before the registry is published: poll the registry too.
      await eventually(async () =>
        expect((await view.registry.readMembers())?.members).toEqual([
          { cluster: 'cluster2', state: 'invalid', reason: dualLeader.reason },
          { cluster: 'cluster3', state: 'invalid', reason: dualLeader.reason },
        ]),
      );

      // A change now is recorded but goes to nobody.
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig());
      await eventually(async () => expect(await view.log.latestSeq()).toBe(1));
      expect(await pendingJobs(view, 'cluster2')).toEqual([]);
      expect(await pendingJobs(view, 'cluster3')).toEqual([]);
      expect(await view.queues.isPaused('cluster2')).toBe(true);

      expect(recorder.jobs).toEqual([]);

      await setSpec('cluster2', { isLeader: false });
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);
      for (const cluster of ['cluster2', 'cluster3']) {
        await eventually(async () => expect(recorder.of(cluster).map((j) => j.objectKey)).toContain('GSLBConfig/avi-system/gc-1'));
      }
    });
  });

  describe('when the gslb-config-secret is malformed', () => {
    it('reports a clear reason without crashing, and recovers when the secret is fixed', async () => {
      await createSecret(suite.fixture.clusters.cluster1, 'gslb-config-secret', { 'gslb-members': 'clusters: [\n  - name: {' });
      const { w } = await start({ GSLB_CONFIG: undefined });
      await statusIs([
        VALID,
        {
          type: 'member cluster initialisation',
          status: 'member cluster clients invalid',
          reason:
            'error in initialising member cluster contexts: members kubeconfig (secret avi-system/gslb-config-secret key gslb-members) is not valid YAML: BAD_INDENT at line 2, column 12',
        },
      ]);
      await eventually(async () => expect(await w.watcher.health()).toMatchObject({ ready: true, role: 'leader' }));

      await createSecret(suite.fixture.clusters.cluster1, 'gslb-config-secret', { 'gslb-members': suite.fixture.membersKubeconfig });
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);
    });

    it.each([
      ['GSLB_CONFIG_FILE', 'GSLB_CONFIG_FILE <file>'],
      ['GSLB_CONFIG', 'GSLB_CONFIG'],
    ])('names %s when the malformed kubeconfig came from it', async (variable, named) => {
      const dir = await mkdtemp(join(tmpdir(), 'amko-fed-members-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const file = join(dir, 'gslb-members');
      const malformed = 'clusters: [\n  - name: {';
      await writeFile(file, malformed);
      await start(variable === 'GSLB_CONFIG_FILE' ? { GSLB_CONFIG: undefined, GSLB_CONFIG_FILE: file } : { GSLB_CONFIG: malformed });
      await statusIs([
        VALID,
        {
          type: 'member cluster initialisation',
          status: 'member cluster clients invalid',
          reason: `error in initialising member cluster contexts: members kubeconfig (${named.replace('<file>', file)}) is not valid YAML: BAD_INDENT at line 2, column 12`,
        },
      ]);
    });

    it('reports AMKO\'s message when there is no members kubeconfig at all', async () => {
      await start({ GSLB_CONFIG: undefined });
      await statusIs([
        VALID,
        {
          type: 'member cluster initialisation',
          status: 'member cluster clients invalid',
          reason: 'error in fetching the GSLB_CONFIG env variable, this contains the members kube config, check gslb-config-secret',
        },
      ]);
    });
  });

  describe('when replicators record results', () => {
    it('names a failing follower in the federation condition and clears it when the follower succeeds', async () => {
      await suite.fixture.client.cluster1.create(FEDERATED_KINDS.GSLBConfig, NS, gslbConfig());
      const { w, view } = await start();
      await settled(w);
      const seq = (await view.log.readProjection('GSLBConfig/avi-system/gc-1'))?.seq ?? 0;
      // The stand-in replicator answers the first resync's jobs with noop results: let those land
      // first, or one recorded after the failure below would hide it.
      await eventually(async () => {
        for (const cluster of ['cluster2', 'cluster3']) expect((await view.results.readResult(cluster, 'GSLBConfig/avi-system/gc-1'))?.seq).toBe(seq);
      });
      const at = new Date().toISOString();
      const result = { cluster: 'cluster3', objectKey: 'GSLBConfig/avi-system/gc-1' as const, seq, attempts: 3, at };
      await view.results.recordResult({ ...result, outcome: 'failed', errorCode: 'UNAVAILABLE', errorMessage: 'replace GSLBConfig avi-system/gc-1 on cluster3: connection refused' });
      await view.results.recordResult({ ...result, cluster: 'cluster2', outcome: 'created', contentHash: 'h' });
      await statusIs([
        VALID,
        CLIENTS_FETCHED,
        ALL_VALIDATED,
        {
          type: 'GSLBConfig Federation',
          status: 'error in federating to some clusters',
          reason: 'cluster3: GSLBConfig/avi-system/gc-1: replace GSLBConfig avi-system/gc-1 on cluster3: connection refused',
        },
        GDP_OK,
      ]);

      await view.results.recordResult({ ...result, outcome: 'updated', contentHash: 'h', at: new Date(Date.now() + 1).toISOString() });
      await statusIs([VALID, CLIENTS_FETCHED, ALL_VALIDATED, GC_OK, GDP_OK]);

      // Unchanged conditions are not written again, however many member checks run.
      const statusPatches = () => suite.fixture.clusters.cluster1.requestLog.entries({ verb: 'patch', resource: 'amkoclusters' }).filter((e) => e.subresource === 'status').length;
      const memberLists = () => suite.fixture.clusters.cluster2.requestLog.entries({ verb: 'list', resource: 'amkoclusters' }).length;
      const patchesBefore = statusPatches();
      const listsBefore = memberLists();
      await eventually(() => expect(memberLists()).toBeGreaterThanOrEqual(listsBefore + 3));
      expect(statusPatches()).toBe(patchesBefore);
    });
  });
});
