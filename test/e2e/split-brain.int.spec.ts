/**
 * Split brain, end to end (leadership epochs and fencing tokens): four clusters, A the leader of B,
 * C and D, and a watcher + replicator at A and at B, each site reaching every cluster with its own
 * identity. A and B are cut from each other; B is promoted (with `amko-fed promote`, and with a plain
 * edit of spec.isLeader) and stamps C and D at epoch 2; A keeps saying isLeader: true and keeps
 * reaching C and D, and the request logs of C and D must show not one write from A after B's stamp
 * landed there, through A's resyncs and a restart of A's watcher. Healed, the dual leader is
 * reported; A demoted converges to B. Last, two followers promoted at the same moment race for the
 * tokens: each follower's token goes to exactly one of them and the other stops.
 */
import { collectionOf, gdpBody, GC, GDP, gslbConfigBody, pathOf, type Kind } from './support.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '@amko-fed/testing';
import {
  AMKO_CLUSTER_PATH,
  conditionsOn,
  copyOn,
  describeRequests,
  epochOf,
  FENCE_EPOCH,
  FENCE_LEASE,
  FENCE_PATH,
  logLinesSince,
  memberValidationOf,
  requestsFrom,
  resyncsSince,
  sampleUntil,
  siteUser,
  stampLanded,
  startSplitBrainWorld,
  tokenOn,
  writesFrom,
  type SplitBrainWorld,
} from './split-brain-support.ts';

const A = 'cluster-a';
const B = 'cluster-b';
const C = 'cluster-c';
const D = 'cluster-d';
const CLUSTERS = [A, B, C, D];
/** Every wait is a functional deadline, generous for a loaded two-core machine. */
const WAIT_MS = 120_000;
const TEST_TIMEOUT_MS = 400_000;
const POLL_MS = 200;

const WATCHER_ENV = { MEMBER_CHECK_INTERVAL: '1s', RESYNC_INTERVAL: '3s', STATUS_DEBOUNCE: '100ms', FAILED_RETRY_BASE: '1s' };
const REPLICATOR_ENV = { RETRY_BASE: '100ms', RETRY_CAP: '2s' };

const dualLeader = (cluster: string): string => `AMKO in cluster ${cluster} is also a leader, conflicting state`;
const isLeaderPatch = (isLeader: boolean) => ({ spec: { isLeader } });

function startWorld(): Promise<SplitBrainWorld> {
  return startSplitBrainWorld({ clusters: CLUSTERS, leader: A, sites: [A, B], redisUrl: inject('redisUrl'), watcherEnv: WATCHER_ENV, replicatorEnv: REPLICATOR_ENV });
}

/** Waits until `clusters` all hold a copy of `kind` with `spec[field] === value` written by `leader` at `epoch`. */
async function copiesAre(world: SplitBrainWorld, clusters: readonly string[], kind: Kind, field: string, value: unknown, leader: string, epoch: string): Promise<void> {
  const copies = await eventually(
    () => Promise.all(clusters.map((c) => copyOn(world, c, kind))),
    (all) => all.every((copy) => copy?.spec?.[field] === value && copy?.term.leader === leader && copy?.term.epoch === epoch),
    WAIT_MS, `${kind.plural} ${field}=${String(value)} from ${leader} at epoch ${epoch} on ${clusters.join(', ')}`, POLL_MS,
  );
  for (const copy of copies) expect(copy).toMatchObject({ spec: { [field]: value }, term: { leader, epoch } });
}

/** Waits until the fencing token on each of `clusters` names `leader` at `epoch`. */
async function tokensAre(world: SplitBrainWorld, clusters: readonly string[], leader: string, epoch: string): Promise<void> {
  const tokens = await eventually(
    () => Promise.all(clusters.map((c) => tokenOn(world, c))),
    (all) => all.every((t) => t?.leader === leader && t.epoch === epoch),
    WAIT_MS, `fencing tokens naming ${leader} at epoch ${epoch} on ${clusters.join(', ')}`, POLL_MS,
  );
  expect(tokens).toEqual(clusters.map(() => ({ leader, epoch })));
}

