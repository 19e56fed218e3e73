/**
 * Leadership epochs in the leader session, over in-memory clusters (testing/unit-site.ts): given
 * what the leader and its members hold (epoch annotation, fencing tokens, copies), when the session
 * runs, then the leader takes or keeps its epoch, stamps its followers, and stops as a stale leader
 * when a member follows a later leadership.
 */
import {
  AMKO_CLUSTER_KIND,
  AVI_SYSTEM_NAMESPACE,
  FEDERATED_KINDS,
  ForbiddenError,
  LEADER_EPOCH_ANNOTATION,
  SOURCE_CLUSTER_ANNOTATION,
  readEpoch,
  type KubeObject,
} from '@amko-fed/domain';
import { readFenceToken, stampFenceToken } from '@amko-fed/kube';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeaderSession } from '../session/leader-session.ts';
import { keyOf, rawObject } from '../testing/unit-objects.ts';
import { startLeaderSession } from '../testing/unit-session.ts';
import { AMKO_NAME, createUnitSite, type SiteCluster, type UnitSite } from '../testing/unit-site.ts';
import { until } from '../testing/until.ts';

let site: UnitSite;
let session: LeaderSession | undefined;

beforeEach(async () => {
  site = await createUnitSite();
});

afterEach(async () => {
  await session?.stop();
  session = undefined;
});

function start(): LeaderSession {
  session = startLeaderSession(site);
  return session;
}

const client = (cluster: SiteCluster) => site.clusters[cluster].client;
const amkoOf = async (cluster: SiteCluster) => client(cluster).get(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, AMKO_NAME);
const setEpoch = (cluster: SiteCluster, epoch: number | null) =>
  client(cluster).mergePatch(AMKO_CLUSTER_KIND, AVI_SYSTEM_NAMESPACE, AMKO_NAME, { metadata: { annotations: { [LEADER_EPOCH_ANNOTATION]: epoch === null ? null : String(epoch) } } });
const memberValidation = async () => (await site.conditions())?.find((c) => c.type === 'member cluster validation');

