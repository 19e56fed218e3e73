/**
 * A federation whose kubeconfig contexts are the names users have (issue #11, part 1): `oc login`'s
 * `…:6443/kube:admin` as the leader, an EKS ARN, a GKE name, AMKO's `clusterA`, one with spaces,
 * one with braces and one of 250 characters as followers. Objects arrive, results are recorded
 * under the names, and every place a person reads a name shows it as written: AMKOCluster status,
 * metrics labels, the board, the replay API and `amko-fed`.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisConnection, createResultsStore } from '@amko-fed/queue';
import { isolatedPrefix, startFederation, type Federation } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { amkoFed as runAmkoFed, collectionOf, conditionOf, eventually, GC, GDP, gdpBody, gslbConfigBody, pathOf, SOME_FAILED, specOn, SUCCESS, type CliRun } from './support.ts';

const LEADER = 'avi-system/api-ocp2-example-com:6443/kube:admin';
const EKS = 'arn:aws:eks:us-east-1:123456789012:cluster/site3';
const SPACES = 'site four (DR)';
const BRACES = 'tag{east}';
const LONG = `long-${'x'.repeat(245)}`;
const FOLLOWERS = [EKS, 'gke_proj_europe-west1_site2', 'clusterA', SPACES, BRACES, LONG];
const BOARD_USER = 'ops';
const BOARD_PASSWORD = 'board-pw-context-names-7c1d';

let federation: Federation;
let dir: string;

const basicAuth = `Basic ${Buffer.from(`${BOARD_USER}:${BOARD_PASSWORD}`).toString('base64')}`;
const onFollowers = <T>(read: (cluster: string) => Promise<T>): Promise<T[]> => Promise.all(FOLLOWERS.map(read));

/** amko-fed as a user runs it, with this suite's HOME. */
const amkoFed = (args: readonly string[]): Promise<CliRun> => runAmkoFed(federation, args, dir);

/** A Prometheus label value as the exposition format writes it (backslash, quote and newline escaped). */
const labelValue = (value: string): string => value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'e2e-context-names-'));
  await writeFile(join(dir, 'password'), BOARD_PASSWORD);
  federation = await startFederation({
    leader: LEADER,
    followers: FOLLOWERS,
    redisUrl: inject('redisUrl'),
    prefix: isolatedPrefix('e2e-names'),
    watcher: { env: { RESYNC_INTERVAL: '2s', MEMBER_CHECK_INTERVAL: '1s', STATUS_DEBOUNCE: '100ms' } },
    replicator: { env: { BOARD_USERNAME: BOARD_USER, BOARD_PASSWORD_FILE: join(dir, 'password'), RETRY_BASE: '100ms', RETRY_CAP: '2s' } },
  });
}, 120_000);

