/**
 * Resync over in-memory clusters (the leader, whose informers feed the real capture, and the
 * followers it lists), the in-memory federation log and follower queues, with the real capture,
 * key sync, leader view and dispatch: given what the leader, the projection and each follower
 * hold, when a resync runs, then what is appended, which reconciles are dispatched and which
 * divergences are reported.
 */
import { FEDERATED_KINDS, UnavailableError, type FederatedKind, type KubeObject, type ObjectKey } from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import { createInMemoryCluster, type InMemoryCluster } from '@amko-fed/kube/testing';
import { eventually } from '@amko-fed/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createCapture, type Capture } from '../capture/capture.ts';
import { toLeaderObject } from '../capture/leader-object.ts';
import { createUnitFederation, type UnitFederation } from '../testing/unit-federation.ts';
import { followerCopy, keyOf, LEADER_CONTEXT, rawObject, type RawObjectOptions } from '../testing/unit-objects.ts';
import { createPassLock, type PassLock } from '../session/pass-lock.ts';
import { createResync, type ListingProblems, type PendingReconcile, type Resync } from './resync.ts';

const NS = 'avi-system';
const NOW_MS = 1_000_000;
const KINDS: readonly FederatedKind[] = ['GSLBConfig', 'GlobalDeploymentPolicy', 'GSLBHostRule'];
const GDP = keyOf('GlobalDeploymentPolicy', 'global-gdp');
const RULE = keyOf('GSLBHostRule', 'rule-a');

type Found = ReadonlyMap<string, ReadonlyMap<ObjectKey, PendingReconcile> | undefined>;

interface World {
  readonly f: UnitFederation;
  readonly capture: Capture;
  readonly resync: Resync;
  /** The leader cluster, whose informers feed the capture. */
  readonly leader: InMemoryCluster;
  readonly clusters: ReadonlyMap<string, InMemoryCluster>;
  /** Every onDivergences report, in order. */
  readonly found: Found[];
  /** The followers each onDivergences report names as not listed, with the kinds that failed and why. */
  readonly unlisted: ReadonlyMap<string, ListingProblems>[];
  /** `<cluster>/<key>` pairs whose last apply failed. */
  readonly failedPairs: Set<string>;
  /** Creates `raw` on the leader cluster. */
  onLeader(raw: KubeObject): Promise<void>;
  /** Records `raw` in the log and the view as an earlier watcher would have (source resync: no jobs). */
  record(raw: KubeObject): Promise<void>;
  /** Starts the capture: its informers list the leader (the first complete list makes it synced). */
  start(): Promise<void>;
  /** Creates `raw` on a follower cluster. */
  onFollower(cluster: string, raw: KubeObject): Promise<void>;
  /** Requests a resync (of `clusters`, or all) and waits until it ran. */
  resyncNow(clusters?: readonly string[]): Promise<void>;
}

const worlds: World[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) {
    await world.resync.stop();
    await world.capture.stop();
  }
});

interface WorldOptions {
  readonly followers?: readonly string[];
  readonly clusters?: readonly string[];
  /** Runs once, when the resync starts listing `cluster`, before its first page is read. */
  readonly beforeListing?: { readonly cluster: string; run(w: World): Promise<void> };
  /** Shared with a retention (federation.ts does). */
  readonly passes?: PassLock;
}

/** `client`, whose listing of `hook.cluster` first runs `hook.run` (once). */
function listingHooked(client: ClusterClient, hook: WorldOptions['beforeListing'], w: () => World): ClusterClient {
  if (hook === undefined || client.context !== hook.cluster) return client;
  let ran: Promise<void> | undefined;
  return Object.assign(Object.create(client) as ClusterClient, {
    async *listPages(...args: Parameters<ClusterClient['listPages']>) {
      ran ??= hook.run(w());
      await ran;
      yield* client.listPages(...args);
    },
  });
}

