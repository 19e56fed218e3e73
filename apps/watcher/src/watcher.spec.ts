import { FEDERATED_KINDS } from '@amko-fed/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from './clock.ts';
import { keyOf, rawObject, recordingLogger } from './testing/unit-objects.ts';
import { createUnitSite, type UnitSite } from './testing/unit-site.ts';
import { until } from './testing/until.ts';
import { LEASE_NAME as LEASE } from './election/lease-elector.ts';
import { createWatcher, type Watcher } from './watcher.ts';

let site: UnitSite;
let watcher: Watcher | undefined;

beforeEach(async () => {
  site = await createUnitSite({ LEASE_DURATION: '3s' });
});

afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
});

/** A watcher over the in-memory site's adapters, without the ops server, started. */
async function start(adapters = site.adapters()) {
  const { logger, lines } = recordingLogger();
  watcher = createWatcher({ config: site.config, logger, clock: systemClock, adapters, http: false });
  await watcher.start();
  return { watcher, adapters, messages: () => lines.map((l) => String(l['msg'])) };
}

describe('watcher', () => {
  describe('when it starts over its adapters', () => {
    it('takes the Lease, leads, federates and reports ready', async () => {
      await site.local.create(FEDERATED_KINDS.GSLBConfig, 'avi-system', rawObject('GSLBConfig', 'gc-1'));
      const { watcher: w } = await start();
      await until(async () => expect(await w.health()).toMatchObject({ ready: true, role: 'leader', lease: 'leading', resyncs: 1 }));
      expect((await site.local.getLease(site.config.podNamespace, LEASE))?.spec?.holderIdentity).toBe(site.config.podName);
      expect(site.stores.queues.jobs('cluster2').map((j) => j.job?.objectKey)).toEqual([keyOf('GSLBConfig', 'gc-1')]);
    });
  });

  describe('when the stores are not reachable', () => {
    it('reports not ready with the reason the store health gives', async () => {
      site.readiness = { ready: false, reason: 'connection is reconnecting' };
      const { watcher: w } = await start();
      await until(async () => expect((await w.health()).checks).toContainEqual({ name: 'redis', ok: false, detail: 'connection is reconnecting' }));
      expect((await w.health()).ready).toBe(false);
    });
  });

  describe('when the stores come back without their data', () => {
    it('lets the session rebuild them', async () => {
      const { watcher: w, adapters } = await start();
      await until(async () => expect(await w.health()).toMatchObject({ role: 'leader', resyncs: 1 }));
      site.stores.loseData();
      adapters.recovered();
      await until(async () => expect((await site.stores.registry.readMembers())?.members.map((m) => m.state)).toEqual(['valid', 'valid']));
      expect((await w.metrics.storeLosses.get()).values.reduce((sum, v) => sum + v.value, 0)).toBe(1);
    });
  });

  describe('when it is stopped', () => {
    it('releases the Lease and leaves the adapters to the caller', async () => {
      const { watcher: w, messages } = await start();
      await until(async () => expect((await w.health()).role).toBe('leader'));
      await w.stop();
      expect((await site.local.getLease(site.config.podNamespace, LEASE))?.spec?.holderIdentity).toBe('');
      expect(messages()).toEqual(expect.arrayContaining(['Stopped federation', 'Released lease', 'Watcher stopped']));
      expect(await w.health()).toMatchObject({ ready: false, role: 'stopped' });
    });
  });
});
