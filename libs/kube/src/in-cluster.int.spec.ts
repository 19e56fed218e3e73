import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEDERATED_KINDS } from '@amko-fed/domain';
import { startEmulatedCluster, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inClusterAccess } from './in-cluster.ts';
import { KubeConfigError } from './kube-config-error.ts';
import { localClusterClient } from './local-cluster-client.ts';

const GC = FEDERATED_KINDS.GSLBConfig;
let cluster: EmulatedCluster;
let dir: string;

beforeAll(async () => {
  cluster = await startEmulatedCluster({ name: 'in-cluster', tokens: [{ token: 'first-token', user: 'first' }, { token: 'rotated-token', user: 'rotated' }] });
  dir = await mkdtemp(join(tmpdir(), 'amko-fed-sa-'));
  await writeFile(join(dir, 'ca.crt'), cluster.caPem ?? '');
  await writeFile(join(dir, 'token'), 'first-token\n');
});

afterAll(async () => {
  await cluster?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** The user the emulator saw on the last request. */
const lastUser = (): string | undefined => cluster.requestLog.entries().at(-1)?.user;

describe('in-cluster access', () => {
  describe('when the service account token file is rewritten (bound token rotation)', () => {
    it('keeps the token until the re-read interval passed, then sends the new one; a failed re-read keeps the last', async () => {
      let now = 1_000_000;
      const client = await localClusterClient({ kind: 'in-cluster', host: '127.0.0.1', port: String(cluster.port), serviceAccountDir: dir, tokenRereadMs: 60_000, now: () => now });
      expect(await client.get(GC, 'avi-system', 'absent')).toBeUndefined();
      expect(lastUser()).toBe('first');

      await writeFile(join(dir, 'token'), 'rotated-token');
      now += 59_999;
      await client.list(GC, 'avi-system');
      expect(lastUser()).toBe('first');
      now += 1;
      await client.list(GC, 'avi-system');
      expect(lastUser()).toBe('rotated');

      await rm(join(dir, 'token'));
      now += 60_000;
      await client.getLease('avi-system', 'absent');
      expect(lastUser()).toBe('rotated');
      await writeFile(join(dir, 'token'), 'first-token');
    });
  });

  describe('when it watches', () => {
    it('lists and watches with the service account token', async () => {
      const client = await localClusterClient({ kind: 'in-cluster', host: '127.0.0.1', port: String(cluster.port), serviceAccountDir: dir });
      const informer = client.informer({ kind: GC, namespace: 'avi-system', handlers: {} });
      await informer.start();
      await informer.synced();
      await informer.stop();
      expect(cluster.requestLog.entries({ verb: ['list', 'watch'], resource: 'gslbconfigs' }).slice(-2).map((e) => `${e.verb} ${e.user ?? ''} ${e.status}`)).toEqual(['list first 200', 'watch first 200']);
      expect(client.context).toBe('inClusterContext');
    });
  });

  describe('when the environment or the mounted files are missing', () => {
    it('fails with a KubeConfigError naming what is missing', async () => {
      await expect(inClusterAccess({ host: undefined, port: '443', serviceAccountDir: dir })).rejects.toThrow(new KubeConfigError('not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (set LOCAL_KUBECONFIG to reach the local cluster through a kubeconfig)'));
      await expect(inClusterAccess({ host: '10.96.0.1', port: '443', serviceAccountDir: join(dir, 'missing') })).rejects.toThrow(/the service account's CA file .*ca\.crt cannot be read \(ENOENT\)/);
      const access = await inClusterAccess({ host: '10.96.0.1', port: '443', serviceAccountDir: dir });
      expect(access.server).toBe('https://10.96.0.1:443');
    });

    it('brackets an IPv6 service address and uses http on the insecure ports', async () => {
      expect((await inClusterAccess({ host: 'fd00:10:96::1', port: '443', serviceAccountDir: dir })).server).toBe('https://[fd00:10:96::1]:443');
      expect((await inClusterAccess({ host: '10.0.0.1', port: '8080', serviceAccountDir: dir })).server).toBe('http://10.0.0.1:8080');
    });

    it('fails the first request when the token file cannot be read', async () => {
      const empty = await mkdtemp(join(tmpdir(), 'amko-fed-sa-'));
      try {
        await writeFile(join(empty, 'ca.crt'), cluster.caPem ?? '');
        const access = await inClusterAccess({ host: '127.0.0.1', port: String(cluster.port), serviceAccountDir: empty });
        await expect(access.credentials.current()).rejects.toThrow(/the service account's token file .*token cannot be read \(ENOENT\)/);
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    });
  });
});
