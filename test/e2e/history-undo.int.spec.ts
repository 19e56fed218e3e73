/**
 * Issue #15 "Done when", with the watcher and replicator as real processes: two edits and a delete
 * of global-gdp on the leader, then `amko-fed history gdp/global-gdp --diff` lists the changes with
 * their field managers and spec diffs, and `amko-fed --context leader restore --at <between the
 * second edit and the delete> --object gdp/global-gdp` brings the object back with the second
 * edit's spec on the leader and every follower. (Scheduled backups, part 4, are not built yet.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedPrefix, startFederation, type Federation } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { amkoFed as runAmkoFed, collectionOf, eventually, gdpBody, GDP, pathOf, specOn, type CliRun } from './support.ts';

const FOLLOWERS = ['follower1', 'follower2'];
let federation: Federation;
let dir: string;

/** amko-fed as a user runs it, with this suite's HOME. */
const amkoFed = (args: readonly string[]): Promise<CliRun> => runAmkoFed(federation, args, dir);

const ttlOnFollowers = () => Promise.all(FOLLOWERS.map(async (c) => (await specOn(federation, c, GDP))?.['ttl']));
const followersHaveTtl = (ttl: number | undefined) => eventually(ttlOnFollowers, (all) => all.every((t) => t === ttl), 60_000);

async function edit(ttl: number): Promise<void> {
  const response = await federation.kube('leader').request('PATCH', `${pathOf(GDP)}?fieldManager=kubectl-edit`, { spec: { ttl } });
  expect(response.status).toBe(200);
  await followersHaveTtl(ttl);
}

let between = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'e2e-history-'));
  federation = await startFederation({
    followers: FOLLOWERS,
    redisUrl: inject('redisUrl'),
    prefix: isolatedPrefix('e2e-history'),
    watcher: { env: { RESYNC_INTERVAL: '5s', MEMBER_CHECK_INTERVAL: '1s', STATUS_DEBOUNCE: '100ms' } },
    replicator: { env: { RETRY_BASE: '100ms', RETRY_CAP: '2s' } },
  });
  const created = await federation.kube('leader').request('POST', `${collectionOf(GDP)}?fieldManager=kubectl-client-side-apply`, gdpBody(10));
  expect(created.status).toBe(201);
  await followersHaveTtl(10);
  await edit(20);
  await edit(30);
  // The second edit is recorded before any follower has it; the delete comes strictly later.
  between = new Date().toISOString();
  await eventually(() => Date.now(), (now) => now > Date.parse(between) + 5, 10_000);
  expect(await federation.kube('leader').delete(pathOf(GDP))).toBe(true);
  await followersHaveTtl(undefined);
}, 180_000);

afterAll(async () => {
  await federation?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('history and point-in-time undo end to end', () => {
  describe('when global-gdp was created, edited twice and deleted on the leader', () => {
    it('amko-fed history lists the changes newest first with their managers and spec diffs', async () => {
      const { code, out, err } = await amkoFed(['history', 'gdp/global-gdp', '--diff']);
      expect(err).toBe('');
      expect(code).toBe(0);
      const rows = out.split('\n').filter((l) => /^\d{4}-/.test(l)).map((l) => l.split(/\s+/));
      expect(rows.map((r) => r[1])).toEqual(['deleted', 'updated', 'updated', 'created']);
      // managedFields times have second precision: a manager that also wrote within the same
      // second is named too, so the edits name kubectl-edit among their managers.
      expect(rows.map((r) => (r[3] ?? '').split(','))).toEqual([
        ['-'],
        expect.arrayContaining(['kubectl-edit']),
        expect.arrayContaining(['kubectl-edit']),
        ['kubectl-client-side-apply'],
      ]);
      expect(out).toContain('-ttl: 20\n+ttl: 30');
      expect(out).toContain('-ttl: 10\n+ttl: 20');
    });

    it('restore --at between the second edit and the delete brings it back on the leader and every follower', async () => {
      const { code, out, err } = await amkoFed(['--context', 'leader', 'restore', '--at', between, '--object', 'gdp/global-gdp']);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toContain('create gdp/global-gdp');
      expect((await specOn(federation, 'leader', GDP))?.['ttl']).toBe(30);
      await followersHaveTtl(30);
      expect(await ttlOnFollowers()).toEqual([30, 30]);
    });

    it('refuses the same restore on a follower, naming the leader', async () => {
      const { code, err } = await amkoFed(['--context', 'follower1', 'restore', '--at', between, '--object', 'gdp/global-gdp']);
      expect(code).toBe(1);
      expect(err).toContain('amko-fed --context leader restore --at');
    });
  });
});
