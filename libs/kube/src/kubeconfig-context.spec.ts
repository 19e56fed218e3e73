import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfigError } from './kube-config-error.ts';
import { readContextAccess, type ContextAccess } from './kubeconfig-context.ts';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n').toString('base64');
let dir: string;

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c1', cluster: { server: 'https://10.0.0.1:6443/', ...cluster } }],
    users: user === undefined ? [] : [{ name: 'u1', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c1', ...(user === undefined ? {} : { user: 'u1' }) } }],
    ...extra,
  });
}

/** What client-node 2.0.1 itself would send (its public applyToHTTPSOptions, as the lean path uses it for dynamic users). */
async function clientNodeView(text: string): Promise<{ headers: Record<string, string>; tls: Record<string, unknown> }> {
  const kc = new KubeConfig();
  kc.loadFromString(text);
  kc.setCurrentContext('ctx');
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (options.auth && headers['authorization'] === undefined) headers['authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  const tls = Object.fromEntries(Object.entries({ ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: options.rejectUnauthorized, servername: options.servername }).filter(([, v]) => v !== undefined));
  return { headers, tls };
}

function staticView(access: ContextAccess): { headers: Record<string, string>; tls: Record<string, unknown> } {
  if (access.kind !== 'static') throw new Error(`expected static access, got ${access.kind}`);
  return { headers: { ...access.credentials.headers }, tls: Object.fromEntries(Object.entries(access.credentials.tls).filter(([, v]) => v !== undefined)) };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeconfig-context-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readContextAccess', () => {
  describe('when the user has static credentials', () => {
    it('sends exactly what client-node would send, for every kind of static credential', async () => {
      const tokenFile = join(dir, 'token');
      await writeFile(tokenFile, 'token-from-file');
      const caFile = join(dir, 'ca.pem');
      await writeFile(caFile, 'CA FROM FILE');
      const cases = [
        kubeconfig({ 'certificate-authority-data': CA }, { token: 'abc' }),
        kubeconfig({ 'certificate-authority-data': CA, 'insecure-skip-tls-verify': true, 'tls-server-name': 'api.internal' }, { token: 'abc', as: 'someone' }),
        kubeconfig({ 'certificate-authority': caFile, 'certificate-authority-data': CA }, { 'token-file': tokenFile }),
        kubeconfig({}, { username: 'admin', password: 'pw' }),
        kubeconfig({}, { username: 'admin', password: 'pw', token: 'wins' }),
        kubeconfig({ 'certificate-authority-data': CA }, { 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key-data': Buffer.from('KEY').toString('base64') }),
        kubeconfig({ 'certificate-authority-data': CA }, undefined),
        kubeconfig({ server: 'http://127.0.0.1:8080', 'insecure-skip-tls-verify': true }, { token: 'abc' }),
      ];
      for (const text of cases) {
        expect(staticView(readContextAccess(text, 'ctx'))).toEqual(await clientNodeView(text));
      }
    });

    it('drops the trailing slash of the server URL', () => {
      expect(readContextAccess(kubeconfig({}, { token: 'a' }), 'ctx')).toMatchObject({ kind: 'static', server: 'https://10.0.0.1:6443' });
    });
  });

  describe('when the credentials can change or need a tunnel', () => {
    it('leaves exec plugins, auth providers and proxies to client-node', () => {
      expect(readContextAccess(kubeconfig({}, { exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1' } }), 'ctx').kind).toBe('client-node');
      expect(readContextAccess(kubeconfig({}, { 'auth-provider': { name: 'oidc', config: {} } }), 'ctx').kind).toBe('client-node');
      expect(readContextAccess(kubeconfig({ 'proxy-url': 'http://proxy:3128' }, { token: 'a' }), 'ctx').kind).toBe('client-node');
    });
  });

  describe('when the server is plain HTTP without insecure-skip-tls-verify', () => {
    it('reports the problem client-node would report', () => {
      expect(readContextAccess(kubeconfig({ server: 'http://127.0.0.1:8080' }, { token: 'a' }), 'ctx')).toMatchObject({
        problem: 'HTTP protocol is not allowed when skipTLSVerify is not set or false',
      });
    });
  });

  describe('when the kubeconfig or the context is unusable', () => {
    it('fails like kubeConfigForContext, without quoting the kubeconfig', () => {
      const missing = thrown(() => readContextAccess(kubeconfig({}, { token: 'secret-token' }), 'other'));
      expect(missing).toBeInstanceOf(KubeConfigError);
      expect((missing as Error).message).toBe('context "other" does not exist in the kubeconfig');

      const noServer = JSON.stringify({ clusters: [{ name: 'c1', cluster: { server: 'https://a' } }], contexts: [{ name: 'ctx', context: { cluster: 'nowhere' } }] });
      expect((thrown(() => readContextAccess(noServer, 'ctx')) as Error).message).toBe('context "ctx" names a cluster without a server URL');

      const invalidElsewhere = JSON.stringify({ clusters: [{ name: 'c1', cluster: { server: 'https://a' } }, { name: 'c2', cluster: {} }], contexts: [{ name: 'ctx', context: { cluster: 'c1' } }] });
      const parse = thrown(() => readContextAccess(invalidElsewhere, 'ctx'));
      expect((parse as Error).message).toBe('the kubeconfig could not be parsed as a kubeconfig YAML document');
      expect(thrown(() => new KubeConfig().loadFromString(invalidElsewhere))).toBeInstanceOf(Error);

      const garbage = thrown(() => readContextAccess('token: secret-token: [', 'ctx'));
      expect((garbage as Error).message).not.toContain('secret-token');
    });
  });
});