/** GDP ttl on each of `clusters`, in order. */
const gdpTtls = (world: SplitBrainWorld, clusters: readonly string[]): Promise<unknown[]> =>
  Promise.all(clusters.map(async (c) => (await copyOn(world, c, GDP))?.spec?.['ttl']));

/** A federates GSLBConfig and GDP to B, C and D (step 1, shared by every scenario). */
async function federateFromA(world: SplitBrainWorld): Promise<void> {
  await world.kube(A).create(collectionOf(GC), gslbConfigBody(20));
  await world.kube(A).create(collectionOf(GDP), gdpBody(30));
  await copiesAre(world, [B, C, D], GDP, 'ttl', 30, A, '1');
  await copiesAre(world, [B, C, D], GC, 'refreshInterval', 20, A, '1');
  await tokensAre(world, [B, C, D], A, '1');
  expect(await epochOf(world, A)).toBe('1');
  expect(await epochOf(world, B)).toBeUndefined();
}

const PROMOTIONS = [
  {
    how: 'amko-fed promote',
    async promote(world: SplitBrainWorld): Promise<void> {
      // B's operator, with B's kubeconfig: A is as unreachable for the CLI as for B's workloads.
      const run = await world.amkoFed(B, ['--context', B, 'promote']);
      expect(run.err).toContain(`cluster ${A} is unreachable`);
      expect(run.out).toContain(`Promoted ${B}.`);
      expect(run.code).toBe(0);
    },
    async demote(world: SplitBrainWorld): Promise<void> {
      const run = await world.amkoFed(A, ['--context', A, 'demote']);
      expect(run.out).toContain(`Demoted ${A}.`);
      expect(run.code).toBe(0);
    },
  },
  {
    how: 'a plain edit of spec.isLeader',
    async promote(world: SplitBrainWorld): Promise<void> {
      // what `kubectl edit` sends: a JSON merge patch of the spec, the annotations untouched
      await world.kube(B).mergePatch(AMKO_CLUSTER_PATH, isLeaderPatch(true));
    },
    async demote(world: SplitBrainWorld): Promise<void> {
      await world.kube(A).mergePatch(AMKO_CLUSTER_PATH, isLeaderPatch(false));
    },
  },
] as const;

