/**
 * Least privilege, for real: the watcher's local identity may do exactly what deploy/base/rbac.yaml
 * grants its ServiceAccount, and the members kubeconfig identity exactly what
 * deploy/member-rbac/member-rbac.yaml grants in every member (leader included). Both rule sets are
 * read from the files, so this suite follows them. Every other request gets 403 from the emulators;
 * the suite shows that federation works end to end without a single 403. A second federation, whose
 * follower2 identity lacks `delete`, shows how such a gap surfaces: a failed result and the reason in
 * the leader's AMKOCluster status, while the other follower still gets the delete. A third, whose
 * follower2 identity may not list GDPs, shows that the GDP Federation condition names that follower
 * instead of claiming success: copies the leader no longer has could not be found there.
 */
import type { PolicyRule } from '@amko-fed/kube-emulator';
import { AVI_SYSTEM, isolatedPrefix, startFederation, type Federation } from '@amko-fed/testing';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  bothFederated,
  collectionOf,
  conditionOf,
  createBoth,
  deleteBoth,
  deployFile,
  eventually,
  forbiddenRequests,
  GC,
  GDP,
  gdpBody,
  pathOf,
  rulesGrantedTo,
  SOME_FAILED,
  specOn,
  SUCCESS,
  updateBoth,
} from './support.ts';

const FOLLOWERS = ['follower1', 'follower2'];
const LEASE_PATH = `/apis/coordination.k8s.io/v1/namespaces/${AVI_SYSTEM}/leases/amko-federation-watcher`;
// A short Lease, so that renewals (update) happen within the suite too.
const WATCHER_ENV = { RESYNC_INTERVAL: '1s', MEMBER_CHECK_INTERVAL: '1s', STATUS_DEBOUNCE: '100ms', LEASE_DURATION: '3s' };
const REPLICATOR_ENV = { RETRY_BASE: '100ms', RETRY_CAP: '1s', RETRY_ATTEMPTS: '3', FENCE_CACHE_TTL: '200ms' };

let watcherRules: PolicyRule[];
let memberRules: PolicyRule[];
/** Everything as deployed. */
let federation: Federation;
/** As deployed, except that follower2's member identity may not delete. */
let noDelete: Federation;
/** As deployed, except that follower2's member identity may not list (nor watch) GDPs. */
let noGdpList: Federation;

const onFollowers = <T>(read: (cluster: string) => Promise<T>): Promise<T[]> => Promise.all(FOLLOWERS.map(read));

