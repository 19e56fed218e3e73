/**
 * The pod's own cluster through its service account, without client-node: the server from
 * KUBERNETES_SERVICE_HOST/PORT (an IPv6 address in brackets; http for the ports 80, 8080 and 8001,
 * as client-node does), the cluster CA from `ca.crt`, and the bearer token from the `token` file.
 * Bound service-account tokens rotate (the kubelet rewrites the file), so the file is read again
 * when the last read is older than `tokenRereadMs` (a minute, as client-go and client-node do),
 * checked before each request; a failed re-read keeps the last token and tries again next time.
 * The environment values are handed in by the app's config (process.env is read there only).
 */
import { readFile } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { KubeConfigError } from './kube-config-error.ts';
import type { CredentialSource, RequestCredentials, TlsMaterial } from './request-credentials.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The context name of the in-cluster access (the one client-node's `loadFromCluster` uses). */
export const IN_CLUSTER_CONTEXT = 'inClusterContext';

export interface InClusterOptions {
  /** KUBERNETES_SERVICE_HOST. */
  readonly host: string | undefined;
  /** KUBERNETES_SERVICE_PORT. */
  readonly port: string | undefined;
  /** Where `token` and `ca.crt` are mounted. @defaultValue /var/run/secrets/kubernetes.io/serviceaccount */
  readonly serviceAccountDir?: string | undefined;
  /** The token file is read again when the last read is older than this. @defaultValue 60_000 */
  readonly tokenRereadMs?: number | undefined;
  /** @defaultValue Date.now */
  readonly now?: (() => number) | undefined;
}

export interface InClusterAccess {
  readonly server: string;
  readonly credentials: CredentialSource;
}

const codeOf = (err: unknown): string => (err as { code?: unknown }).code?.toString() ?? 'error';

/** The server URL and credentials of the in-cluster service account; throws KubeConfigError (secret-free) when not in a cluster. */
export async function inClusterAccess(options: InClusterOptions): Promise<InClusterAccess> {
  const { host, port } = options;
  if (!host || !port) {
    throw new KubeConfigError('not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (set LOCAL_KUBECONFIG to reach the local cluster through a kubeconfig)');
  }
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const rereadMs = options.tokenRereadMs ?? 60_000;
  const now = options.now ?? Date.now;
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const server = `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  let ca: Buffer;
  try {
    ca = await readFile(join(dir, 'ca.crt'));
  } catch (err) {
    throw new KubeConfigError(`the service account's CA file ${join(dir, 'ca.crt')} cannot be read (${codeOf(err)})`);
  }
  // One TLS object for every request: the transport then sees unchanged TLS and keeps its connections.
  const tls: TlsMaterial = { ca };
  const tokenFile = join(dir, 'token');
  let current: RequestCredentials | undefined;
  let readAtMs = Number.NEGATIVE_INFINITY;
  let reading: Promise<RequestCredentials> | undefined;

  async function reread(): Promise<RequestCredentials> {
    try {
      const token = (await readFile(tokenFile, 'utf8')).trim();
      current = { headers: token === '' ? {} : { authorization: `Bearer ${token}` }, tls };
    } catch (err) {
      if (current === undefined) throw new KubeConfigError(`the service account's token file ${tokenFile} cannot be read (${codeOf(err)})`);
      // keep the last token; the next request tries again
      return current;
    } finally {
      reading = undefined;
    }
    readAtMs = now();
    return current;
  }

  return {
    server,
    credentials: {
      rotating: true,
      current() {
        if (current !== undefined && now() - readAtMs < rereadMs) return Promise.resolve(current);
        reading ??= reread();
        return reading;
      },
    },
  };
}