function world(options: WorldOptions = {}): World {
  const followers = options.followers ?? ['cluster2', 'cluster3'];
  const f = createUnitFederation({ followers });
  const leader = createInMemoryCluster({ context: LEADER_CONTEXT });
  const capture = createCapture({ local: leader.client, kinds: KINDS, view: f.view, sync: f.sync, logger: f.logger, onSynced: () => undefined, onHealthChange: () => undefined });
  const clusters = new Map((options.clusters ?? followers).map((context) => [context, createInMemoryCluster({ context })]));
  const found: Found[] = [];
  const unlisted: ReadonlyMap<string, ListingProblems>[] = [];
  const failedPairs = new Set<string>();
  const resync = createResync({
    capture,
    index: f.view,
    dispatch: f.dispatch,
    kinds: KINDS,
    metrics: f.metrics,
    logger: f.logger,
    validFollowers: () => f.followers,
    clientOf: (cluster) => {
      const client = clusters.get(cluster)?.client;
      return client === undefined ? undefined : listingHooked(client, options.beforeListing, () => w);
    },
    unconfirmed: (cluster, key) => failedPairs.has(`${cluster}/${key}`),
    now: () => NOW_MS,
    onDivergences: (report, notListed) => {
      found.push(report);
      unlisted.push(notListed);
    },
    ...(options.passes === undefined ? {} : { passes: options.passes }),
  });
  const w: World = {
    f,
    capture,
    resync,
    leader,
    clusters,
    found,
    unlisted,
    failedPairs,
    async onLeader(raw) {
      await leader.client.create(FEDERATED_KINDS[raw.kind as FederatedKind], NS, raw);
    },
    async record(raw) {
      const object = toLeaderObject(raw.kind as FederatedKind, raw);
      if (object === undefined) throw new TypeError('invalid leader object');
      await f.sync.converge(object.key, object, { source: 'resync', deletedResourceVersion: undefined });
    },
    async start() {
      await capture.start();
      if (!capture.synced()) throw new Error('the capture did not list the leader');
    },
    async onFollower(cluster, raw) {
      const client = clusters.get(cluster)?.client;
      if (client === undefined) throw new TypeError(`no cluster ${cluster}`);
      await client.create(FEDERATED_KINDS[raw.kind as FederatedKind], NS, raw);
    },
    async resyncNow(only) {
      resync.request(only);
      await resync.idle();
    },
  };
  worlds.push(w);
  return w;
}

const gdp = (options: RawObjectOptions = {}) => rawObject('GlobalDeploymentPolicy', 'global-gdp', options);
const rule = (name = 'rule-a', options: RawObjectOptions = {}) => rawObject('GSLBHostRule', name, options);

/**
 * A world where the leader holds a GDP and a host rule, already recorded (seq 1, 2) by an earlier
 * watcher, with the capture started (unless `start` is false).
 */
async function recorded(options: WorldOptions & { readonly start?: boolean } = {}): Promise<World> {
  const w = world(options);
  for (const raw of [gdp(), rule()]) {
    await w.onLeader(raw);
    await w.record(raw);
  }
  if (options.start ?? true) await w.start();
  return w;
}

/** Copies every leader object to `cluster` as the replicator would. */
async function replicated(w: World, cluster: string): Promise<void> {
  await w.onFollower(cluster, followerCopy(gdp()));
  await w.onFollower(cluster, followerCopy(rule()));
}

const last = (w: World): Found => w.found.at(-1) ?? new Map();