beforeAll(async () => {
  // The watcher's manifests get their namespace from kustomize; the member RBAC names avi-system itself.
  const namespace = (parse(await deployFile('base', 'kustomization.yaml')) as { namespace: string }).namespace;
  watcherRules = rulesGrantedTo(await deployFile('base', 'rbac.yaml'), 'amko-federation', namespace);
  memberRules = rulesGrantedTo(await deployFile('member-rbac', 'member-rbac.yaml'), 'amko-federation-member', AVI_SYSTEM);
  const withoutDelete = memberRules.map((rule) => ({ ...rule, verbs: rule.verbs.filter((verb) => verb !== 'delete') }));
  const withoutGdpList = memberRules.flatMap((rule) => {
    if (!rule.resources.includes(GDP.plural)) return [rule];
    const others = rule.resources.filter((resource) => resource !== GDP.plural);
    return [
      ...(others.length > 0 ? [{ ...rule, resources: others }] : []),
      { ...rule, resources: [GDP.plural], verbs: rule.verbs.filter((verb) => verb !== 'list' && verb !== 'watch') },
    ];
  });
  /** As deployed, with `follower2Rules` for follower2's member identity (the deployed rules when omitted). */
  const start = (name: string, follower2Rules = memberRules): Promise<Federation> =>
    startFederation({
      followers: FOLLOWERS,
      redisUrl: inject('redisUrl'),
      prefix: isolatedPrefix(name),
      localAccess: { rules: watcherRules },
      memberAccess: (cluster) => ({ rules: cluster === 'follower2' ? follower2Rules : memberRules }),
      watcher: { env: WATCHER_ENV },
      replicator: { env: REPLICATOR_ENV },
    });
  [federation, noDelete, noGdpList] = await Promise.all([start('rbac'), start('rbac-nodelete', withoutDelete), start('rbac-nogdplist', withoutGdpList)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([federation?.stop(), noDelete?.stop(), noGdpList?.stop()]);
});

describe('least-privilege RBAC', () => {
  describe('when the rules are read from deploy/', () => {
    it('grants the watcher cluster-wide AMKOCluster reads and namespaced rights, and the member identity only avi-system', () => {
      // Guards the conversion: an empty or namespace-less rule set would make the rest meaningless.
      expect(watcherRules.some((r) => r.resources.includes('amkoclusters') && r.namespaces === undefined)).toBe(true);
      expect(watcherRules.some((r) => r.resources.includes('leases') && r.namespaces?.includes(AVI_SYSTEM))).toBe(true);
      expect(memberRules.length).toBeGreaterThan(0);
      expect(memberRules.every((r) => r.namespaces?.length === 1 && r.namespaces[0] === AVI_SYSTEM)).toBe(true);
    });
  });

  describe('when the federation runs with exactly those rights', () => {
    it('acquires the Lease in the leader with the watcher identity', async () => {
      const lease = await eventually(() => federation.kube('leader').get(LEASE_PATH), (l) => l !== undefined);
      expect((lease?.['spec'] as { holderIdentity?: string } | undefined)?.holderIdentity).toBe('watcher-0');
      const leaseWrites = federation.leader.requestLog.writes({ resource: 'leases' });
      expect(leaseWrites.length).toBeGreaterThan(0);
      expect(leaseWrites.every((e) => e.user === federation.localUser && e.status < 300)).toBe(true);
    });

    it('copies GSLBConfig and GDP creations to every follower and reports AMKO success', async () => {
      await createBoth(federation, FOLLOWERS, 60, 30);
      const conditions = await eventually(
        () => federation.amkoClusterConditions('leader'),
        (list) => list.filter((c) => c.status === SUCCESS).length === 2,
      );
      expect(conditions.map((c) => [c.type, c.status])).toEqual([
        ['current AMKOCluster Validation', 'valid AMKOCluster object'],
        ['member cluster initialisation', 'all cluster clients fetched'],
        ['member cluster validation', 'validated all member clusters'],
        ['GSLBConfig Federation', SUCCESS],
        ['GDP Federation', SUCCESS],
      ]);
    });

    it('copies updates to every follower', async () => {
      await updateBoth(federation, FOLLOWERS, 120, 90);
    });

    it('deletes on every follower and still reports success', async () => {
      await deleteBoth(federation, FOLLOWERS);
      await bothFederated(federation);
    });

    it('renews the Lease and keeps resyncing with the same identities', async () => {
      const renewals = await eventually(
        () => federation.leader.requestLog.entries({ verb: 'update', resource: 'leases' }),
        (entries) => entries.some((e) => e.status === 200),
        20_000,
        'a Lease renewal',
      );
      expect(renewals.every((e) => e.user === federation.localUser)).toBe(true);
      // Periodic resyncs list every follower again (the first list is the start-up resync).
      const lists = (cluster: string): number => federation.cluster(cluster).requestLog.entries({ verb: 'list', resource: GC.plural }).filter((e) => e.status === 200).length;
      await eventually(() => FOLLOWERS.map(lists), (counts) => counts.every((n) => n >= 3), 20_000, 'periodic resyncs of every follower');
    });

    it('used only the restricted identities and got no 403 at all', () => {
      // The leader is reached through the local kubeconfig only (the watcher skips itself among the members).
      const leaderUsers = new Set(federation.leader.requestLog.entries().map((e) => e.user));
      expect(leaderUsers).toContain(federation.localUser);
      for (const cluster of FOLLOWERS) {
        const writes = federation.cluster(cluster).requestLog.writes();
        expect(writes.length).toBeGreaterThan(0);
        // The harness seeds with its admin token; everything the processes sent is the member identity.
        expect(new Set(writes.filter((e) => e.resource !== 'amkoclusters').map((e) => e.user))).toEqual(new Set([federation.memberUser(cluster)]));
      }
      const forbidden = forbiddenRequests(federation);
      expect(forbidden, `403 answers:\n${forbidden.join('\n')}`).toEqual([]);
    });
  });

  describe('when a member identity lacks delete', () => {
    it('fails that follower, names it in the GDP Federation condition, and still deletes on the others', async () => {
      const leader = noDelete.kube('leader');
      await leader.create(collectionOf(GDP), gdpBody(30));
      await eventually(() => onFollowers(async (c) => (await specOn(noDelete, c, GDP))?.['ttl']), (all) => all.every((ttl) => ttl === 30));
      await eventually(() => conditionOf(noDelete, 'leader', 'GDP Federation'), (c) => c?.status === SUCCESS);

      await leader.delete(pathOf(GDP));
      await eventually(() => specOn(noDelete, 'follower1', GDP), (spec) => spec === undefined);
      // The status settles on follower2 alone. On the way a resync may list a follower between the
      // leader's deletion and its apply there, and rightly report the GDP as still on it until that
      // apply's result arrives; such a report must clear, follower2's refusal must stay.
      const condition = await eventually(
        () => conditionOf(noDelete, 'leader', 'GDP Federation'),
        (c) => c?.status === SOME_FAILED && /follower2/.test(c.reason ?? '') && !/follower1/.test(c.reason ?? '') && /forbidden|cannot delete/i.test(c.reason ?? ''),
        20_000,
        'GDP Federation reports the follower that may not delete, and only it',
      );
      expect(condition?.reason).toContain('follower2');
      expect(condition?.reason).not.toContain('follower1');
      expect(condition?.reason).toMatch(/forbidden|cannot delete/i);
      expect((await specOn(noDelete, 'follower2', GDP))?.['ttl']).toBe(30);
      const denied = noDelete.cluster('follower2').requestLog.entries({ verb: 'delete', resource: GDP.plural }).filter((e) => e.status === 403);
      expect(denied.length).toBeGreaterThan(0);
      expect(forbiddenRequests(noDelete).every((line) => line.startsWith('follower2: ') && line.includes(' delete globaldeploymentpolicies '))).toBe(true);
    });
  });

  describe('when a member identity may not list GDPs', () => {
    it('still applies there, but names that follower and the refusal in the GDP Federation condition instead of claiming success', async () => {
      const leader = noGdpList.kube('leader');
      await leader.create(collectionOf(GDP), gdpBody(30));
      // The replicator needs no list: both followers get the GDP.
      await eventually(() => Promise.all(FOLLOWERS.map(async (c) => (await specOn(noGdpList, c, GDP))?.['ttl'])), (all) => all.every((ttl) => ttl === 30));
      // A resync may list follower1 between the creation and its apply there and rightly report the
      // GDP as missing until that result arrives; the status settles on follower2's listing alone.
      const condition = await eventually(
        () => conditionOf(noGdpList, 'leader', 'GDP Federation'),
        (c) => c?.status === SOME_FAILED && /follower2: cannot list GlobalDeploymentPolicy list on this follower/.test(c.reason ?? '') && !/follower1/.test(c.reason ?? ''),
        20_000,
        'GDP Federation names the follower whose GDPs cannot be listed, and only it',
      );
      expect(condition?.reason).not.toContain('follower1');
      expect(condition?.reason).toMatch(/forbidden/i);
      // Every later resync lists follower2 again and the condition stays, it never flips to success.
      const lists = (): number => noGdpList.cluster('follower2').requestLog.entries({ verb: 'list', resource: GDP.plural }).length;
      const before = lists();
      await eventually(lists, (n) => n >= before + 2, 20_000, 'two more listings of follower2');
      expect(await conditionOf(noGdpList, 'leader', 'GDP Federation')).toMatchObject({ status: SOME_FAILED });
      expect(await conditionOf(noGdpList, 'leader', 'GSLBConfig Federation')).toMatchObject({ status: SUCCESS });
      const metrics = await (await fetch(`${noGdpList.app('watcher').url}/metrics`)).text();
      expect(metrics).toContain('amko_fed_watcher_follower_unlisted{cluster="follower2",kind="GlobalDeploymentPolicy"} 1');
      expect(metrics).not.toContain('amko_fed_watcher_follower_unlisted{cluster="follower1"');
      expect(forbiddenRequests(noGdpList).every((line) => line.startsWith('follower2: ') && line.includes(' list globaldeploymentpolicies '))).toBe(true);
    });
  });
});
