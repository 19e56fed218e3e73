import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { FEDERATED_KINDS, UnavailableError } from '@amko-fed/domain';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gslbConfig, rejection, startClusters, uniqueName, type EmulatedClusters } from '../test/emulated.ts';
import { createClusterClient } from './cluster-client.ts';
import { kubeConfigForContext } from './kube-config.ts';
import { createKubeTransport, transportOptionsOf, type KubeTransport } from './kube-transport.ts';

const GC = FEDERATED_KINDS.GSLBConfig;
const NS = 'avi-system';
const LIST_PATH = `/apis/${GC.group}/${GC.version}/namespaces/${NS}/${GC.plural}`;
let env: EmulatedClusters;
let workDir: string;

const transportFor = (context: string, timeoutMs = 5_000): KubeTransport =>
  createKubeTransport(transportOptionsOf(kubeConfigForContext(env.kubeconfig, context), timeoutMs));

/** Live `Timeout` objects (node:timers), counted after a full garbage collection. */
function liveTimers(): number {
  const probe = setTimeout(() => undefined, 0);
  clearTimeout(probe);
  const Timeout = probe.constructor as unknown as Parameters<typeof v8.queryObjects>[0];
  return v8.queryObjects(Timeout, { format: 'count' }) as number;
}

/**
 * A kubeconfig for cluster1 whose user is an exec plugin: a Node script printing an ExecCredential
 * with the token currently in `tokenFile` (already expired, so client-node runs it again for every
 * request), or failing with a message on stderr when the file says "fail".
 */
async function execKubeconfig(tokenFile: string): Promise<string> {
  const script = join(workDir, `exec-plugin-${uniqueName('p')}.cjs`);
  await writeFile(script, `
const token = require('node:fs').readFileSync(process.env.TOKEN_FILE, 'utf8').trim();
if (token === 'fail') { process.stderr.write('error: refresh token s3cr3t-refresh-token was rejected'); process.exit(1); }
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { token, expirationTimestamp: new Date(Date.now() - 1000).toISOString() } }));
`);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c1', cluster: { server: env.cluster(0).url, 'certificate-authority-data': env.cluster(0).caData } }],
    users: [{
      name: 'exec-user',
      user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script], env: [{ name: 'TOKEN_FILE', value: tokenFile }], interactiveMode: 'Never' } },
    }],
    contexts: [{ name: 'exec', context: { cluster: 'c1', user: 'exec-user' } }],
    'current-context': 'exec',
  });
}

beforeAll(async () => {
  env = await startClusters(['cluster1', 'cluster2']);
  workDir = await mkdtemp(join(tmpdir(), 'kube-transport-'));
});

afterAll(async () => {
  await env?.close();
  await rm(workDir, { recursive: true, force: true });
});

