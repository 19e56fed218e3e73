import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GC_KEY, gslbConfig, replicatorFixture, specOf, type ReplicatorFixture } from '../../test/fixture.ts';
import type { Replicator } from '../replicator.ts';

const FOLLOWERS = ['follower1', 'follower2'];
const USER = 'ops';
const PASSWORD = 'pw-board-7f3a91';
const TOKEN = 'tok-board-c0ffee55aa';
let fx: ReplicatorFixture;
let replicator: Replicator;
let dir: string;

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const url = (path: string): string => `${replicator.url ?? ''}${path}`;

async function call(path: string, init: { method?: string; auth?: string; body?: unknown } = {}): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const headers: Record<string, string> = {};
  if (init.auth !== undefined) headers['authorization'] = init.auth;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url(path), { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'replicator-http-'));
  await writeFile(join(dir, 'password'), `${PASSWORD}\n`);
  await writeFile(join(dir, 'token'), TOKEN);
  fx = await replicatorFixture({ followers: FOLLOWERS });
  await fx.publishMembers();
  replicator = await fx.startReplicator({
    BOARD_USERNAME: USER,
    BOARD_PASSWORD_FILE: join(dir, 'password'),
    BOARD_TOKEN_FILE: join(dir, 'token'),
    HTTP_HOST: '127.0.0.1',
  });
  await fx.upsert(gslbConfig(77));
  await eventually(() => Promise.all(FOLLOWERS.map((c) => fx.result(c, GC_KEY))), (all) => all.every((r) => r?.outcome === 'created'));
});
afterAll(async () => {
  await fx.close();
  await rm(dir, { recursive: true, force: true });
});