describe('split brain', () => {
  describe.each(PROMOTIONS)('when B is promoted with $how while partitioned from A', ({ promote, demote }) => {
    let world: SplitBrainWorld;
    /** When B's stamp landed on C and on D (the emulators' monotonic ms). */
    const stampedAt = new Map<string, number>();

    beforeAll(async () => {
      world = await startWorld();
    }, WAIT_MS);
    afterAll(async () => {
      await world?.stop();
    });

    it('A federates to B, C and D at epoch 1: tokens name A at epoch 1, copies carry epoch 1', { timeout: TEST_TIMEOUT_MS }, async () => {
      await federateFromA(world);
    });

    it('B takes epoch 2, stamps C and D, and its GDP change reaches them', { timeout: TEST_TIMEOUT_MS }, async () => {
      const bSpec = (await world.kube(B).get(AMKO_CLUSTER_PATH))?.['spec'] as { clusters?: string[] } | undefined;
      expect(bSpec?.clusters).toEqual(expect.arrayContaining([A, C, D]));
      world.partition(A, B);

      await promote(world);
      await eventually(() => epochOf(world, B), (epoch) => epoch === '2', WAIT_MS, `${B}'s leader epoch 2`, POLL_MS);
      await tokensAre(world, [C, D], B, '2');
      for (const cluster of [C, D]) {
        const landed = stampLanded(world, cluster, B);
        expect(landed, `${B}'s stamp in ${cluster}'s request log`).toBeDefined();
        stampedAt.set(cluster, landed as number);
      }
      // A was still writing to C and D before (its stamps at epoch 1): the log covers that time
      for (const cluster of [C, D]) expect(world.cluster(cluster).requestLog.entries()[0]?.startedMs).toBeLessThan(stampedAt.get(cluster) as number);

      await world.kube(B).mergePatch(pathOf(GDP), { spec: { ttl: 222 } });
      await copiesAre(world, [C, D], GDP, 'ttl', 222, B, '2');
      // B's resync re-stamps the copies of the earlier leadership
      await copiesAre(world, [C, D], GC, 'refreshInterval', 20, B, '2');
      expect(await epochOf(world, A)).toBe('1');
    });

    it('A, still leader and still reaching C and D, writes nothing into them after B\'s stamp, through its resyncs and a watcher restart, and says it is stale', { timeout: TEST_TIMEOUT_MS }, async () => {
      const since = Date.now();
      // A has something to federate: its own objects change while it is stale
      await world.kube(A).mergePatch(pathOf(GDP), { spec: { ttl: 111 } });
      await world.kube(A).mergePatch(pathOf(GC), { spec: { refreshInterval: 11 } });

      const stale = `stale leader: ${B} leads at epoch 2 (fencing token on `;
      const reason = await eventually(() => memberValidationOf(world, A), (r) => r?.startsWith(stale) === true, WAIT_MS, `${A}'s stale-leader status`, POLL_MS);
      expect(reason).toMatch(new RegExp(`^stale leader: ${B} leads at epoch 2 \\(fencing token on (${C}|${D})\\); this cluster ${A} leads at epoch 1, federation stopped; demote this cluster`));
      // nothing is federated, and the status does not say otherwise
      const federationConditions = (await conditionsOn(world, A)).filter((c) => c.type === 'GSLBConfig Federation' || c.type === 'GDP Federation');
      expect(federationConditions, `${A}'s federation conditions while stale`).toEqual([]);

      const watcher = world.site(A).watcher;
      const before = await sampleUntil(() => gdpTtls(world, [C, D]), async () => (await resyncsSince(watcher, since)) >= 2, WAIT_MS, `two periodic resyncs of ${A}'s watcher`);

      const restartedAt = Date.now();
      const restartedMono = performance.now();
      await watcher.restart();
      const fenceReadsSince = (cluster: string) => requestsFrom(world, cluster, A, restartedMono).filter((e) => e.resource === 'leases' && e.name === FENCE_LEASE).length;
      const after = await sampleUntil(
        () => gdpTtls(world, [C, D]),
        async () => (await resyncsSince(watcher, restartedAt)) >= 2 && fenceReadsSince(C) >= 2 && fenceReadsSince(D) >= 2,
        WAIT_MS, `two resyncs and member checks of C and D by ${A}'s restarted watcher`,
      );

      // the GDP on C and D kept B's value throughout
      expect([...new Set([...before, ...after].map((ttls) => JSON.stringify(ttls)))]).toEqual([JSON.stringify([222, 222])]);
      for (const cluster of [C, D]) {
        const since = stampedAt.get(cluster) as number;
        // A kept talking to C and D (member checks, token reads) and never wrote
        expect(requestsFrom(world, cluster, A, since).length, `${A}'s requests to ${cluster} after ${B}'s stamp`).toBeGreaterThan(0);
        expect(describeRequests(writesFrom(world, cluster, A, since)), `${A}'s writes to ${cluster} after ${B}'s stamp`).toEqual([]);
      }
      await tokensAre(world, [C, D], B, '2');
      // a restart continues A's (old) leadership: same epoch, still stale
      expect(await epochOf(world, A)).toBe('1');
      expect(await eventually(() => memberValidationOf(world, A), (r) => r?.startsWith(stale) === true, WAIT_MS, `${A}'s stale-leader status after the restart`, POLL_MS)).toContain(`this cluster ${A} leads at epoch 1`);
      expect((await copyOn(world, A, GDP))?.spec?.['ttl']).toBe(111);
    });

    it('healed, the dual leader is reported; A demoted drops its epoch and converges to B at epoch 2', { timeout: TEST_TIMEOUT_MS }, async () => {
      world.heal();
      await eventually(() => memberValidationOf(world, A), (r) => r === dualLeader(B), WAIT_MS, `${A} reporting ${B} as another leader`, POLL_MS);
      await eventually(() => memberValidationOf(world, B), (r) => r === dualLeader(A), WAIT_MS, `${B} reporting ${A} as another leader`, POLL_MS);

      await demote(world);
      await eventually(() => epochOf(world, A), (epoch) => epoch === undefined, WAIT_MS, `${A}'s leader epoch removed`, POLL_MS);
      await copiesAre(world, [A], GDP, 'ttl', 222, B, '2');
      await copiesAre(world, [A], GC, 'refreshInterval', 20, B, '2');
      await tokensAre(world, [A, C, D], B, '2');
      const conditions = await eventually(() => conditionsOn(world, A), (all) => all.length === 1 && all[0]?.status === "won't federate objects", WAIT_MS, `${A}'s follower status`, POLL_MS);
      expect(conditions).toHaveLength(1);
      const leading = await eventually(
        () => conditionsOn(world, B),
        (all) => all.find((c) => c.type === 'member cluster validation')?.status === 'validated all member clusters'
          && all.find((c) => c.type === 'GDP Federation')?.status === 'federated to all valid clusters successfully',
        WAIT_MS, `${B} federating to all members`, POLL_MS,
      );
      expect(leading.find((c) => c.type === 'GSLBConfig Federation')?.status).toBe('federated to all valid clusters successfully');
      expect(await gdpTtls(world, [C, D])).toEqual([222, 222]);
    });
  });

  describe('when two followers are promoted at the same moment, partitioned from each other', () => {
    let world: SplitBrainWorld;
    const racers: readonly string[] = [A, B];
    const followers: readonly string[] = [C, D];

    beforeAll(async () => {
      world = await startWorld();
    }, WAIT_MS);
    afterAll(async () => {
      await world?.stop();
    });

    it('A federates at epoch 1, then is demoted: nobody leads', { timeout: TEST_TIMEOUT_MS }, async () => {
      await federateFromA(world);
      await world.kube(A).mergePatch(AMKO_CLUSTER_PATH, isLeaderPatch(false));
      await eventually(() => epochOf(world, A), (epoch) => epoch === undefined, WAIT_MS, `${A}'s leader epoch removed`, POLL_MS);
      await eventually(() => conditionsOn(world, A), (all) => all[0]?.status === "won't federate objects", WAIT_MS, `${A}'s follower status`, POLL_MS);
    });

    it('gives each follower\'s token to exactly one of them; the other says it is stale and writes nothing there afterwards', { timeout: TEST_TIMEOUT_MS }, async () => {
      world.partition(A, B);
      // C and D answer slowly, so that both racers read the tokens (epoch 1) before either stamp
      // lands: both take epoch 2 and race for the same epoch (else the later one outranks the other)
      for (const follower of followers) world.cluster(follower).faults.set({ latencyMs: 500 });
      const raceStart = performance.now();
      await Promise.all(racers.map((r) => world.kube(r).mergePatch(AMKO_CLUSTER_PATH, isLeaderPatch(true))));

      // both take an epoch; every follower's token names one of them at a new epoch
      const epochs = await eventually(() => Promise.all(racers.map((r) => epochOf(world, r))), (all) => all.every((e) => e !== undefined), WAIT_MS, 'both racers\' epochs', POLL_MS);
      const epochOfRacer = new Map(racers.map((r, i) => [r, epochs[i] as string]));
      const tokens = await eventually(
        () => Promise.all(followers.map((f) => tokenOn(world, f))),
        (all) => all.every((t) => t !== undefined && racers.some((r) => t.leader === r && t.epoch === epochOfRacer.get(r))),
        WAIT_MS, 'tokens naming one of the racers at its epoch', POLL_MS,
      );
      for (const follower of followers) world.cluster(follower).faults.clear();
      const holderOf = new Map(followers.map((f, i) => [f, tokens[i]?.leader as string]));
      const losers = racers.filter((r) => followers.some((f) => holderOf.get(f) !== r));
      console.info(`race: epochs ${racers.map((r) => `${r}=${epochOfRacer.get(r) ?? '?'}`).join(' ')}; tokens ${followers.map((f) => `${f}→${holderOf.get(f) ?? '?'}`).join(' ')}`);
      expect(losers.length).toBeGreaterThan(0);

      // each racer that lost a token says it is stale, naming a leader that holds one
      for (const loser of losers) {
        const reason = await eventually(() => memberValidationOf(world, loser), (r) => r?.startsWith('stale leader: ') === true, WAIT_MS, `${loser}'s stale-leader status`, POLL_MS);
        const match = /^stale leader: (\S+) leads at epoch (\d+) \(fencing token on (\S+)\); this cluster (\S+) leads at epoch (\d+), federation stopped/.exec(reason ?? '');
        expect(match, reason).not.toBeNull();
        const [, by, byEpoch, on, self, selfEpoch] = match as unknown as string[];
        expect({ by, byEpoch, self, selfEpoch }).toEqual({ by: holderOf.get(on as string), byEpoch: epochOfRacer.get(by as string), self: loser, selfEpoch: epochOfRacer.get(loser) });
        expect(by).not.toBe(loser);
      }

      // the stamps that landed: one per follower at one epoch (the compare-and-set), the holder's last
      const sameEpoch = epochOfRacer.get(A) === epochOfRacer.get(B);
      const landedAt = new Map<string, number>();
      for (const follower of followers) {
        const stamps = world.cluster(follower).requestLog.writes({ resource: 'leases' })
          .filter((e) => e.startedMs > raceStart && e.status >= 200 && e.status < 300 && racers.some((r) => e.user === siteUser(r)));
        expect(stamps.at(-1)?.user, `stamps on ${follower}: ${describeRequests(stamps).join('; ')}`).toBe(siteUser(holderOf.get(follower) as string));
        expect(stamps.length, `stamps on ${follower}: ${describeRequests(stamps).join('; ')}`).toBeLessThanOrEqual(sameEpoch ? 1 : 2);
        landedAt.set(follower, stampLanded(world, follower, holderOf.get(follower) as string) as number);
      }

      // both racers now have something to federate; only a racer holding every token may
      const winner = racers.find((r) => !losers.includes(r));
      const since = Date.now();
      await world.kube(A).mergePatch(pathOf(GDP), { spec: { ttl: winner === A ? 333 : 444 } });
      await world.kube(B).mergePatch(pathOf(GDP), { spec: { ttl: winner === B ? 333 : 444 } });
      const samples = await sampleUntil(
        () => gdpTtls(world, followers),
        async () => {
          const resynced = await Promise.all(losers.map(async (l) => (await resyncsSince(world.site(l).watcher, since)) >= 2));
          const arrived = winner === undefined || JSON.stringify(await gdpTtls(world, followers)) === JSON.stringify([333, 333]);
          return resynced.every(Boolean) && arrived;
        },
        WAIT_MS, 'two resyncs of every loser (and the winner\'s change on the followers)',
      );
      expect(samples.flat(), 'no follower ever held a loser\'s GDP').not.toContain(444);
      if (winner !== undefined) {
        await copiesAre(world, followers, GDP, 'ttl', 333, winner, epochOfRacer.get(winner) as string);
      } else {
        // split: both stopped, the followers keep what they had
        expect(samples.flat().every((ttl) => ttl === 30)).toBe(true);
      }
      for (const follower of followers) {
        const holder = holderOf.get(follower) as string;
        for (const loser of racers.filter((r) => r !== holder)) {
          const after = writesFrom(world, follower, loser, landedAt.get(follower) as number);
          // a compare-and-set that lost the token is a refused write (409): it changed nothing
          expect(describeRequests(after.filter((e) => !(e.status === 409 && e.resource === 'leases'))), `${loser}'s writes to ${follower} after ${holder}'s stamp`).toEqual([]);
        }
      }
      expect((await Promise.all(followers.map((f) => tokenOn(world, f)))).map((t) => t?.leader)).toEqual(followers.map((f) => holderOf.get(f)));
    });
  });

  /**
   * Regression test of a bug this suite found (reported with fc12383): the replicator cached its
   * fence lookup (the follower's AMKOCluster and token) for FENCE_CACHE_TTL and checked only the
   * copy's epoch fresh, so for up to that long after a later leader's stamp landed it still wrote
   * onto copies the new leader had not rewritten yet (seen in the race above when the racers took
   * epochs 2 and 3: A updated gc-1 and global-gdp on C after B's stamp; here: update global-gdp ->
   * 200 after the token named cluster-b at epoch 2, with the default 2 s as well). A 30 s cache
   * keeps the window wide open on a loaded machine, the production member-check interval (30 s)
   * keeps A's watcher from noticing on its own first, and the later leader's stamp is written by
   * the test at a chosen moment (the same compare-and-set B's watcher does).
   */
  describe('when a later leader stamps a follower while the old leader\'s replicator holds a fresh fence answer', () => {
    let world: SplitBrainWorld;

    beforeAll(async () => {
      world = await startSplitBrainWorld({
        clusters: CLUSTERS, leader: A, sites: [A], redisUrl: inject('redisUrl'),
        watcherEnv: { ...WATCHER_ENV, MEMBER_CHECK_INTERVAL: '30s', RESYNC_INTERVAL: '5m' },
        replicatorEnv: { ...REPLICATOR_ENV, FENCE_CACHE_TTL: '30s' },
      });
      await federateFromA(world);
    }, WAIT_MS);
    afterAll(async () => {
      await world?.stop();
    });

    /** What the follower received from A after the stamp, and its GDP ttl then. */
    let afterStamp: { writes: string[]; ttl: unknown; refused: boolean } | undefined;

    it('C\'s token is stamped by a later leader while A\'s replicator holds a fresh answer; A changes its GDP again', { timeout: TEST_TIMEOUT_MS }, async () => {
      // A's replicator looks C's token up (A at epoch 1) while applying a change, and caches it
      await world.kube(A).mergePatch(pathOf(GDP), { spec: { ttl: 31 } });
      await copiesAre(world, [C, D], GDP, 'ttl', 31, A, '1');
      // B's stamp lands on C: the token names B at epoch 2 (compare-and-set, as stampFenceToken does)
      const lease = await world.kube(C).get(FENCE_PATH) as { metadata: { annotations?: Record<string, string> }; spec: Record<string, unknown> };
      const put = await world.kube(C).request('PUT', FENCE_PATH, { ...lease, metadata: { ...lease.metadata, annotations: { ...lease.metadata.annotations, [FENCE_EPOCH]: '2' } }, spec: { ...lease.spec, holderIdentity: B } });
      expect(put.status).toBe(200);
      const stamped = performance.now();
      const stampedWall = Date.now();
      expect(await tokenOn(world, C)).toEqual({ leader: B, epoch: '2' });

      // A changes its GDP again: D (still A's) receives it
      await world.kube(A).mergePatch(pathOf(GDP), { spec: { ttl: 32 } });
      await copiesAre(world, [D], GDP, 'ttl', 32, A, '1');
      // A's replicator has been through its job for C (applied it, or refused it) before the log is read
      const outcome = await eventually(() => logLinesSince(world.site(A).replicator, stampedWall), (lines) => lines.some((l) => l.includes(`"${C}"`) && /GlobalDeploymentPolicy/.test(l) && !/"level":20/.test(l)), WAIT_MS, `${A}'s replicator done with the change for ${C}`, POLL_MS);
      expect(outcome.length).toBeGreaterThan(0);
      afterStamp = {
        writes: describeRequests(writesFrom(world, C, A, stamped)),
        ttl: (await copyOn(world, C, GDP))?.spec?.['ttl'],
        refused: outcome.some((l) => l.includes(`fenced: ${C} follows ${B} at epoch 2; this leader is ${A} at epoch 1`)),
      };
    });

    it('the old leader writes nothing into C after the stamp naming a later leadership', () => {
      expect(afterStamp, 'the scenario above ran').toBeDefined();
      expect(afterStamp?.writes, `${A}'s writes to ${C} after the stamp naming ${B} at epoch 2`).toEqual([]);
      expect(afterStamp?.ttl).toBe(31);
      expect(afterStamp?.refused, `${A}'s replicator logs the refusal naming both leaderships`).toBe(true);
    });
  });
});
