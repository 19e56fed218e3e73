import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FEDERATED_KINDS, UnavailableError } from '@amko-fed/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, startClusters, uniqueName, type EmulatedClusters } from '../test/emulated.ts';
import { clusterClientForContext } from './cluster-client.ts';
import { KubeConfigError } from './kube-config-error.ts';

const GC = FEDERATED_KINDS.GSLBConfig;
const NS = 'avi-system';
const PROBE = fileURLToPath(new URL('../test/lean-client-probe.ts', import.meta.url));
const RECORD_LOADS = fileURLToPath(new URL('../test/client-node-loads.ts', import.meta.url));
let env: EmulatedClusters;
let dir: string;

beforeAll(async () => {
  env = await startClusters(['cluster1', 'cluster2']);
  dir = await mkdtemp(join(tmpdir(), 'amko-fed-probe-'));
});

afterAll(async () => {
  await env?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Runs the probe with `extraEnv`; its output and the client-node modules it loaded. */
async function probe(extraEnv: Record<string, string>): Promise<{ seen: unknown; clientNodeLoads: string[] }> {
  const loadsFile = join(dir, `loads-${Object.keys(extraEnv).join('-')}`);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', RECORD_LOADS, PROBE], { env: { ...process.env, ...extraEnv, CLIENT_NODE_LOADS_FILE: loadsFile } });
  const clientNodeLoads = (await readFile(loadsFile, 'utf8')).split('\n').filter((l) => l !== '');
  return { seen: JSON.parse(stdout), clientNodeLoads };
}

const EVERYTHING_DONE = { created: true, absent: true, lease: true, secret: true, synced: true };

describe('clusterClientForContext', () => {
  describe('when the context has a static token', () => {
    it('does CRUD, Lease, Secret and informer calls without ever loading client-node', async () => {
      env.cluster(1).requestLog.clear();
      const { seen, clientNodeLoads } = await probe({ KUBECONFIG_TEXT: env.kubeconfig, CONTEXT: 'cluster2' });
      expect({ seen, clientNodeLoads }).toEqual({ seen: EVERYTHING_DONE, clientNodeLoads: [] });
      expect(new Set(env.cluster(1).requestLog.entries().map((e) => e.user))).toEqual(new Set(['cluster2-admin']));
      expect(new Set(env.cluster(1).requestLog.entries().map((e) => e.verb))).toEqual(new Set(['create', 'get', 'delete', 'list', 'watch']));
    });

    it('classifies refusals like the client-node path', async () => {
      const client = clusterClientForContext(env.kubeconfig, 'cluster1', { timeoutMs: 5_000 });
      env.cluster(0).faults.set({ error: { status: 503, count: 1 } });
      try {
        const err = await rejection(client.list(GC, NS));
        expect(err).toBeInstanceOf(UnavailableError);
        expect((err as Error).message).toMatch(/^list GSLBConfig avi-system on cluster1: /);
      } finally {
        env.cluster(0).faults.clear();
      }
      expect(await client.get(GC, NS, uniqueName('missing'))).toBeUndefined();
    });

    it('names its context and API server (and exposes no KubeConfig: the port has no escape hatch)', () => {
      const client = clusterClientForContext(env.kubeconfig, 'cluster2');
      expect({ context: client.context, server: client.server }).toEqual({ context: 'cluster2', server: env.cluster(1).url });
      expect('kubeConfig' in client).toBe(false);
    });
  });

  describe('when the access is the in-cluster service account', () => {
    it('does the same calls without ever loading client-node', async () => {
      await writeFile(join(dir, 'ca.crt'), env.cluster(0).caPem ?? '');
      await writeFile(join(dir, 'token'), 'token-of-cluster1');
      env.cluster(0).requestLog.clear();
      const { seen, clientNodeLoads } = await probe({ IN_CLUSTER_HOST: '127.0.0.1', IN_CLUSTER_PORT: String(env.cluster(0).port), SA_DIR: dir });
      expect({ seen, clientNodeLoads }).toEqual({ seen: EVERYTHING_DONE, clientNodeLoads: [] });
      expect(new Set(env.cluster(0).requestLog.entries().map((e) => e.user))).toEqual(new Set(['cluster1-admin']));
    });
  });

  describe('when the recorder is given a process that loads client-node', () => {
    it('records it (the check above can fail)', async () => {
      const loadsFile = join(dir, 'loads-control');
      await promisify(execFile)(process.execPath, ['--import', RECORD_LOADS, '-e', "require('@kubernetes/client-node')"], { env: { ...process.env, CLIENT_NODE_LOADS_FILE: loadsFile }, cwd: fileURLToPath(new URL('..', import.meta.url)) });
      expect(await readFile(loadsFile, 'utf8')).toMatch(/@kubernetes\/client-node\//);
    });
  });

  describe('when the context does not exist', () => {
    it('throws the KubeConfigError that kubeConfigForContext throws', () => {
      expect(() => clusterClientForContext(env.kubeconfig, 'cluster9')).toThrow(new KubeConfigError('context "cluster9" does not exist in the kubeconfig'));
    });
  });
});