describe('replicator HTTP server', () => {
  describe('when a request to the board carries no credentials', () => {
    it('refuses it with 401 and a basic-auth challenge', async () => {
      const response = await call('/board');
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect((await call('/board/api/queues')).status).toBe(401);
    });

    it('refuses wrong passwords, wrong users and wrong tokens', async () => {
      expect((await call('/board/api/queues', { auth: basic(USER, 'nope') })).status).toBe(401);
      expect((await call('/board/api/queues', { auth: basic('admin', PASSWORD) })).status).toBe(401);
      expect((await call('/board/api/queues', { auth: 'Bearer not-the-token' })).status).toBe(401);
      expect((await call('/replay', { method: 'POST', body: {} })).status).toBe(401);
    });
  });

  describe('when the request is authenticated', () => {
    it('serves the board UI with basic auth and the API with the bearer token', async () => {
      const page = await call('/board', { auth: basic(USER, PASSWORD) });
      expect(page.status).toBe(200);
      expect(page.text).toContain('amko-fed replicator');
      const api = await call('/board/api/queues', { auth: `Bearer ${TOKEN}` });
      expect(api.status).toBe(200);
      const names = (api.json as { queues: { name: string }[] }).queues.map((q) => q.name);
      expect(names).toEqual(['follower.follower1', 'follower.follower2']);
    });

    it('shows job data that is identity only', async () => {
      const api = await call('/board/api/queues?activeQueue=follower.follower1&status=completed&page=1&jobsPerPage=50', { auth: `Bearer ${TOKEN}` });
      const queue = (api.json as { queues: { name: string; jobs: { data: Record<string, unknown>; returnValue: unknown }[] }[] }).queues.find((q) => q.name === 'follower.follower1');
      expect(queue?.jobs.length).toBeGreaterThan(0);
      for (const job of queue?.jobs ?? []) {
        expect(Object.keys(job.data).sort()).toEqual(expect.arrayContaining(['cluster', 'objectKey', 'seq']));
        for (const key of Object.keys(job.data)) expect(['cluster', 'objectKey', 'seq', 'reason']).toContain(key);
        expect(job.returnValue).toEqual({ outcome: 'created', seq: expect.any(Number) });
      }
      expect(api.text).not.toContain(fx.leader.token);
      for (const follower of fx.followers) expect(api.text).not.toContain(follower.token);
    });
  });

  describe('when POST /replay gets a bad body', () => {
    it.each([
      [{ kind: 'Secret' }, /^kind: "Secret" is not a federated kind/],
      [{ allObjects: true }, /^cluster: is required with allObjects/],
      [{ objectKey: 'GSLBConfig/gc-1' }, /^objectKey: must be <Kind>\/<namespace>\/<name>/],
      [{ cluster: 'follower1', color: 'red' }, /^body: unknown field\(s\) color/],
      [{ allObjects: 'yes', cluster: 'follower1' }, /^allObjects: must be true or false/],
      [{ cluster: 'follower9' }, /^cluster "follower9" is not a follower/],
    ])('answers 400 naming the field for %j', async (body, problem) => {
      const response = await call('/replay', { method: 'POST', auth: `Bearer ${TOKEN}`, body });
      expect(response.status).toBe(400);
      const problems = (response.json as { problems: string[] }).problems;
      expect(problems.some((p) => problem.test(p))).toBe(true);
    });
  });

  describe('when POST /replay asks for every object of one follower', () => {
    it('enqueues the projection objects and the follower converges', async () => {
      await fx.client('follower2').mergePatch({ kind: 'GSLBConfig', group: 'amko.vmware.com', version: 'v1alpha1', plural: 'gslbconfigs', singular: 'gslbconfig', shortName: 'gc', singleton: true, federatedByDefault: true, copiedAnnotations: [] }, 'avi-system', 'gc-1', { spec: { refreshInterval: 1 } });
      const response = await call('/replay', { method: 'POST', auth: basic(USER, PASSWORD), body: { cluster: 'follower2', allObjects: true, kind: 'gc' } });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ retried: 0, enqueued: 1, clusters: ['follower2'] });
      await eventually(async () => specOf(await fx.followerObject('follower2', GC_KEY))?.['refreshInterval'], (v) => v === 77);
    });
  });

  describe('when Prometheus scrapes /metrics', () => {
    it('exports the replicator metrics without authentication', async () => {
      const response = await call('/metrics');
      expect(response.status).toBe(200);
      for (const name of [
        'amko_fed_replicator_applies_total{cluster="follower1",outcome="created"} 1',
        'amko_fed_replicator_apply_duration_seconds_bucket',
        'amko_fed_replicator_event_to_applied_seconds_bucket',
        'amko_fed_replicator_queue_depth{cluster="follower1",state="completed"}',
        'amko_fed_replicator_retries_total',
        'amko_fed_replicator_last_successful_apply_timestamp_seconds{cluster="follower1"}',
        'amko_fed_replicator_drift_repairs_total{cluster="follower2",reason="replay"}',
        'amko_fed_build_info{component="replicator",version="',
        'amko_fed_redis_up 1',
        'amko_fed_kube_requests_total{cluster="follower1",verb="create",code="201"}',
        // prom-client's defaults, unprefixed: the same names as the watcher's (issue #14)
        'process_cpu_user_seconds_total',
        'nodejs_eventloop_lag_seconds',
      ]) {
        expect(response.text).toContain(name);
      }
      expect(response.text).not.toContain('amko_fed_replicator_process_');
      expect(response.text).not.toContain('amko_fed_replicator_nodejs_');
    });
  });

  describe('when probes call /healthz and /readyz', () => {
    it('reports ready with Redis reachable and the registry read', async () => {
      expect((await call('/healthz')).status).toBe(200);
      const ready = await call('/readyz');
      expect(ready.status).toBe(200);
      expect((ready.json as { checks: { name: string; ok: boolean }[] }).checks.map((c) => [c.name, c.ok])).toEqual([
        ['redis', true],
        ['member-registry', true],
        ['members-kubeconfig', true],
      ]);
    });
  });
});

describe('replicator HTTP server without credentials', () => {
  describe('when no board credentials are configured', () => {
    it('listens on 127.0.0.1 only and says so', async () => {
      const open = await fx.startReplicator({ HTTP_HOST: '0.0.0.0' });
      try {
        expect(new URL(open.url ?? '').hostname).toBe('127.0.0.1');
        expect(fx.logs.text()).toContain('listening on 127.0.0.1 only');
        expect((await fetch(`${open.url ?? ''}/board/api/queues`)).status).toBe(200);
      } finally {
        await open.stop();
      }
    });
  });

  describe('when BOARD_READ_ONLY is not set', () => {
    it('refuses write actions on the board (read-only by default)', async () => {
      const readOnly = await fx.startReplicator();
      try {
        const response = await fetch(`${readOnly.url ?? ''}/board/api/queues/follower.follower1/retry/failed`, { method: 'PUT' });
        expect(response.status).toBe(405);
      } finally {
        await readOnly.stop();
      }
    });
  });

  describe('when BOARD_READ_ONLY=false opts in to write access', () => {
    it('allows write actions on the board', async () => {
      const writable = await fx.startReplicator({ BOARD_READ_ONLY: 'false' });
      try {
        const response = await fetch(`${writable.url ?? ''}/board/api/queues/follower.follower1/retry/failed`, { method: 'PUT' });
        expect(response.status).toBe(200);
      } finally {
        await writable.stop();
      }
    });
  });
});
