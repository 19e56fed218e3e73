/**
 * Emulator: bearer-token authentication (401) and per-token rules (403), so least-privilege RBAC
 * can be tested. Token configuration is an emulator option; skipped against a real API server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realServerSkips, type ProvidedCluster } from './support/provider.ts';
import { startSuiteCluster, type SuiteCluster } from './support/suite.ts';
import { amkoCluster, amkoClusters, clientsFor, failure, gslbConfig, gslbConfigs, type Clients } from './support/clients.ts';
import { rawClient } from './support/http.ts';

let suite: SuiteCluster;
let cluster: ProvidedCluster;
let admin: Clients;
let reader: Clients;

/** The same cluster seen with another token. */
function withToken(token: string): Clients {
  const text = cluster.kubeconfig().replace(/token: .*/, `token: ${token}`);
  return clientsFor({ kubeconfig: () => text, contextName: cluster.contextName });
}

describe.skipIf(realServerSkips(process.env, 'auth', 'tokens and rules configured at emulator start'))('auth', () => {
  beforeAll(async () => {
    suite = await startSuiteCluster(process.env, {
      cluster: {
        tokens: [
          'admin-token',
          {
            token: 'reader-token',
            user: 'system:serviceaccount:avi-system:amko-fed-watcher',
            rules: [
              { verbs: ['get', 'list', 'watch'], resources: ['amkoclusters', 'gslbconfigs'], namespaces: ['avi-system'] },
              { verbs: ['patch', 'update'], resources: ['amkoclusters/status'], namespaces: ['avi-system'] },
            ],
          },
        ],
      },
    });
    ({ cluster, c: admin } = suite);
    reader = withToken('reader-token');
    await admin.co.createNamespacedCustomObject({ ...amkoClusters, namespace: 'avi-system', body: amkoCluster('leader') });
  });

  afterAll(async () => {
    await suite?.close();
  });

  describe('when no token or a wrong token is sent', () => {
    it('answers 401 Unauthorized as a Status', async () => {
      const raw = rawClient(cluster);
      const none = await raw('/apis/amko.vmware.com/v1alpha1/namespaces/avi-system/gslbconfigs', { token: null });
      expect(none.status).toBe(401);
      expect(none.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
      expect((await failure(withToken('wrong').co.listNamespacedCustomObject({ ...gslbConfigs, namespace: 'avi-system' }))).code).toBe(401);
    });

    it('still answers /version and /healthz', async () => {
      const raw = rawClient(cluster);
      expect((await raw('/version', { token: null })).status).toBe(200);
      expect((await raw('/healthz', { token: null })).status).toBe(200);
    });
  });

  describe('when a token has rules', () => {
    it('allows what the rules grant', async () => {
      const list = (await reader.co.listNamespacedCustomObject({ ...amkoClusters, namespace: 'avi-system' })) as { items: unknown[] };
      expect(list.items).toHaveLength(1);
      const patched = await reader.co.patchNamespacedCustomObjectStatus(
        { ...amkoClusters, namespace: 'avi-system', name: 'leader', body: [{ op: 'add', path: '/status', value: { conditions: [] } }] },
      );
      expect(patched).toHaveProperty('status');
    });

    it('answers 403 with the RBAC sentence for anything else', async () => {
      const write = await failure(reader.co.createNamespacedCustomObject({ ...gslbConfigs, namespace: 'avi-system', body: gslbConfig('x') }));
      expect(write.code).toBe(403);
      expect(write.status.message).toBe(
        'gslbconfigs.amko.vmware.com is forbidden: User "system:serviceaccount:avi-system:amko-fed-watcher" cannot create resource "gslbconfigs" in API group "amko.vmware.com" in the namespace "avi-system"',
      );
      const secrets = await failure(reader.core.listNamespacedSecret({ namespace: 'avi-system' }));
      expect(secrets.code).toBe(403);
      const otherNamespace = await failure(reader.co.listNamespacedCustomObject({ ...amkoClusters, namespace: 'default' }));
      expect(otherNamespace.code).toBe(403);
      const mainEndpoint = await failure(reader.co.patchNamespacedCustomObject({ ...amkoClusters, namespace: 'avi-system', name: 'leader', body: [] }));
      expect(mainEndpoint.code).toBe(403);
    });

    it('may still read discovery', async () => {
      const raw = rawClient({ kubeconfig: () => cluster.kubeconfig().replace(/token: .*/, 'token: reader-token'), contextName: cluster.contextName });
      expect((await raw('/apis/amko.vmware.com/v1alpha1')).status).toBe(200);
    });
  });
});
