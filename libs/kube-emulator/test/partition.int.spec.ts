/**
 * Emulator: a partition from some clients (`faults.unreachableFrom`): requests authenticated as a
 * listed user get their connection dropped, no HTTP answer, while every other client is served;
 * clearing it serves them again. Also through the admin endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultValidationError, startEmulatedCluster, type EmulatedCluster } from '../src/index.ts';

let cluster: EmulatedCluster;
const ADMIN = 'partition-admin-token';
const SITE_B = 'partition-site-b-token';
const SITE_C = 'partition-site-c-token';

beforeAll(async () => {
  cluster = await startEmulatedCluster({
    name: 'site-a', http: true, anonymousAdmin: false,
    tokens: [{ token: ADMIN, user: 'admin' }, { token: SITE_B, user: 'site:b' }, { token: SITE_C, user: 'site:c' }],
  });
});
afterAll(async () => {
  await cluster?.close();
});

/** The status code, or the name of the network failure when no answer came. */
async function get(token: string): Promise<number | string> {
  try {
    const response = await fetch(`${cluster.url}/apis/amko.vmware.com/v1alpha1/namespaces/avi-system/gslbconfigs`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    return response.status;
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code ?? 'failed';
  }
}

describe('emulator partition fault', () => {
  describe('when the cluster is unreachable from one user', () => {
    it('drops that user\'s connections and serves every other user', async () => {
      cluster.faults.set({ unreachableFrom: ['site:b'] });
      expect(await get(SITE_B)).not.toBe(200);
      expect(typeof (await get(SITE_B))).toBe('string');
      expect(await get(SITE_C)).toBe(200);
      expect(await get(ADMIN)).toBe(200);
    });
  });

  describe('when the partition is healed', () => {
    it('serves that user again', async () => {
      cluster.faults.set({ unreachableFrom: ['site:b'] });
      expect(typeof (await get(SITE_B))).toBe('string');
      cluster.faults.clear();
      expect(await get(SITE_B)).toBe(200);
    });
  });

  describe('when set through the admin endpoint', () => {
    it('applies it, and refuses a list that is not user names', async () => {
      const post = (body: unknown) => fetch(`${cluster.url}/_emulator/faults`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post({ unreachableFrom: ['site:c'] })).status).toBeLessThan(300);
      expect(typeof (await get(SITE_C))).toBe('string');
      expect(await get(SITE_B)).toBe(200);
      expect(() => cluster.faults.set({ unreachableFrom: [''] })).toThrow(FaultValidationError);
      cluster.faults.clear();
    });
  });
});