describe('resync', () => {
  describe('when every follower holds exactly the leader\'s objects', () => {
    it('dispatches nothing and reports no divergence', async () => {
      const w = await recorded();
      await replicated(w, 'cluster2');
      await replicated(w, 'cluster3');
      await w.resyncNow();
      expect(w.f.jobs()).toEqual([]);
      expect(last(w)).toEqual(new Map([['cluster2', new Map()], ['cluster3', new Map()]]));
      expect(w.resync.completed()).toBe(1);
    });

    it('appends nothing for objects the projection already records', async () => {
      const w = await recorded();
      await w.resyncNow();
      expect(await w.f.stores.log.latestSeq()).toBe(2);
    });
  });

  describe('when a follower misses an object', () => {
    it('dispatches a resync reconcile of it to that follower only and reports it missing', async () => {
      const w = await recorded();
      await replicated(w, 'cluster2');
      await w.onFollower('cluster3', followerCopy(gdp()));
      await w.resyncNow();
      expect(w.f.jobs()).toEqual([{ cluster: 'cluster3', objectKey: RULE, seq: 2, reason: 'resync' }]);
      expect(last(w).get('cluster3')).toEqual(new Map([[RULE, { why: 'missing', seq: 2, sinceMs: NOW_MS }]]));
      expect(last(w).get('cluster2')).toEqual(new Map());
    });
  });

  describe('when a full resync completes', () => {
    it('summarises it at info level (followers, objects, jobs, tombstones) and times it', async () => {
      const w = await recorded();
      await replicated(w, 'cluster2');
      await w.onFollower('cluster2', rawObject('GSLBConfig', 'stray-gc'));
      await w.resyncNow();
      expect(w.f.lines).toContainEqual(
        expect.objectContaining({ level: 30, msg: 'Resynced all followers', full: true, followers: 2, objects: 2, jobs: 3, tombstoned: 1 }),
      );
      const duration = (await w.f.metrics.resyncDuration.get()).values.find((v) => v.metricName === 'amko_fed_watcher_resync_duration_seconds_count');
      expect(duration?.value).toBe(1);
    });
  });

  describe('when a follower\'s copy differs from the leader', () => {
    it('dispatches a reconcile and reports it as differing', async () => {
      const w = await recorded();
      await replicated(w, 'cluster2');
      await w.onFollower('cluster3', followerCopy(gdp({ spec: { ttl: 999 } })));
      await w.onFollower('cluster3', followerCopy(rule()));
      await w.resyncNow();
      expect(w.f.jobs()).toEqual([{ cluster: 'cluster3', objectKey: GDP, seq: 1, reason: 'resync' }]);
      expect(last(w).get('cluster3')?.get(GDP)?.why).toBe('differs');
    });
  });

  describe('when a follower\'s copy is being deleted', () => {
    it('dispatches a reconcile and reports it as deleting', async () => {
      const w = await recorded();
      await replicated(w, 'cluster2');
      const deleting = followerCopy(gdp());
      await w.onFollower('cluster3', { ...deleting, metadata: { ...deleting.metadata, deletionTimestamp: '2026-12-05T16:00:00Z', finalizers: ['x'] } } as KubeObject);
      await w.onFollower('cluster3', followerCopy(rule()));
      await w.resyncNow();
      expect(w.f.jobs()).toEqual([{ cluster: 'cluster3', objectKey: GDP, seq: 1, reason: 'resync' }]);
      expect(last(w).get('cluster3')?.get(GDP)?.why).toBe('deleting');
    });
  });

  describe('when followers hold a singleton the leader and the projection do not know', () => {
    it('appends one tombstone for it and dispatches it to each follower holding it, reported as extra', async () => {
      const w = await recorded();
      const extra = rawObject('GSLBConfig', 'stray-gc');
      const STRAY = keyOf('GSLBConfig', 'stray-gc');
      await replicated(w, 'cluster2');
      await replicated(w, 'cluster3');
      await w.onFollower('cluster2', extra);
      await w.onFollower('cluster3', extra);
      await w.resyncNow();
      expect(await w.f.stores.log.readProjection(STRAY)).toMatchObject({ seq: 3, state: 'absent' });
      expect(await w.f.stores.log.latestSeq()).toBe(3);
      expect(w.f.jobs()).toEqual([
        { cluster: 'cluster2', objectKey: STRAY, seq: 3, reason: 'resync' },
        { cluster: 'cluster3', objectKey: STRAY, seq: 3, reason: 'resync' },
      ]);
      expect(last(w).get('cluster2')).toEqual(new Map([[STRAY, { why: 'extra', seq: 3, sinceMs: NOW_MS }]]));
    });
  });

  describe('when a follower holds host rules the leader does not have', () => {
    it('reconciles only the one carrying our provenance (others are not ours)', async () => {
      const w = await recorded();
      await replicated(w, 'cluster2');
      await replicated(w, 'cluster3');
      await w.onFollower('cluster2', followerCopy(rule('ours-b')));
      await w.onFollower('cluster2', rule('theirs-c'));
      await w.resyncNow();
      const OURS = keyOf('GSLBHostRule', 'ours-b');
      expect(w.f.jobs()).toEqual([{ cluster: 'cluster2', objectKey: OURS, seq: 3, reason: 'resync' }]);
      expect([...(last(w).get('cluster2')?.keys() ?? [])]).toEqual([OURS]);
      expect(await w.f.stores.log.readProjection(keyOf('GSLBHostRule', 'theirs-c'))).toBeUndefined();
    });
  });

  describe('when a retention pass runs', () => {
    it('waits for it to end before it looks at the projection and lists the followers', async () => {
      const passes = createPassLock();
      const w = await recorded({ passes });
      await replicated(w, 'cluster2');
      await replicated(w, 'cluster3');
      const OURS = keyOf('GSLBHostRule', 'ours-b');
      // The pass ends well after the resync was requested, with a copy cluster2 holds that neither
      // the leader nor the projection knows (as one whose tombstone the pass pruned would be).
      const pass = passes.run(async () => {
        for (let i = 0; i < 200; i += 1) await new Promise((resolve) => setImmediate(resolve));
        await w.onFollower('cluster2', followerCopy(rule('ours-b')));
      });
      await w.resyncNow();
      await pass;
      expect(await w.f.stores.log.readProjection(OURS)).toMatchObject({ state: 'absent' });
      expect(w.f.jobs()).toEqual([{ cluster: 'cluster2', objectKey: OURS, seq: 3, reason: 'resync' }]);
    });
  });

  describe('when the leader has an object the projection does not know yet', () => {
    it('appends it with source resync and dispatches one resync reconcile per follower missing it', async () => {
      const w = world();
      await w.onLeader(gdp());
      await w.start();
      await w.resyncNow();
      expect(await w.f.stores.log.readProjection(GDP)).toMatchObject({ seq: 1, state: 'present' });
      expect(w.f.stores.log.events().map((e) => [e.objectKey, e.source])).toEqual([[GDP, 'resync']]);
      expect(w.f.jobs()).toEqual([
        { cluster: 'cluster2', objectKey: GDP, seq: 1, reason: 'resync' },
        { cluster: 'cluster3', objectKey: GDP, seq: 1, reason: 'resync' },
      ]);
    });
  });

  describe('when the leader changes an object and a follower applies it while the followers are listed', () => {
    it('reports no divergence for the follower holding the new state, and still reports one holding neither', async () => {
      const changeDuringListing = async (w: World): Promise<void> => {
        const before = w.f.view.leader(GDP)?.contentHash;
        const changed = await w.leader.client.mergePatch(FEDERATED_KINDS.GlobalDeploymentPolicy, NS, 'global-gdp', { spec: { ttl: 45 } });
        const view = w.f.view;
        await eventually(() => view.leader(GDP)?.contentHash, (hash) => hash !== before, 10_000, 'the capture sees the change');
        const copy = followerCopy(changed);
        const client = w.clusters.get('cluster3')?.client;
        const held = await client?.get(FEDERATED_KINDS.GlobalDeploymentPolicy, NS, 'global-gdp');
        await client?.replace(FEDERATED_KINDS.GlobalDeploymentPolicy, NS, 'global-gdp', { ...copy, metadata: { ...copy.metadata, resourceVersion: held?.metadata.resourceVersion } } as KubeObject);
      };
      const w = await recorded({ beforeListing: { cluster: 'cluster3', run: changeDuringListing } });
      await w.onFollower('cluster2', followerCopy(gdp({ spec: { ttl: 999 } })));
      await w.onFollower('cluster2', followerCopy(rule()));
      await replicated(w, 'cluster3');
      await w.resyncNow();
      expect(last(w).get('cluster3')).toEqual(new Map());
      expect(last(w).get('cluster2')?.get(GDP)?.why).toBe('differs');
    });

    it('reports nothing missing on a follower when the leader deleted the object and the follower its copy meanwhile', async () => {
      const deleteDuringListing = async (w: World): Promise<void> => {
        await w.leader.client.delete(FEDERATED_KINDS.GSLBHostRule, NS, 'rule-a');
        const view = w.f.view;
        await eventually(() => view.leader(RULE), (held) => held === undefined, 10_000, 'the capture sees the deletion');
        await w.clusters.get('cluster3')?.client.delete(FEDERATED_KINDS.GSLBHostRule, NS, 'rule-a');
      };
      const w = await recorded({ beforeListing: { cluster: 'cluster3', run: deleteDuringListing } });
      await w.onFollower('cluster2', followerCopy(gdp({ spec: { ttl: 999 } })));
      await replicated(w, 'cluster3');
      await w.resyncNow();
      expect(last(w).get('cluster3')).toEqual(new Map());
      // cluster2 misses the rule as the leader now does, and still differs in the GDP.
      expect(last(w).get('cluster2')).toEqual(new Map([[GDP, { why: 'differs', seq: 1, sinceMs: NOW_MS }]]));
    });
  });

  describe('when the leader changed a projected object while nobody watched', () => {
    it('appends the new content with source resync and reconciles the followers holding the old copy', async () => {
      const w = await recorded({ start: false });
      await replicated(w, 'cluster2');
      await replicated(w, 'cluster3');
      await w.leader.client.mergePatch(FEDERATED_KINDS.GlobalDeploymentPolicy, NS, 'global-gdp', { spec: { ttl: 45 } });
      await w.start();
      await w.resyncNow();
      expect(await w.f.stores.log.readProjection(GDP)).toMatchObject({ seq: 3, state: 'present', contentHash: w.f.view.leader(GDP)?.contentHash });
      expect(w.f.stores.log.events().at(-1)).toMatchObject({ seq: 3, op: 'upsert', source: 'resync' });
      expect(w.f.jobs()).toEqual([
        { cluster: 'cluster2', objectKey: GDP, seq: 3, reason: 'resync' },
        { cluster: 'cluster3', objectKey: GDP, seq: 3, reason: 'resync' },
      ]);
      expect(last(w).get('cluster2')?.get(GDP)).toEqual({ why: 'differs', seq: 3, sinceMs: NOW_MS });
    });
  });

  describe('when a projected object was deleted on the leader while nobody watched', () => {
    it('appends a tombstone and dispatches it to the followers that still hold a copy', async () => {
      const w = world();
      await w.onLeader(gdp());
      await w.record(gdp());
      await w.record(rule());
      await replicated(w, 'cluster2');
      await w.onFollower('cluster3', followerCopy(gdp()));
      await w.start();
      await w.resyncNow();
      expect(await w.f.stores.log.readProjection(RULE)).toMatchObject({ seq: 3, state: 'absent' });
      expect(w.f.jobs()).toEqual([{ cluster: 'cluster2', objectKey: RULE, seq: 3, reason: 'resync' }]);
      expect(last(w).get('cluster2')).toEqual(new Map([[RULE, { why: 'extra', seq: 3, sinceMs: NOW_MS }]]));
      expect(last(w).get('cluster3')).toEqual(new Map());
    });
  });

  describe('when a follower looks equal but its last apply of an object failed', () => {
    it('dispatches a reconcile of that object so that a new result can clear the failure', async () => {
      const w = await recorded();
      await replicated(w, 'cluster2');
      await replicated(w, 'cluster3');
      w.failedPairs.add(`cluster3/${GDP}`);
      await w.resyncNow();
      expect(w.f.jobs()).toEqual([{ cluster: 'cluster3', objectKey: GDP, seq: 1, reason: 'resync' }]);
      expect(last(w).get('cluster3')).toEqual(new Map());
    });
  });

  describe('when a follower cannot be listed', () => {
    it('dispatches every known object to it, tombstones included, and reports it as unknown', async () => {
      const w = await recorded();
      await w.f.sync.converge(keyOf('GSLBConfig', 'old-gc'), undefined, { source: 'resync', deletedResourceVersion: '5' });
      await replicated(w, 'cluster2');
      w.clusters.get('cluster3')?.fail((verb) => (verb === 'list' ? new UnavailableError('list on cluster3: connection refused') : undefined));
      await w.resyncNow();
      expect(w.f.jobs().filter((j) => j.cluster === 'cluster3').map((j) => [j.objectKey, j.seq])).toEqual(
        expect.arrayContaining([[GDP, 1], [RULE, 2], [keyOf('GSLBConfig', 'old-gc'), 3]]),
      );
      expect(w.f.jobs().filter((j) => j.cluster === 'cluster3')).toHaveLength(3);
      expect(w.f.jobs().filter((j) => j.cluster === 'cluster2')).toEqual([]);
      expect(last(w).has('cluster3')).toBe(true);
      expect(last(w).get('cluster3')).toBeUndefined();
    });

    it('lists it again on its own after a back-off, so an object only it holds is found without a full resync', async () => {
      const w = await recorded();
      await replicated(w, 'cluster2');
      await replicated(w, 'cluster3');
      const OURS = keyOf('GSLBHostRule', 'ours-b');
      await w.onFollower('cluster3', followerCopy(rule('ours-b')));
      w.clusters.get('cluster3')?.fail((verb) => (verb === 'list' ? new UnavailableError('list on cluster3: 429 Too many requests') : undefined));
      await w.resyncNow();
      expect(await w.f.stores.log.readProjection(OURS)).toBeUndefined();
      w.clusters.get('cluster3')?.fail(undefined);
      await eventually(() => w.f.stores.log.readProjection(OURS), (entry) => entry?.state === 'absent', 20_000, 'cluster3 listed again');
      await w.resync.idle();
      expect(w.f.jobs()).toContainEqual({ cluster: 'cluster3', objectKey: OURS, seq: 3, reason: 'resync' });
      expect(last(w).get('cluster3')?.get(OURS)).toMatchObject({ why: 'extra', seq: 3 });
    }, 30_000);

    it('sends nothing more when listing it again fails again (the first failure reconciled every known object there)', async () => {
      const w = await recorded();
      await replicated(w, 'cluster2');
      w.clusters.get('cluster3')?.fail((verb) => (verb === 'list' ? new UnavailableError('list on cluster3: forbidden') : undefined));
      await w.resyncNow();
      expect(w.f.jobs(['cluster3'])).toHaveLength(2);
      w.f.drain(['cluster3']);
      await eventually(() => w.resync.completed(), (n) => n >= 2, 20_000, 'cluster3 listed again');
      await w.resync.idle();
      expect(w.f.jobs(['cluster3'])).toEqual([]);
      // A resync anyone else asks for (a member's return) still reconciles everything there.
      await w.resyncNow(['cluster3']);
      expect(w.f.jobs(['cluster3'])).toHaveLength(2);
    }, 30_000);

    it('reports which kinds could not be listed there and why, and nothing once a listing succeeds', async () => {
      const w = await recorded();
      await replicated(w, 'cluster2');
      await replicated(w, 'cluster3');
      w.clusters.get('cluster3')?.fail((verb, kind) => (verb === 'list' && kind === 'GSLBHostRule' ? new UnavailableError('list GSLBHostRule on cluster3: 403 Forbidden') : undefined));
      await w.resyncNow();
      expect(w.unlisted.at(-1)).toEqual(new Map([['cluster3', new Map([['GSLBHostRule', 'list GSLBHostRule on cluster3: 403 Forbidden']])]]));
      expect(last(w).get('cluster3')).toBeUndefined();
      w.clusters.get('cluster3')?.fail(undefined);
      await eventually(() => w.found.length, (n) => n >= 2, 20_000, 'cluster3 listed again');
      await w.resync.idle();
      expect(w.unlisted.at(-1)).toEqual(new Map());
      expect(last(w).get('cluster3')).toEqual(new Map());
    }, 30_000);

    it('warns about it and still completes the resync', async () => {
      const w = await recorded();
      w.clusters.get('cluster3')?.fail((verb) => (verb === 'list' ? new UnavailableError('list on cluster3: connection refused') : undefined));
      await w.resyncNow();
      expect(w.f.lines).toContainEqual(
        expect.objectContaining({
          level: 40,
          cluster: 'cluster3',
          problems: { GSLBConfig: 'list on cluster3: connection refused', GlobalDeploymentPolicy: 'list on cluster3: connection refused', GSLBHostRule: 'list on cluster3: connection refused' },
          msg: 'Could not list federated objects on follower; reconciling every known object there',
        }),
      );
      expect(w.resync.completed()).toBe(1);
    });
  });

  describe('when a valid follower has no client', () => {
    it('treats it as unlisted: every known object is dispatched to it', async () => {
      const w = await recorded({ followers: ['cluster2', 'cluster3'], clusters: ['cluster2'] });
      await replicated(w, 'cluster2');
      await w.resyncNow();
      expect(w.f.jobs().map((j) => [j.cluster, j.objectKey])).toEqual(expect.arrayContaining([['cluster3', GDP], ['cluster3', RULE]]));
      expect(w.f.jobs()).toHaveLength(2);
      expect(last(w).get('cluster3')).toBeUndefined();
      expect(w.unlisted.at(-1)?.get('cluster3')?.get('GSLBHostRule')).toBe('no client for cluster cluster3');
    });
  });

  describe('when a follower is not valid', () => {
    it('neither lists it nor dispatches to it', async () => {
      const w = await recorded({ followers: ['cluster2'], clusters: ['cluster2', 'cluster3'] });
      await replicated(w, 'cluster2');
      w.clusters.get('cluster3')?.fail(() => new UnavailableError('must not be called'));
      await w.resyncNow();
      expect(w.f.jobs()).toEqual([]);
      expect([...last(w).keys()]).toEqual(['cluster2']);
      expect(w.f.lines.filter((line) => line['level'] === 40)).toEqual([]);
    });

    it('runs a requested resync of only that follower over no follower at all', async () => {
      const w = await recorded({ followers: ['cluster2'], clusters: ['cluster2', 'cluster3'] });
      await w.resyncNow(['cluster3']);
      expect(w.f.jobs()).toEqual([]);
      expect(last(w)).toEqual(new Map());
    });
  });

  describe('when a resync is requested for one follower', () => {
    it('lists and reconciles that follower only', async () => {
      const w = await recorded();
      await w.resyncNow(['cluster3']);
      expect(new Set(w.f.jobs().map((j) => j.cluster))).toEqual(new Set(['cluster3']));
      expect([...last(w).keys()]).toEqual(['cluster3']);
      expect(w.f.lines).toContainEqual(expect.objectContaining({ msg: 'Resynced followers', full: false, followers: 1 }));
    });
  });

  describe('when the leader\'s objects have not been listed yet', () => {
    it('does nothing (never treats "not listed" as "empty")', async () => {
      const w = await recorded({ start: false });
      await w.onFollower('cluster2', rawObject('GSLBConfig', 'stray-gc'));
      await w.resyncNow();
      expect(w.resync.completed()).toBe(0);
      expect(w.found).toEqual([]);
      expect(w.f.jobs()).toEqual([]);
      expect(await w.f.stores.log.latestSeq()).toBe(2);
    });

    it('runs once listed and requested again', async () => {
      const w = await recorded({ start: false });
      await w.resyncNow();
      await w.start();
      await w.resyncNow();
      expect(w.resync.completed()).toBe(1);
      expect(w.f.jobs()).toHaveLength(4);
    });
  });

  describe('when more resyncs are requested while one runs', () => {
    it('coalesces them into one more run', async () => {
      const w = await recorded();
      w.resync.request();
      w.resync.request();
      w.resync.request(['cluster2']);
      await w.resync.idle();
      expect(w.resync.completed()).toBe(2);
    });
  });

  describe('when the federation log refuses appends (Redis lost its data)', () => {
    it('fails the resync with ResyncIncompleteError, retried later', async () => {
      const w = world();
      const claimed = await w.f.stores.log.claimIncarnation({ mode: 'ifAbsent' });
      w.f.guard = { incarnation: claimed.incarnation, minSeq: claimed.seq };
      w.f.stores.loseData();
      await w.onLeader(gdp());
      await w.start();
      await w.resyncNow();
      expect(w.resync.completed()).toBe(0);
      expect(w.f.storeChanges).toBeGreaterThan(0);
      expect(w.f.lines).toContainEqual(
        expect.objectContaining({ level: 40, msg: 'Resync failed, retrying', retryInMs: 500, err: expect.objectContaining({ code: 'RESYNC_INCOMPLETE' }) }),
      );
      expect(await w.f.stores.log.readProjection(GDP)).toBeUndefined();
      expect(w.f.jobs()).toEqual([]);
    });

    it('reports no pending reconcile for an object it could not record (nothing was enqueued for it)', async () => {
      const w = world();
      const claimed = await w.f.stores.log.claimIncarnation({ mode: 'ifAbsent' });
      w.f.guard = { incarnation: claimed.incarnation, minSeq: claimed.seq };
      w.f.stores.loseData();
      await w.onLeader(gdp());
      await w.start();
      await w.resyncNow();
      expect(last(w)).toEqual(new Map([['cluster2', new Map()], ['cluster3', new Map()]]));
    });
  });
});
