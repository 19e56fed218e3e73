/**
 * Three replicator processes sharing the follower queues (issue #11, part 5; ADR 0009): a job one
 * replica failed is replayed through another, every replica's board lists the same queues, and one
 * replica is killed with -9 while it holds jobs in the middle of a burst. Every follower ends with
 * the leader's objects, no two writes to one follower object were ever in flight at once (the
 * emulator's request log), the jobs the dead replica held are recovered as stalled by the others,
 * and the leader's status says federated. The watcher's resync is slow here (5 min), so
 * convergence cannot come from a resync.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedPrefix, startFederation, type AppProcess, type Federation } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bothFederated, collectionOf, eventually, gdpBody, GC, GDP, ghrCollection, ghrPath, gslbConfigBody, gslbHostRuleBody, objectOn, pathOf, specOn } from './support.ts';

const FOLLOWERS = ['follower1', 'follower2'];
const RULES = ['rule-a', 'rule-b', 'rule-c', 'rule-d', 'rule-e', 'rule-f'];
const TOKEN = 'board-token-3f9a0c51d2';
const auth = { authorization: `Bearer ${TOKEN}` };

interface BoardJob {
  readonly id: string;
  readonly processedBy?: string;
  readonly processedOn?: number;
}
interface BoardQueue {
  readonly name: string;
  readonly jobs: BoardJob[];
}

let federation: Federation;
let secretsDir: string;
let replicas: AppProcess[];

/** The worker name a replicator process stamps on the jobs it takes (replicator.ts: replicator-<host>-<pid>). */
const ownedBy = (replica: AppProcess, job: BoardJob): boolean => replica.pid !== undefined && job.processedBy?.endsWith(`-${replica.pid}`) === true;

async function board(replica: AppProcess, query = ''): Promise<BoardQueue[]> {
  const response = await fetch(`${replica.url}/board/api/queues${query}`, { headers: auth });
  if (response.status !== 200) throw new Error(`board of ${replica.name} answered ${response.status}`);
  return ((await response.json()) as { queues: BoardQueue[] }).queues;
}

/** Jobs in `status` on every follower queue, read through `replica`'s board. */
async function jobsIn(replica: AppProcess, status: string): Promise<BoardJob[]> {
  const names = (await board(replica)).map((q) => q.name);
  const pages = await Promise.all(names.map((name) => board(replica, `?activeQueue=${encodeURIComponent(name)}&status=${status}&page=1&jobsPerPage=100`)));
  return pages.flatMap((queues, i) => queues.find((q) => q.name === names[i])?.jobs ?? []);
}

/** Sum of the samples of `name` on `replica`'s /metrics whose labels include every pair of `labels`. */
async function metric(replica: AppProcess, name: string, labels: Readonly<Record<string, string>>): Promise<number> {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && wanted.every((pair) => line.includes(pair)))
    .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

const FEDERATED = [GC.plural, GDP.plural, 'gslbhostrules'];
/** Writes a follower answered with success (what the replicas' applies must add up to). */
const successfulWrites = (cluster: string): number =>
  federation.cluster(cluster).requestLog.writes().filter((e) => FEDERATED.includes(e.resource ?? '') && e.status >= 200 && e.status < 300).length;

const ttlOn = async (cluster: string, name: string): Promise<unknown> => ((await objectOn(federation, cluster, ghrPath(name)))?.['spec'] as { ttl?: unknown } | undefined)?.ttl;

/** Each cluster's [GSLBConfig refreshInterval, GDP ttl, rule ttls…]. */
async function valuesOn(cluster: string): Promise<unknown[]> {
  return [(await specOn(federation, cluster, GC))?.['refreshInterval'], (await specOn(federation, cluster, GDP))?.['ttl'], ...(await Promise.all(RULES.map((r) => ttlOn(cluster, r))))];
}

beforeAll(async () => {
  secretsDir = await mkdtemp(join(tmpdir(), 'e2e-replicas-'));
  await writeFile(join(secretsDir, 'token'), TOKEN);
  federation = await startFederation({
    followers: FOLLOWERS,
    redisUrl: inject('redisUrl'),
    prefix: isolatedPrefix('replicas'),
    watcher: { env: { RESYNC_INTERVAL: '5m', STATUS_DEBOUNCE: '100ms', FEDERATED_KINDS: 'GSLBConfig,GlobalDeploymentPolicy,GSLBHostRule' } },
    replicator: { env: { BOARD_TOKEN_FILE: join(secretsDir, 'token'), RETRY_BASE: '100ms', RETRY_CAP: '1s' } },
  });
  replicas = [
    federation.app('replicator'),
    await federation.addReplica('replicator', { id: 'b', start: false }),
    await federation.addReplica('replicator', { id: 'c', start: false }),
  ];
}, 120_000);

afterAll(async () => {
  await federation?.stop();
  if (secretsDir) await rm(secretsDir, { recursive: true, force: true });
});

