import { describe, expect, it } from 'vitest';
import type { StoresSubject } from './contract-subject.ts';
import { federationLogContract } from './federation-log.contract.ts';
import { followerQueuesContract } from './follower-queues.contract.ts';
import { createInMemoryStores, type InMemoryStoresOptions } from './in-memory-stores.ts';
import { memberRegistryContract } from './member-registry.contract.ts';
import { resultsStoreContract } from './results-store.contract.ts';

async function inMemory(options: InMemoryStoresOptions = {}): Promise<StoresSubject> {
  const stores = createInMemoryStores({ ...options, attempts: 3 });
  const { queues } = stores;
  return {
    ...stores,
    worker: {
      take: async (cluster) => queues.take(cluster),
      complete: async (cluster, id) => void queues.complete(cluster, id),
      fail: async (cluster, id, reason, options) => void queues.fail(cluster, id, reason, options),
      addRaw: async (cluster, data) => void queues.addRaw(cluster, data),
    },
    loseData: async () => stores.loseData(),
    close: () => queues.close(),
  };
}

federationLogContract('in-memory fake', inMemory);
resultsStoreContract('in-memory fake', inMemory);
memberRegistryContract('in-memory fake', inMemory);
followerQueuesContract('in-memory fake', inMemory);

describe('in-memory follower queues', () => {
  describe('when a test plays the worker', () => {
    it('shows the waiting jobs in order and each state, and settles only active jobs', async () => {
      const { queues } = createInMemoryStores({ clock: () => new Date('2026-05-01T00:00:00.000Z') });
      const gc = 'GSLBConfig/avi-system/gc-1' as const;
      const gdp = 'GlobalDeploymentPolicy/avi-system/gdp-1' as const;
      await queues.enqueueMany([{ cluster: 'f', objectKey: gc, seq: 1 }, { cluster: 'f', objectKey: gdp, seq: 2 }]);
      expect(queues.jobs('f').map((j) => j.job?.objectKey)).toEqual([gc, gdp]);
      const taken = queues.take('f');
      expect(taken).toMatchObject({ state: 'active', attemptsMade: 0, timestamp: Date.parse('2026-05-01T00:00:00.000Z'), opts: { attempts: 15 } });
      expect(queues.complete('f', queues.jobs('f')[0]?.id ?? '')).toBe(false);
      expect(queues.fail('f', taken?.id ?? '', 'boom')).toBe('delayed');
      expect(queues.jobs('f', 'delayed').map((j) => j.failedReason)).toEqual(['boom']);
      expect(queues.fail('f', taken?.id ?? '', 'again')).toBeUndefined();
    });

    it('loses jobs a worker holds with the data set: settling them afterwards does nothing', async () => {
      const stores = createInMemoryStores();
      await stores.queues.enqueue({ cluster: 'f', objectKey: 'GSLBConfig/avi-system/gc-1', seq: 1 });
      const taken = stores.queues.take('f');
      stores.loseData();
      expect(stores.queues.complete('f', taken?.id ?? '')).toBe(false);
      expect(await stores.queues.counts('f')).toMatchObject({ active: 0, completed: 0 });
    });
  });
});
