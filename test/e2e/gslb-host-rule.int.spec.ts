/**
 * GSLBHostRule federation is opt-in (the watcher's FEDERATED_KINDS; the replicator applies whatever
 * kind a job names and has no such setting). With the opt-in, the leader's GSLBHostRules in
 * avi-system reach and leave every follower, while a GSLBHostRule a follower has on its own (no
 * provenance annotation) is never deleted or modified. Without it, no GSLBHostRule is ever written
 * to a follower. The opt-in federation runs with the deployed least-privilege identities, so the
 * GSLBHostRule rights of deploy/ are exercised too.
 */
import { AVI_SYSTEM, isolatedPrefix, startFederation, type Federation } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  collectionOf,
  conditionOf,
  deployFile,
  eventually,
  forbiddenRequests,
  GC,
  GHR,
  ghrCollection,
  ghrPath,
  gslbConfigBody,
  gslbHostRuleBody,
  objectOn,
  rulesGrantedTo,
  specOn,
  SUCCESS,
} from './support.ts';

const FOLLOWERS = ['follower1', 'follower2'];
const SOURCE_CLUSTER = 'federation.amko-fed.io/source-cluster';
const LEADER_RULE = 'ghr-leader';
/** Copied to the followers, then taken over by follower2 (its provenance removed there). */
const ADOPTED_RULE = 'ghr-taken-over';
/** Each follower's own GSLBHostRule, made there by hand (not by amko-federation). */
const OWN_RULE = 'ghr-follower-own';
const WATCHER_ENV = { RESYNC_INTERVAL: '1s', MEMBER_CHECK_INTERVAL: '1s', STATUS_DEBOUNCE: '100ms' };
const REPLICATOR_ENV = { RETRY_BASE: '100ms', RETRY_CAP: '1s' };

/** FEDERATED_KINDS includes GSLBHostRule. */
let optIn: Federation;
/** The default FEDERATED_KINDS. */
let byDefault: Federation;
/** resourceVersion of each follower's own rule right after it was made. */
const ownVersions = new Map<string, string>();

const onFollowers = <T>(read: (cluster: string) => Promise<T>): Promise<T[]> => Promise.all(FOLLOWERS.map(read));
const ttlOn = async (federation: Federation, cluster: string, name: string): Promise<unknown> =>
  ((await objectOn(federation, cluster, ghrPath(name)))?.['spec'] as { ttl?: unknown } | undefined)?.ttl;
