/**
 * amko-fed member-kubeconfig against an emulated member cluster (whose token controller fills
 * ServiceAccount token Secrets): the printed entry reaches the member as its ServiceAccount, the
 * token is on stdout only, a second run reuses the Secret, a missing ServiceAccount is named.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { FEDERATED_KINDS } from '@amko-fed/domain';
import { createClusterClient, kubeConfigForContext } from '@amko-fed/kube';
import { startEmulatedClusters, kubeconfigYaml, type EmulatedCluster } from '@amko-fed/kube-emulator';
import { runCli } from './program.ts';

const MEMBER = 'arn:aws:eks:us-east-1:123456789012:cluster/site3';
let clusters: EmulatedCluster[] = [];
let kubeconfigFile = '';
let dir = '';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { KUBECONFIG: kubeconfigFile, HOME: dir }, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Core API of one context of the admin kubeconfig. */
const core = (context: string): CoreV1Api => kubeConfigForContext(kubeconfigYaml(clusters), context).makeApiClient(CoreV1Api);

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users: { name: string; user: { token: string } }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace: string } }[];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amko-fed-member-'));
  clusters = await startEmulatedClusters(['cluster1', MEMBER]);
  kubeconfigFile = join(dir, 'kubeconfig');
  await writeFile(kubeconfigFile, kubeconfigYaml(clusters, { currentContext: 'cluster1' }));
  await core(MEMBER).createNamespacedServiceAccount({ namespace: 'avi-system', body: { metadata: { name: 'amko-federation-member' } } });
});

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.close()));
});

describe('amko-fed member-kubeconfig', () => {
  describe('when the member ServiceAccount exists', () => {
    let first: Awaited<ReturnType<typeof run>>;
    beforeAll(async () => {
      first = await run(['--context', MEMBER, 'member-kubeconfig']);
    });

    it('prints a kubeconfig entry named after the member context, with its server and CA', () => {
      expect(first.err).toContain(`Created token Secret avi-system/amko-federation-member-token in ${MEMBER}`);
      expect(first.code).toBe(0);
      const config = parse(first.out) as Kubeconfig;
      const member = clusters[1] as EmulatedCluster;
      expect(config.clusters).toEqual([{ name: MEMBER, cluster: { server: member.url, 'certificate-authority-data': member.caData } }]);
      expect(config.contexts).toEqual([{ name: MEMBER, context: { cluster: MEMBER, user: MEMBER, namespace: 'avi-system' } }]);
      expect(config.users[0]?.name).toBe(MEMBER);
    });

    it('works as printed: the member answers its ServiceAccount, and the token is on stdout only', async () => {
      const token = (parse(first.out) as Kubeconfig).users[0]?.user.token ?? '';
      expect(token).toMatch(/^emu-sa-/);
      expect(first.err).not.toContain(token);
      const client = createClusterClient({ context: MEMBER, kubeConfig: kubeConfigForContext(first.out, MEMBER) });
      expect((await client.list(FEDERATED_KINDS.GSLBConfig, 'avi-system')).items).toEqual([]);
    });

    it('reuses the token Secret on a second run', async () => {
      const second = await run(['--context', MEMBER, 'member-kubeconfig', '--name', 'site3', '--server', 'https://site3.example.com:6443']);
      expect(second.code).toBe(0);
      expect(second.err).toContain('Found token Secret avi-system/amko-federation-member-token');
      const config = parse(second.out) as Kubeconfig;
      expect(config.users[0]?.user.token).toBe((parse(first.out) as Kubeconfig).users[0]?.user.token);
      expect(config.clusters[0]).toMatchObject({ name: 'site3', cluster: { server: 'https://site3.example.com:6443' } });
    });
  });

  describe('when the member ServiceAccount is missing', () => {
    it('exits 2 naming the ServiceAccount and how to create it, printing nothing on stdout', async () => {
      const result = await run(['--context', 'cluster1', 'member-kubeconfig']);
      expect(result.code).toBe(2);
      expect(result.err).toContain('ServiceAccount avi-system/amko-federation-member does not exist in context "cluster1"');
      expect(result.err).toContain('member.rbac.create=true');
      expect(result.out).toBe('');
    });
  });

  describe('when a Secret of that name is not a token Secret', () => {
    it('refuses to use it', async () => {
      await core('cluster1').createNamespacedServiceAccount({ namespace: 'avi-system', body: { metadata: { name: 'other' } } });
      await core('cluster1').createNamespacedSecret({ namespace: 'avi-system', body: { metadata: { name: 'other-token' }, type: 'Opaque', stringData: { token: 'not-this' } } });
      const result = await run(['--context', 'cluster1', 'member-kubeconfig', '--service-account', 'other']);
      expect(result.code).toBe(1);
      expect(result.err).toContain('exists but is not the token Secret of ServiceAccount other');
      expect(result.err).not.toContain('not-this');
    });
  });
});
