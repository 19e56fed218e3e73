/**
 * The token controller: ServiceAccount token Secrets are filled (token, ca.crt, namespace) and the
 * token authenticates from then on, as a real API server's token controller does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually as eventuallyPasses } from './support/clients.ts';
import { startEmulatedCluster, type EmulatedCluster } from '../src/index.ts';

let cluster: EmulatedCluster;

beforeAll(async () => {
  cluster = await startEmulatedCluster({ name: 'tokens', http: true, crds: [] });
});

afterAll(async () => {
  await cluster?.close();
});

async function request(method: string, path: string, body?: unknown, token = cluster.token): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${cluster.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const tokenSecret = (name: string, serviceAccount: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, annotations: { 'kubernetes.io/service-account.name': serviceAccount } },
  type: 'kubernetes.io/service-account-token',
});
const dataOf = async (name: string): Promise<Record<string, string>> =>
  ((await request('GET', `/api/v1/namespaces/avi-system/secrets/${name}`)).json['data'] ?? {}) as Record<string, string>;
const decoded = (value: string | undefined): string => Buffer.from(value ?? '', 'base64').toString();

describe('kube-emulator token controller', () => {
  describe('when a token Secret names an existing ServiceAccount', () => {
    it('fills token, ca.crt and namespace, and the token authenticates', async () => {
      expect((await request('POST', '/api/v1/namespaces/avi-system/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'member' } })).status).toBe(201);
      expect((await request('POST', '/api/v1/namespaces/avi-system/secrets', tokenSecret('member-token', 'member'))).status).toBe(201);
      const data = await eventuallyPasses(async () => {
        const d = await dataOf('member-token');
        if (!d['token']) throw new Error('not filled yet');
        return d;
      });
      expect(decoded(data['namespace'])).toBe('avi-system');
      expect(data).toHaveProperty('ca.crt');
      const token = decoded(data['token']);
      expect(token).toMatch(/^emu-sa-[0-9a-f]{48}$/);
      expect((await request('GET', '/api/v1/namespaces/avi-system/secrets', undefined, token)).status).toBe(200);
      expect((await request('GET', '/api/v1/namespaces/avi-system/secrets', undefined, 'emu-sa-not-issued')).status).toBe(401);
    });
  });

  describe('when the ServiceAccount is created after the Secret', () => {
    it('fills the Secret once the ServiceAccount exists', async () => {
      expect((await request('POST', '/api/v1/namespaces/avi-system/secrets', tokenSecret('late-token', 'late'))).status).toBe(201);
      await new Promise((resolve) => setImmediate(resolve));
      expect((await dataOf('late-token'))['token']).toBeUndefined();
      await request('POST', '/api/v1/namespaces/avi-system/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'late' } });
      await eventuallyPasses(async () => {
        if (!(await dataOf('late-token'))['token']) throw new Error('not filled yet');
      });
    });
  });

  describe('when a Secret is not a token Secret', () => {
    it('leaves it alone', async () => {
      await request('POST', '/api/v1/namespaces/avi-system/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain', annotations: { 'kubernetes.io/service-account.name': 'member' } }, type: 'Opaque', data: { a: 'Yg==' } });
      // A token Secret created after it is filled: the controller has seen both events by then.
      await request('POST', '/api/v1/namespaces/avi-system/secrets', tokenSecret('after-plain', 'member'));
      await eventuallyPasses(async () => {
        if (!(await dataOf('after-plain'))['token']) throw new Error('not filled yet');
      });
      expect(await dataOf('plain')).toEqual({ a: 'Yg==' });
    });
  });
});