const annotationsOf = (object: Record<string, unknown> | undefined): Record<string, string> =>
  (object?.['metadata'] as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
const resourceVersionOf = (object: Record<string, unknown> | undefined): string | undefined =>
  (object?.['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion;
/** Successful lists of a resource on a follower: each resync lists every follower once per kind. */
const listsOf = (federation: Federation, cluster: string, plural: string): number =>
  federation.cluster(cluster).requestLog.entries({ verb: 'list', resource: plural }).filter((e) => e.status === 200).length;

/** Waits until every follower was listed `more` more times (i.e. that many more resyncs ran). */
async function moreResyncs(federation: Federation, plural: string, more: number): Promise<void> {
  const start = FOLLOWERS.map((c) => listsOf(federation, c, plural));
  await eventually(
    () => FOLLOWERS.map((c) => listsOf(federation, c, plural)),
    (counts) => counts.every((n, i) => n >= (start[i] ?? 0) + more),
    20_000,
    `${more} more resyncs of every follower`,
  );
}

beforeAll(async () => {
  const rbac = await deployFile('base', 'rbac.yaml');
  const memberRbac = await deployFile('member-rbac', 'member-rbac.yaml');
  [optIn, byDefault] = await Promise.all([
    startFederation({
      followers: FOLLOWERS,
      redisUrl: inject('redisUrl'),
      prefix: isolatedPrefix('ghr'),
      localAccess: { rules: rulesGrantedTo(rbac, 'amko-federation', AVI_SYSTEM) },
      memberAccess: { rules: rulesGrantedTo(memberRbac, 'amko-federation-member', AVI_SYSTEM) },
      watcher: { env: { ...WATCHER_ENV, FEDERATED_KINDS: 'GSLBConfig,GlobalDeploymentPolicy,GSLBHostRule' } },
      replicator: { env: REPLICATOR_ENV },
    }),
    startFederation({
      followers: FOLLOWERS,
      redisUrl: inject('redisUrl'),
      prefix: isolatedPrefix('ghr-default'),
      watcher: { env: WATCHER_ENV },
      replicator: { env: REPLICATOR_ENV },
    }),
  ]);
  for (const cluster of FOLLOWERS) {
    const own = await optIn.kube(cluster).create(ghrCollection(), gslbHostRuleBody(OWN_RULE, 5, { owner: `${cluster}-team` }));
    ownVersions.set(cluster, resourceVersionOf(own) ?? '');
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([optIn?.stop(), byDefault?.stop()]);
});

describe('GSLBHostRule federation', () => {
  describe('when FEDERATED_KINDS includes GSLBHostRule', () => {
    it('copies a GSLBHostRule the leader creates to every follower, with provenance', async () => {
      await optIn.kube('leader').create(ghrCollection(), gslbHostRuleBody(LEADER_RULE, 30));
      const copies = await eventually(
        () => onFollowers((c) => objectOn(optIn, c, ghrPath(LEADER_RULE))),
        (all) => all.every((o) => (o?.['spec'] as { ttl?: unknown } | undefined)?.ttl === 30),
      );
      for (const copy of copies) {
        expect(annotationsOf(copy)[SOURCE_CLUSTER]).toBe('leader');
        expect((copy?.['spec'] as { fqdn?: unknown } | undefined)?.fqdn).toBe(`${LEADER_RULE}.gslb.example.com`);
      }
      await eventually(() => conditionOf(optIn, 'leader', 'GSLBHostRule Federation'), (c) => c?.status === SUCCESS);
    });

    it('copies its updates', async () => {
      await optIn.kube('leader').mergePatch(ghrPath(LEADER_RULE), { spec: { ttl: 300 } });
      await eventually(() => onFollowers((c) => ttlOn(optIn, c, LEADER_RULE)), (all) => all.every((ttl) => ttl === 300));
    });

    it('deletes it on every follower when the leader deletes it', async () => {
      await optIn.kube('leader').delete(ghrPath(LEADER_RULE));
      await eventually(() => onFollowers((c) => objectOn(optIn, c, ghrPath(LEADER_RULE))), (all) => all.every((o) => o === undefined));
      await eventually(() => conditionOf(optIn, 'leader', 'GSLBHostRule Federation'), (c) => c?.status === SUCCESS);
    });

    it('leaves a copy alone once a follower has taken it over (provenance removed), when the leader deletes the rule', async () => {
      const leader = optIn.kube('leader');
      await leader.create(ghrCollection(), gslbHostRuleBody(ADOPTED_RULE, 60));
      await eventually(() => onFollowers((c) => ttlOn(optIn, c, ADOPTED_RULE)), (all) => all.every((ttl) => ttl === 60));
      // follower2's operators make the copy their own: the provenance annotations go.
      const provenance = Object.keys(annotationsOf(await objectOn(optIn, 'follower2', ghrPath(ADOPTED_RULE)))).filter((k) => k.startsWith('federation.amko-fed.io/'));
      expect(provenance).toContain(SOURCE_CLUSTER);
      const adopted = await optIn.kube('follower2').mergePatch(ghrPath(ADOPTED_RULE), {
        metadata: { annotations: { ...Object.fromEntries(provenance.map((k) => [k, null])), owner: 'follower2-team' } },
      });

      await leader.delete(ghrPath(ADOPTED_RULE));
      await eventually(() => objectOn(optIn, 'follower1', ghrPath(ADOPTED_RULE)), (o) => o === undefined);
      // The replicator planned follower2's delete job against the taken-over object...
      const leftAlone = (log: string): boolean =>
        log.split('\n').some((line) => line.includes('"cluster":"follower2"') && line.includes(`GSLBHostRule/avi-system/${ADOPTED_RULE}`) && line.includes('not created by amko-federation, left alone'));
      await eventually(() => optIn.app('replicator').logs(), leftAlone, 20_000, "the replicator's plan for the taken-over rule");
      await eventually(() => conditionOf(optIn, 'leader', 'GSLBHostRule Federation'), (c) => c?.status === SUCCESS);
      // ...and left it as it was.
      const kept = await objectOn(optIn, 'follower2', ghrPath(ADOPTED_RULE));
      expect(resourceVersionOf(kept)).toBe(resourceVersionOf(adopted));
      expect(annotationsOf(kept)).toEqual({ owner: 'follower2-team' });
      expect(optIn.cluster('follower2').requestLog.entries({ verb: 'delete', resource: GHR.plural, name: ADOPTED_RULE })).toEqual([]);
    });

    it("never deletes or modifies a follower's own GSLBHostRule", async () => {
      // Resyncs see the rule only on the followers; give them two full passes after everything above.
      await moreResyncs(optIn, GHR.plural, 2);
      for (const cluster of FOLLOWERS) {
        const own = await objectOn(optIn, cluster, ghrPath(OWN_RULE));
        expect(own, `${cluster} still has its own rule`).toBeDefined();
        expect(resourceVersionOf(own)).toBe(ownVersions.get(cluster));
        expect(annotationsOf(own)).toEqual({ owner: `${cluster}-team` });
        expect((own?.['spec'] as { ttl?: unknown } | undefined)?.ttl).toBe(5);
        const touched = optIn.cluster(cluster).requestLog.writes({ resource: GHR.plural, name: OWN_RULE }).filter((e) => e.user !== 'admin');
        expect(touched).toEqual([]);
      }
      // Nor does it reach the leader or the other follower.
      expect(await objectOn(optIn, 'leader', ghrPath(OWN_RULE))).toBeUndefined();
    });

    it('needs no right beyond deploy/ (no 403)', () => {
      const forbidden = forbiddenRequests(optIn);
      expect(forbidden, `403 answers:\n${forbidden.join('\n')}`).toEqual([]);
    });
  });

  describe('when FEDERATED_KINDS is the default', () => {
    it('writes no GSLBHostRule to any follower while GSLBConfig federation works', async () => {
      const leader = byDefault.kube('leader');
      await leader.create(ghrCollection(), gslbHostRuleBody(LEADER_RULE, 30));
      await leader.create(collectionOf(GC), gslbConfigBody(60));
      await leader.mergePatch(ghrPath(LEADER_RULE), { spec: { ttl: 300 } });
      // The GSLBConfig created after the rule arrives everywhere: the watcher has seen both changes.
      await eventually(() => onFollowers(async (c) => (await specOn(byDefault, c, GC))?.['refreshInterval']), (all) => all.every((v) => v === 60));
      // Two more full resyncs after that: every path that could copy the rule had its chance.
      await moreResyncs(byDefault, GC.plural, 2);
      await leader.delete(ghrPath(LEADER_RULE));
      await moreResyncs(byDefault, GC.plural, 1);

      for (const cluster of FOLLOWERS) {
        expect(byDefault.cluster(cluster).requestLog.writes({ resource: GHR.plural })).toEqual([]);
        expect(await objectOn(byDefault, cluster, ghrPath(LEADER_RULE))).toBeUndefined();
      }
      const conditions = await byDefault.amkoClusterConditions('leader');
      expect(conditions.map((c) => c.type)).not.toContain('GSLBHostRule Federation');
      expect(conditions.find((c) => c.type === 'GSLBConfig Federation')?.status).toBe(SUCCESS);
    });
  });
});