describe('kube transport', () => {
  // undici waits one event-loop turn before it reuses a socket (in case the server closes it after
  // all), so a request sent right after another one finished may open a second connection.
  describe('when requests follow one another', () => {
    it('sends them all over at most two kept-alive TLS connections', async () => {
      const transport = transportFor('cluster1');
      try {
        for (let i = 0; i < 50; i += 1) await transport.send({ method: 'GET', path: LIST_PATH, operation: 'list' });
        expect(transport.stats()?.connectionsOpened).toBeLessThanOrEqual(2);
        expect(transport.stats()).toMatchObject({ size: 0 });
      } finally {
        await transport.close();
      }
    });
  });

  describe('when requests run in parallel', () => {
    it('opens at most two connections per parallel request and then only reuses them', async () => {
      const transport = transportFor('cluster1');
      try {
        const batch = () => Promise.all(Array.from({ length: 6 }, () => transport.send({ method: 'GET', path: LIST_PATH, operation: 'list' })));
        for (let i = 0; i < 5; i += 1) await batch();
        const opened = transport.stats()?.connectionsOpened ?? Number.NaN;
        expect(opened).toBeLessThanOrEqual(12);
        for (let i = 0; i < 20; i += 1) await batch();
        expect(transport.stats()?.connectionsOpened).toBe(opened);
      } finally {
        await transport.close();
      }
    });
  });

  describe('when the connections are capped', () => {
    it('never opens more than the cap and still answers every request', async () => {
      const transport = createKubeTransport({ ...transportOptionsOf(kubeConfigForContext(env.kubeconfig, 'cluster1'), 5_000), maxConnections: 2 });
      try {
        const answers = await Promise.all(Array.from({ length: 20 }, () => transport.send({ method: 'GET', path: LIST_PATH, operation: 'list' })));
        for (let i = 0; i < 20; i += 1) await transport.send({ method: 'GET', path: LIST_PATH, operation: 'list' });
        expect(answers.every((a) => Array.isArray((a as { items?: unknown }).items))).toBe(true);
        expect(transport.stats()?.connectionsOpened).toBeLessThanOrEqual(2);
      } finally {
        await transport.close();
      }
    });
  });

  describe('when requests with a long timeout have finished', () => {
    it('leaves no timer behind for any of them', async () => {
      const transport = transportFor('cluster1', 60_000);
      try {
        await transport.send({ method: 'GET', path: LIST_PATH, operation: 'list' });
        const before = liveTimers();
        for (let i = 0; i < 100; i += 1) await transport.send({ method: 'GET', path: LIST_PATH, operation: 'list' });
        expect(liveTimers() - before).toBeLessThan(10);
      } finally {
        await transport.close();
      }
    });
  });

  describe('when the object is absent', () => {
    it('answers undefined for a request that allows it and fails with the 404 otherwise', async () => {
      const transport = transportFor('cluster1');
      try {
        const path = `${LIST_PATH}/${uniqueName('missing')}`;
        expect(await transport.send({ method: 'GET', path, absentOk: true, operation: 'get' })).toBeUndefined();
        const err = await rejection(transport.send({ method: 'GET', path, operation: 'get GSLBConfig x on cluster1' }));
        expect((err as { httpStatus?: number }).httpStatus).toBe(404);
        expect((err as Error).message).toMatch(/^get GSLBConfig x on cluster1: .*not found/);
      } finally {
        await transport.close();
      }
    });
  });

  describe('when a ClusterClient makes many calls to one cluster', () => {
    it('sends all of its CRUD calls over at most two connections', async () => {
      const port = new URL(env.cluster(1).url).port;
      let connections = 0;
      const onConnected = (message: unknown): void => {
        if (String((message as { connectParams?: { port?: unknown } }).connectParams?.port) === port) connections += 1;
      };
      subscribe('undici:client:connected', onConnected);
      try {
        const client = createClusterClient({ context: 'cluster2', kubeConfig: kubeConfigForContext(env.kubeconfig, 'cluster2') });
        const name = uniqueName('gc');
        const created = await client.create(GC, NS, gslbConfig(name));
        await client.get(GC, NS, name);
        await client.replace(GC, NS, name, { ...created, spec: { ...(created['spec'] as object), refreshInterval: 7 } });
        await client.mergePatch(GC, NS, name, { spec: { refreshInterval: 8 } });
        await client.list(GC, NS);
        await client.delete(GC, NS, name);
        expect(await client.get(GC, NS, name)).toBeUndefined();
        expect(connections).toBeGreaterThanOrEqual(1);
        expect(connections).toBeLessThanOrEqual(2);
      } finally {
        unsubscribe('undici:client:connected', onConnected);
      }
    });
  });

  describe('when the kubeconfig user is an exec plugin', () => {
    it('uses a rotated token from the next request on, over the same connections', async () => {
      const tokenFile = join(workDir, uniqueName('token'));
      await writeFile(tokenFile, 'token-of-cluster1');
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(await execKubeconfig(tokenFile));
      const transport = createKubeTransport(transportOptionsOf(kubeConfig, 5_000));
      try {
        env.cluster(0).requestLog.clear();
        await transport.send({ method: 'GET', path: LIST_PATH, operation: 'list' });
        await writeFile(tokenFile, 'token-of-cluster2');
        for (let i = 0; i < 5; i += 1) await transport.send({ method: 'GET', path: LIST_PATH, operation: 'list' });
        const users = env.cluster(0).requestLog.entries({ verb: 'list', resource: 'gslbconfigs' }).map((e) => e.user);
        expect(users).toEqual(['cluster1-admin', ...Array<string>(5).fill('cluster2-token')]);
        expect(transport.stats()?.connectionsOpened).toBeLessThanOrEqual(2);
      } finally {
        await transport.close();
      }
    });

    it('reports a failing plugin as UnavailableError without its output', async () => {
      const tokenFile = join(workDir, uniqueName('token'));
      await writeFile(tokenFile, 'fail');
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(await execKubeconfig(tokenFile));
      const transport = createKubeTransport(transportOptionsOf(kubeConfig, 5_000));
      const err = await rejection(transport.send({ method: 'GET', path: LIST_PATH, operation: 'list GSLBConfig avi-system on exec' }));
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as Error).message).toBe('list GSLBConfig avi-system on exec: could not get the credentials of the kubeconfig user (Error)');
      expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain('s3cr3t');
    });
  });
});