describe('leadership epochs in the leader session', () => {
  describe('when a leader without an epoch starts and nobody has led before', () => {
    it('takes epoch 1 on its AMKOCluster, stamps every follower and publishes the epoch to the replicators', async () => {
      start();
      await until(async () => expect(await readFenceToken(client('cluster3'))).toEqual({ leader: 'cluster1', epoch: 1 }));
      expect(readEpoch(await amkoOf('cluster1'))).toBe(1);
      expect(await readFenceToken(client('cluster2'))).toEqual({ leader: 'cluster1', epoch: 1 });
      await until(async () => expect(await site.stores.registry.readMembers()).toMatchObject({ leader: 'cluster1', epoch: 1 }));
    });

    it('records the epoch with every change in the history', async () => {
      start();
      await until(async () => expect(await site.stores.registry.readMembers()).toMatchObject({ epoch: 1 }));
      await site.local.create(FEDERATED_KINDS.GSLBConfig, AVI_SYSTEM_NAMESPACE, rawObject('GSLBConfig', 'gc-1'));
      await until(async () => expect(await site.stores.log.readHistory(keyOf('GSLBConfig', 'gc-1'))).toMatchObject([{ change: 'created', leader: 'cluster1', epoch: 1 }]));
    });
  });

  describe('when a follower promoted to leader holds the copies and token of an earlier leadership', () => {
    it('takes an epoch above everything it can see and removes the former provenance from its objects', async () => {
      await stampFenceToken(client('cluster1'), { leader: 'cluster9', epoch: 3 });
      await stampFenceToken(client('cluster2'), { leader: 'cluster9', epoch: 6 });
      const copy = rawObject('GSLBConfig', 'gc-1') as KubeObject;
      await client('cluster1').create(FEDERATED_KINDS.GSLBConfig, AVI_SYSTEM_NAMESPACE, {
        ...copy,
        metadata: { ...copy.metadata, annotations: { [SOURCE_CLUSTER_ANNOTATION]: 'cluster9', [LEADER_EPOCH_ANNOTATION]: '4', keep: 'me' } },
      });
      start();
      await until(async () => expect(readEpoch(await amkoOf('cluster1'))).toBe(7));
      await until(async () => expect(await readFenceToken(client('cluster3'))).toEqual({ leader: 'cluster1', epoch: 7 }));
      await until(async () =>
        expect((await client('cluster1').get(FEDERATED_KINDS.GSLBConfig, AVI_SYSTEM_NAMESPACE, 'gc-1'))?.metadata.annotations).toEqual({ keep: 'me' }),
      );
    });
  });

  describe('when the leader restarts with its epoch on its AMKOCluster', () => {
    it('keeps it (the same leadership continues)', async () => {
      await setEpoch('cluster1', 5);
      start();
      await until(async () => expect(await readFenceToken(client('cluster2'))).toEqual({ leader: 'cluster1', epoch: 5 }));
      expect(readEpoch(await amkoOf('cluster1'))).toBe(5);
    });
  });

  describe('when a member follows a later leadership (an old leader came back still saying isLeader: true)', () => {
    it('federates nothing, stamps nothing, and says who leads at which epoch in its status', async () => {
      await setEpoch('cluster1', 1);
      await stampFenceToken(client('cluster3'), { leader: 'cluster2', epoch: 2 });
      await site.local.create(FEDERATED_KINDS.GSLBConfig, AVI_SYSTEM_NAMESPACE, rawObject('GSLBConfig', 'gc-1'));
      start();
      await until(async () =>
        expect((await memberValidation())?.reason).toMatch(/^stale leader: cluster2 leads at epoch 2 \(fencing token on cluster3\); this cluster cluster1 leads at epoch 1/),
      );
      const registry = await site.stores.registry.readMembers();
      expect(registry?.members.every((m) => m.state !== 'valid')).toBe(true);
      expect(session?.health().validFollowers).toEqual([]);
      expect(await readFenceToken(client('cluster3'))).toEqual({ leader: 'cluster2', epoch: 2 });
      expect(site.stores.queues.jobs('cluster2')).toEqual([]);
      expect(site.stores.queues.jobs('cluster3')).toEqual([]);
      expect((await site.metrics.registry.getSingleMetric('amko_fed_watcher_stale_leader')?.get())?.values[0]?.value).toBe(1);
      expect((await site.metrics.registry.getSingleMetric('amko_fed_watcher_leader_epoch')?.get())?.values[0]?.value).toBe(1);
    });

    it('takes a new epoch above it once promoted again (the epoch annotation removed, as amko-fed promote does)', async () => {
      await setEpoch('cluster1', 1);
      await stampFenceToken(client('cluster3'), { leader: 'cluster2', epoch: 2 });
      start();
      await until(async () => expect((await memberValidation())?.reason).toMatch(/^stale leader/));
      await setEpoch('cluster1', null);
      await until(async () => expect(await readFenceToken(client('cluster3'))).toEqual({ leader: 'cluster1', epoch: 3 }));
      await until(async () => expect((await memberValidation())?.status).toBe('validated all member clusters'));
    });
  });

  describe('when a follower cannot be stamped', () => {
    it('does not federate to it and names the error; the others are federated', async () => {
      site.clusters.cluster3.fail((verb, kind) => (kind === 'Lease' && verb === 'create' ? new ForbiddenError('create Lease avi-system/amko-federation-fence on cluster3: forbidden') : undefined));
      start();
      await until(async () => expect(session?.health().validFollowers).toEqual(['cluster2']));
      await until(async () => expect(JSON.stringify(await memberValidation())).toMatch(/could not stamp the fencing token on cluster3: .*forbidden/));
    });
  });

  describe('when this cluster becomes a follower', () => {
    it('removes its leadership epoch from its AMKOCluster', async () => {
      await setEpoch('cluster1', 4);
      await site.setSpec('cluster1', { isLeader: false });
      start();
      await until(async () => expect(readEpoch(await amkoOf('cluster1'))).toBeUndefined());
    });
  });
});
