/**
 * One context of a kubeconfig read without client-node, for the lean request path: the server URL
 * and, for the static credentials a kubeconfig can hold (bearer token or token file, basic auth,
 * client certificate and key, CA, insecure-skip-tls-verify, tls-server-name, `as` impersonation),
 * the headers and TLS material of every request. Contexts whose user runs an exec plugin or an
 * auth provider, or whose cluster has a proxy-url, are left to client-node's KubeConfig
 * (`kind: 'client-node'`), which knows how to refresh and tunnel them.
 *
 * It follows client-node 2.0.1 (config.js, config_types.js) so that both paths send the same
 * request: the same entry validation when loading, a file wins over inline data, a token file is
 * read once, a missing user means no credentials and no TLS options at all, a bearer token wins
 * over basic auth, and `http://` needs insecure-skip-tls-verify.
 */
import { readFileSync } from 'node:fs';
import { readKubeconfig } from '@amko-fed/domain';
import { KubeConfigError } from './kube-config-error.ts';
import type { RequestCredentials, TlsMaterial } from './request-credentials.ts';

export type ContextAccess =
  | {
      readonly kind: 'static';
      /** Without a trailing slash. */
      readonly server: string;
      readonly credentials: RequestCredentials;
      /** Why no request can be sent (e.g. `http://` without insecure-skip-tls-verify), secret-free. */
      readonly problem?: string | undefined;
    }
  | { readonly kind: 'client-node'; readonly server: string };

type Entry = Readonly<Record<string, unknown>>;

const PARSE_FAILED = 'the kubeconfig could not be parsed as a kubeconfig YAML document';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);
const entryOf = (value: unknown): Entry | undefined => (value !== null && typeof value === 'object' ? (value as Entry) : undefined);

/** client-node's `findObject`: the entry's inner object (`cluster`, `user`, `context`) by name. */
function find(list: readonly unknown[], name: unknown, key: string): Entry | undefined {
  for (const item of list) {
    const entry = entryOf(item);
    if (entry !== undefined && entry['name'] === name) return entryOf(entry[key]) ?? entry;
  }
  return undefined;
}

/** client-node's load-time validation: any invalid entry makes the whole kubeconfig unusable. */
function validEntries(list: readonly unknown[], check: (entry: Entry) => boolean): boolean {
  return list.every((item) => {
    const entry = entryOf(item);
    return entry !== undefined && Boolean(entry['name']) && check(entry);
  });
}

/** client-node's `bufferFromFileOrString`: the file when named (read now), else the base64 data. */
function fileOrData(file: unknown, data: unknown, what: string): Buffer | undefined {
  const path = text(file);
  if (path !== undefined) {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new KubeConfigError(`the ${what} file named in the kubeconfig cannot be read (${(err as { code?: string }).code ?? 'error'})`);
    }
  }
  const inline = text(data);
  return inline === undefined ? undefined : Buffer.from(inline, 'base64');
}

function readTokenFile(path: string): string {
  try {
    return readFileSync(path).toString();
  } catch (err) {
    throw new KubeConfigError(`the token file named in the kubeconfig cannot be read (${(err as { code?: string }).code ?? 'error'})`);
  }
}

function credentialsOf(cluster: Entry, user: Entry | undefined): RequestCredentials {
  if (user === undefined) return { headers: {}, tls: {} };
  const tls: TlsMaterial = {
    ca: fileOrData(cluster['certificate-authority'], cluster['certificate-authority-data'], 'certificate authority'),
    cert: fileOrData(user['client-certificate'], user['client-certificate-data'], 'client certificate'),
    key: fileOrData(user['client-key'], user['client-key-data'], 'client key'),
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] === true ? false : undefined,
    servername: text(cluster['tls-server-name']),
  };
  const headers: Record<string, string> = {};
  const impersonate = text(user['as']);
  if (impersonate !== undefined) headers['impersonate-user'] = impersonate;
  const tokenFile = text(user['token-file']);
  const token = text(user['token']) ?? (tokenFile === undefined ? undefined : readTokenFile(tokenFile));
  const username = text(user['username']);
  if (token) headers['authorization'] = `Bearer ${token}`;
  else if (username !== undefined) headers['authorization'] = `Basic ${Buffer.from(`${username}:${String(user['password'])}`).toString('base64')}`;
  return { headers, tls };
}

/**
 * Reads `context` of the kubeconfig `kubeconfigText`. Throws KubeConfigError (secret-free
 * message, the same as `kubeConfigForContext`) when the kubeconfig or the context is unusable.
 */
export function readContextAccess(kubeconfigText: string, context: string): ContextAccess {
  const read = readKubeconfig(kubeconfigText);
  if (!read.ok) throw new KubeConfigError(PARSE_FAILED);
  const doc = read.kubeconfig as Entry;
  const list = (key: string): readonly unknown[] => (Array.isArray(doc[key]) ? (doc[key] as unknown[]) : []);
  const clusters = list('clusters');
  const users = list('users');
  const contexts = list('contexts');
  const valid =
    validEntries(clusters, (e) => Boolean(entryOf(e['cluster'])?.['server'])) &&
    validEntries(users, () => true) &&
    validEntries(contexts, (e) => Boolean(entryOf(e['context'])?.['cluster']));
  if (!valid) throw new KubeConfigError(PARSE_FAILED);

  const found = find(contexts, context, 'context');
  if (found === undefined) throw new KubeConfigError(`context "${context}" does not exist in the kubeconfig`);
  const cluster = find(clusters, found['cluster'], 'cluster');
  const rawServer = text(cluster?.['server']);
  if (cluster === undefined || rawServer === undefined) throw new KubeConfigError(`context "${context}" names a cluster without a server URL`);
  const server = rawServer.replace(/\/$/, '');
  const user = text(found['user']) === undefined ? undefined : find(users, found['user'], 'user');

  if (text(cluster['proxy-url']) !== undefined || (user !== undefined && (user['exec'] || user['auth-provider']))) {
    return { kind: 'client-node', server };
  }
  const insecureHttp = server.startsWith('http:') && cluster['insecure-skip-tls-verify'] !== true;
  return {
    kind: 'static',
    server,
    credentials: credentialsOf(cluster, user),
    problem: insecureHttp ? 'HTTP protocol is not allowed when skipTLSVerify is not set or false' : undefined,
  };
}