describe('replicator replicas', () => {
  describe('when a job failed on one replica', () => {
    it('is replayed through another, and every replica\'s board lists the same queues', async () => {
      const [a, b, c] = replicas as [AppProcess, AppProcess, AppProcess];
      // Only replica A runs: follower1 rejects the GSLBConfig once (422, terminal), so A fails the job.
      federation.cluster('follower1').faults.set({ error: { status: 422, count: 1, verbs: ['create'], resources: [GC.plural] } });
      await federation.kube('leader').create(collectionOf(GC), gslbConfigBody(1));
      const failed = await eventually(() => jobsIn(a, 'failed'), (jobs) => jobs.length === 1, 60_000, 'the GSLBConfig job failed on follower1');
      expect(ownedBy(a, failed[0] as BoardJob)).toBe(true);
      federation.cluster('follower1').faults.clear();

      await Promise.all([b.start(), c.start()]);
      const response = await fetch(`${b.url}/replay`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ cluster: 'follower1' }) });
      expect({ status: response.status, body: await response.json() }).toMatchObject({ status: 200, body: { retried: 1, clusters: ['follower1'] } });
      await eventually(() => specOn(federation, 'follower1', GC), (spec) => spec?.['refreshInterval'] === 1, 60_000, 'follower1 has the replayed GSLBConfig');
      expect(await jobsIn(c, 'failed')).toEqual([]);

      // Counters are per replica and add up: created/updated/deleted over the three = the follower's successful writes.
      const applied = async (cluster: string): Promise<number> =>
        (await Promise.all(replicas.flatMap((r) => ['created', 'updated', 'deleted'].map((outcome) => metric(r, 'amko_fed_replicator_applies_total', { cluster, outcome }))))).reduce((n, v) => n + v, 0);
      await eventually(
        () => Promise.all(FOLLOWERS.map(async (cluster) => [await applied(cluster), successfulWrites(cluster)])),
        (all) => all.every(([counted, written]) => counted === written && (written ?? 0) > 0),
        60_000,
        'applies counted across replicas = successful follower writes',
      );
      // Queue depth describes the shared queues: every replica reports the same value (use max(), not sum()).
      const depths = await eventually(
        () => Promise.all(replicas.map((r) => metric(r, 'amko_fed_replicator_queue_depth', { cluster: 'follower1', state: 'completed' }))),
        (all) => all.every((v) => v === all[0]),
        60_000,
        'the same queue depth on every replica',
      );
      expect(depths[0]).toBeGreaterThan(0);

      const lists = await Promise.all(replicas.map(async (r) => (await board(r)).map((q) => q.name).sort()));
      expect(lists[0]).toHaveLength(FOLLOWERS.length);
      expect(lists[1]).toEqual(lists[0]);
      expect(lists[2]).toEqual(lists[0]);
    }, 180_000);
  });

  describe('when one of three replicas is killed with -9 while it holds jobs during a burst', () => {
    it('loses nothing, never writes one object twice at once, and the status says federated', async () => {
      const leader = federation.kube('leader');
      await leader.create(collectionOf(GDP), gdpBody(1));
      for (const rule of RULES) await leader.create(ghrCollection(), gslbHostRuleBody(rule, 1));
      const first = [1, 1, ...RULES.map(() => 1)];
      await eventually(() => Promise.all(FOLLOWERS.map(valuesOn)), (all) => all.every((v) => JSON.stringify(v) === JSON.stringify(first)), 60_000, 'every follower has every object');

      // Slow follower updates, so that a replica is in the middle of applies when it dies.
      for (const cluster of FOLLOWERS) {
        federation.cluster(cluster).requestLog.clear();
        federation.cluster(cluster).faults.set({ latencyByVerb: { update: 500 } });
      }
      let round = 1;
      const writeRound = async (): Promise<void> => {
        round += 1;
        await leader.mergePatch(pathOf(GC), { spec: { refreshInterval: round } });
        await leader.mergePatch(pathOf(GDP), { spec: { ttl: round } });
        for (const rule of RULES) await leader.mergePatch(ghrPath(rule), { spec: { ttl: round } });
      };
      for (let i = 0; i < 3; i += 1) await writeRound();
      // Keep the burst going until replica B or C holds a job past its burst deferral decision
      // (taken 100-400 ms ago: its follower update, slowed to 500 ms, cannot have been answered);
      // kill that replica at once (nothing but microtasks between the read and the kill).
      const a = replicas[0] as AppProcess;
      const victim = (await eventually(
        async () => {
          const now = Date.now();
          const inApply = (await jobsIn(a, 'active')).filter((j) => j.processedOn !== undefined && now - j.processedOn >= 100 && now - j.processedOn < 400);
          const owner = replicas.slice(1).find((r) => inApply.some((j) => ownedBy(r, j)));
          if (owner === undefined) await writeRound();
          return owner;
        },
        (owner) => owner !== undefined,
        120_000,
        'replica B or C in the middle of an apply',
      )) as AppProcess;
      const pid = victim.pid;
      expect((await victim.kill('SIGKILL'))?.signal).toBe('SIGKILL');
      // Dead now: the jobs it held stay active, marked with its name, until another replica recovers them.
      const held = (await jobsIn(a, 'active')).filter((j) => j.processedBy?.endsWith(`-${pid}`) === true);
      expect(held.length).toBeGreaterThan(0);
      for (let i = 0; i < 5; i += 1) await writeRound();
      for (const cluster of FOLLOWERS) federation.cluster(cluster).faults.clear();

      const last = [round, round, ...RULES.map(() => round)];
      await eventually(() => Promise.all(FOLLOWERS.map(valuesOn)), (all) => all.every((v) => JSON.stringify(v) === JSON.stringify(last)), 90_000, 'every follower at the leader\'s last state');
      for (const cluster of FOLLOWERS) {
        for (const plural of [GC.plural, GDP.plural, 'gslbhostrules']) {
          expect(federation.cluster(cluster).requestLog.overlappingWrites({ resource: plural }), `${cluster} ${plural}`).toEqual([]);
        }
      }
      const survivors = replicas.filter((r) => r !== victim);
      await eventually(async () => (await Promise.all(survivors.map((r) => r.logs()))).join(''), (logs) => logs.includes('Recovered a job whose worker stopped (stalled)'), 60_000, 'a survivor recovered the dead replica\'s jobs');
      await bothFederated(federation);
      expect(victim.exits.map((e) => e.signal)).toEqual(['SIGKILL']);
    }, 300_000);
  });
});