afterAll(async () => {
  await federation?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('federation with any kubeconfig context names', () => {
  describe('when the leader adds a GSLBConfig and a GDP', () => {
    it('copies both to every follower and reports AMKO success', async () => {
      const leader = federation.kube(LEADER);
      await leader.create(collectionOf(GC), gslbConfigBody(60));
      await leader.create(collectionOf(GDP), gdpBody(30));
      await eventually(
        () => onFollowers(async (c) => [(await specOn(federation, c, GC))?.['refreshInterval'], (await specOn(federation, c, GDP))?.['ttl']]),
        (all) => all.every(([interval, ttl]) => interval === 60 && ttl === 30),
        60_000,
        'every follower has both objects',
      );
      await eventually(
        () => federation.amkoClusterConditions(LEADER),
        (conditions) => conditions.map((c) => c.status).join('|') === ['valid AMKOCluster object', 'all cluster clients fetched', 'validated all member clusters', SUCCESS, SUCCESS].join('|'),
        60_000,
        'the leader reports AMKO success',
      );
    });

    it('records a result per follower under its name as written', async () => {
      const redis = createRedisConnection(federation.redisUrl, { role: 'client' });
      try {
        const results = createResultsStore({ redis, prefix: federation.prefix });
        const recorded = await eventually(
          () => onFollowers(async (c) => (await results.readResults(c)).map((r) => `${r.cluster}|${r.objectKey}`).sort()),
          (all) => all.every((r) => r.length === 2),
          30_000,
          'a result for both objects on every follower',
        );
        expect(recorded).toEqual(FOLLOWERS.map((c) => [`${c}|GSLBConfig/avi-system/gc-1`, `${c}|GlobalDeploymentPolicy/avi-system/global-gdp`]));
        // The queues and keys carry the encoded names: no ":" from a context name, no brace but the prefix's.
        const keys = await redis.keys(`${federation.prefix}*`);
        expect(keys.some((k) => k.includes('follower.arn%3Aaws%3Aeks%3Aus-east-1%3A123456789012%3Acluster/site3:'))).toBe(true);
        for (const key of keys) expect(key.slice(federation.prefix.length)).not.toMatch(/[{}\s]/u);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('when the follower with braces answers 422', () => {
    it('names it as written in the AMKOCluster status, and a replay through the API succeeds once fixed', async () => {
      const follower = federation.cluster(BRACES);
      follower.faults.set({ error: { status: 422, verbs: ['create', 'update'], resources: ['gslbconfigs'] } });
      await federation.kube(LEADER).mergePatch(pathOf(GC), { spec: { refreshInterval: 240 } });
      const condition = await eventually(() => conditionOf(federation, LEADER, 'GSLBConfig Federation'), (c) => c?.status === SOME_FAILED, 30_000, 'the failure is reported');
      expect(condition?.reason).toContain(`${BRACES}: `);
      expect(condition?.reason).toContain('injected fault 422');
      for (const other of FOLLOWERS.filter((c) => c !== BRACES)) expect(condition?.reason).not.toContain(other);

      follower.faults.clear();
      const response = await fetch(`${federation.app('replicator').url}/replay`, {
        method: 'POST',
        headers: { authorization: basicAuth, 'content-type': 'application/json' },
        body: JSON.stringify({ cluster: BRACES, kind: 'gc' }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { retried: number; clusters: string[] };
      expect(body.clusters).toEqual([BRACES]);
      await eventually(async () => (await specOn(federation, BRACES, GC))?.['refreshInterval'], (v) => v === 240, 30_000);
      await eventually(() => conditionOf(federation, LEADER, 'GSLBConfig Federation'), (c) => c?.status === SUCCESS, 30_000);
    });

    it('refuses a replay for a name that is no context, naming the field', async () => {
      const response = await fetch(`${federation.app('replicator').url}/replay`, {
        method: 'POST',
        headers: { authorization: basicAuth, 'content-type': 'application/json' },
        body: JSON.stringify({ cluster: 'a\nb' }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { problems: string[] }).problems[0]).toMatch(/^cluster: is not a valid cluster \(context\) name/);
    });
  });

  describe('when metrics are scraped', () => {
    it('labels them with the names as written', async () => {
      const replicator = await eventually(
        async () => (await fetch(`${federation.app('replicator').url}/metrics`)).text(),
        (text) => FOLLOWERS.every((c) => text.includes(`amko_fed_replicator_applies_total{cluster="${labelValue(c)}"`)),
        30_000,
        'an applies_total series per follower',
      );
      expect(replicator).toContain(`amko_fed_replicator_queue_depth{cluster="${labelValue(EKS)}"`);
      const watcher = await (await fetch(`${federation.app('watcher').url}/metrics`)).text();
      for (const c of FOLLOWERS) expect(watcher).toContain(`amko_fed_watcher_member_valid{cluster="${labelValue(c)}"} 1`);
    });
  });

  describe('when the board lists the queues', () => {
    it('shows each follower by its name as written', async () => {
      const response = await fetch(`${federation.app('replicator').url}/board/api/queues`, { headers: { authorization: basicAuth } });
      expect(response.status).toBe(200);
      const queues = ((await response.json()) as { queues: { name: string; displayName?: string }[] }).queues;
      expect(queues.map((q) => q.displayName).sort()).toEqual([...FOLLOWERS].sort());
      const eks = queues.find((q) => q.displayName === EKS);
      // The board's UI encodes the queue name once more in activeQueue (bull-board decodes it again).
      const activeQueue = encodeURIComponent(encodeURIComponent(eks?.name ?? ''));
      const jobs = await fetch(`${federation.app('replicator').url}/board/api/queues?activeQueue=${activeQueue}&status=completed&page=1`, { headers: { authorization: basicAuth } });
      const listed = ((await jobs.json()) as { queues: { name: string; jobs: { id: string; data: { cluster?: string } }[] }[] }).queues.find((q) => q.name === eks?.name);
      expect(listed?.jobs.length).toBeGreaterThan(0);
      for (const job of listed?.jobs ?? []) expect(job.data.cluster).toBe(EKS);
      // A job's own page: the queue name as a path segment.
      const job = await fetch(`${federation.app('replicator').url}/board/api/queues/${encodeURIComponent(eks?.name ?? '')}/${listed?.jobs[0]?.id ?? ''}`, { headers: { authorization: basicAuth } });
      expect(job.status).toBe(200);
      expect(((await job.json()) as { job: { data: { cluster?: string } } }).job.data.cluster).toBe(EKS);
    });
  });

  describe('when amko-fed is used with these contexts', () => {
    it('status shows every follower by name and the leader context', async () => {
      const json = await amkoFed(['--context', LEADER, 'status', '--json']);
      expect(json.err).toBe('');
      expect(json.code).toBe(0);
      const view = JSON.parse(json.out) as { leader: string; inSync: boolean; followers: { cluster: string }[]; conditions: { reason?: string }[] | null };
      expect(view.leader).toBe(LEADER);
      expect(view.followers.map((f) => f.cluster).sort()).toEqual([...FOLLOWERS].sort());
      expect(view.inSync).toBe(true);
      const table = await amkoFed(['--context', LEADER, 'status']);
      expect(table.code).toBe(0);
      for (const c of FOLLOWERS) expect(table.out).toContain(c);
    });

    it('replay re-drives every object to one follower named by its context', async () => {
      const result = await amkoFed(['replay', '--cluster', SPACES, '--all-objects']);
      expect(result.err).toBe('');
      expect(result.out.trim()).toBe(`Enqueued 2 object(s) to ${SPACES}.`);
    });

    it('backup, restore --dry-run, promote --dry-run and demote --dry-run act on the context named', async () => {
      const out = join(dir, 'backup');
      const backup = await amkoFed(['--context', LEADER, 'backup', '--out', out]);
      expect(backup.code).toBe(0);
      expect(backup.out).toContain(`Backed up 2 object(s) from ${LEADER}.`);
      expect((await readdir(out)).length).toBe(2);
      const restore = await amkoFed(['--context', LONG, 'restore', '--from', out, '--dry-run', '--drop-members', EKS]);
      expect(restore.code).toBe(0);
      expect(restore.out).toContain(`Dry run: nothing was changed on ${LONG}.`);
      const promote = await amkoFed(['--context', EKS, 'promote', '--dry-run']);
      expect(promote.out + promote.err).toContain(LEADER);
      const demote = await amkoFed(['--context', LEADER, 'demote', '--dry-run']);
      expect(demote.code).toBe(0);
      expect(demote.out).toContain(LEADER);
    });
  });

  describe('when the logs are read', () => {
    it('name the followers as written', async () => {
      const logs = (await federation.app('watcher').logs()) + (await federation.app('replicator').logs());
      for (const c of FOLLOWERS) expect(logs).toContain(`"cluster":${JSON.stringify(c)}`);
      for (const secret of [...federation.secrets, BOARD_PASSWORD]) expect(logs).not.toContain(secret);
    });
  });
});
