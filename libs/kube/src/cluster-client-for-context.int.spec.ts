import { execFile } from 'node:child_process';
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
let env: EmulatedClusters;

beforeAll(async () => {
  env = await startClusters(['cluster1', 'cluster2']);
});

afterAll(async () => {
  await env?.close();
});

describe('clusterClientForContext', () => {
  describe('when the context has a static token', () => {
    it('does the CRUD calls without loading client-node, which only a Lease call loads', async () => {
      env.cluster(1).requestLog.clear();
      const { stdout } = await promisify(execFile)(process.execPath, [PROBE], { env: { ...process.env, KUBECONFIG_TEXT: env.kubeconfig, CONTEXT: 'cluster2' } });
      expect(JSON.parse(stdout)).toEqual({ created: true, absent: true, lease: true, afterCrud: false, afterLease: true });
      expect(new Set(env.cluster(1).requestLog.entries().map((e) => e.user))).toEqual(new Set(['cluster2-admin']));
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

  describe('when the context does not exist', () => {
    it('throws the KubeConfigError that kubeConfigForContext throws', () => {
      expect(() => clusterClientForContext(env.kubeconfig, 'cluster9')).toThrow(new KubeConfigError('context "cluster9" does not exist in the kubeconfig'));
    });
  });
});
