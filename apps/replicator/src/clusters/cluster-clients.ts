/**
 * One ClusterClient per follower context, built from the members kubeconfig (GSLB_CONFIG or the
 * mounted GSLB_CONFIG_FILE). The kubeconfig is read at start and re-read on `refresh()` (the
 * replicator calls it on every member registry change), never per job; clients are rebuilt only
 * when the text changed, so each follower keeps its connections. A text that is not a kubeconfig
 * makes the kubeconfig unusable, with a reason naming the source actually read (never its content).
 */
import { createHash } from 'node:crypto';
import { KubeconfigSourceKind, readKubeconfig, UnavailableError, UnknownClusterError, type Kubeconfig, type KubeconfigSource } from '@amko-fed/domain';
import { clusterClientForContext, type ClusterClient, type KubeRequestObserver } from '@amko-fed/kube';
import { readGslbConfig, type GslbConfigSource } from '@amko-fed/service';
import type { Logger } from 'pino';
import { collectStrings, createSecretRedactor, type Redactor } from './secret-redactor.ts';

export interface ClusterClientsOptions {
  readonly source: GslbConfigSource;
  /** Per-request timeout of every client. */
  readonly timeoutMs: number;
  /**
   * Most connections per follower: a follower has at most CONCURRENCY jobs in flight, each sending
   * one request at a time, plus a probe. Without a cap undici may open two per parallel request.
   */
  readonly maxConnections?: number;
  readonly logger: Logger;
  /** Told of every Kubernetes API request of the clients (amko_fed_kube_requests_total). */
  readonly onRequest?: KubeRequestObserver;
}

export interface ClusterClients {
  /** Re-reads the kubeconfig; never throws (an unreadable source is reported by `clientFor`). */
  refresh(): Promise<void>;
  /**
   * The client of `cluster`. Throws UnknownClusterError (terminal) when the kubeconfig has no such
   * context, UnavailableError (retryable) when the kubeconfig cannot be read or parsed.
   */
  clientFor(cluster: string): ClusterClient;
  /** Removes the kubeconfig's credentials (and credential-like text) from a message. */
  readonly redact: Redactor;
  /** Undefined while the kubeconfig is usable, else why not (secret-free). */
  readonly problem: string | undefined;
}

type Loaded =
  | { readonly state: 'ok'; readonly text: string; readonly hash: string }
  | { readonly state: 'unavailable'; readonly reason: string };

const CONTEXT_MISSING = /does not exist in the kubeconfig/;

/** Keys of a kubeconfig `users[].user` entry whose values are credentials. */
const CREDENTIAL_KEYS = ['token', 'password', 'client-key-data', 'auth-provider'] as const;

/** Where `readGslbConfig` takes the text from: the file when one is named, else the variable. */
function sourceOf(source: GslbConfigSource): KubeconfigSource {
  return source.file ? { kind: KubeconfigSourceKind.File, path: source.file } : { kind: KubeconfigSourceKind.Env };
}

/** Every credential value of the kubeconfig, for verbatim redaction. */
function secretsOf(kubeconfig: Kubeconfig): string[] {
  const secrets = new Set<string>();
  for (const entry of kubeconfig.users ?? []) {
    const user = (entry as { user?: unknown }).user;
    if (user === null || typeof user !== 'object') continue;
    const fields = user as Record<string, unknown>;
    for (const key of CREDENTIAL_KEYS) collectStrings(fields[key], secrets);
    // exec plugins get credentials through env; their command and args are not secret.
    collectStrings((fields['exec'] as { env?: unknown } | undefined)?.env, secrets);
  }
  return [...secrets];
}

export function createClusterClients(options: ClusterClientsOptions): ClusterClients {
  const logger = options.logger.child({ component: 'clusters' });
  let loaded: Loaded = { state: 'unavailable', reason: 'the members kubeconfig has not been read yet' };
  let clients = new Map<string, ClusterClient>();
  let redactor: Redactor = createSecretRedactor([]);

  async function refresh(): Promise<void> {
    let text: string | undefined;
    try {
      text = await readGslbConfig(options.source);
    } catch (err) {
      const reason = err instanceof Error ? err.message : 'cannot read the members kubeconfig';
      if (loaded.state !== 'unavailable' || loaded.reason !== reason) logger.error({ reason }, 'Could not read the members kubeconfig');
      // Keep using the last good kubeconfig: a mounted secret is briefly absent while it is updated.
      if (loaded.state === 'unavailable') loaded = { state: 'unavailable', reason };
      return;
    }
    if (text === undefined) {
      loaded = { state: 'unavailable', reason: 'the members kubeconfig is empty; fill the gslb-config-secret key gslb-members' };
      clients = new Map();
      return;
    }
    const hash = createHash('sha256').update(text).digest('hex');
    if (loaded.state === 'ok' && loaded.hash === hash) return;
    const read = readKubeconfig(text, sourceOf(options.source));
    clients = new Map();
    if (!read.ok) {
      if (loaded.state !== 'unavailable' || loaded.reason !== read.reason) logger.error({ reason: read.reason }, 'Could not read the members kubeconfig');
      loaded = { state: 'unavailable', reason: read.reason };
      return;
    }
    redactor = createSecretRedactor(secretsOf(read.kubeconfig));
    loaded = { state: 'ok', text, hash };
    logger.info('Loaded the members kubeconfig');
  }

  function clientFor(cluster: string): ClusterClient {
    const existing = clients.get(cluster);
    if (existing) return existing;
    if (loaded.state !== 'ok') throw new UnavailableError(`no client for cluster ${cluster}: ${loaded.reason}`);
    let client: ClusterClient;
    try {
      // Static kubeconfig credentials never load client-node (~85 MB of RSS); see libs/kube.
      client = clusterClientForContext(loaded.text, cluster, {
        timeoutMs: options.timeoutMs,
        ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
        ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
      });
    } catch (err) {
      if (err instanceof Error && CONTEXT_MISSING.test(err.message)) {
        throw new UnknownClusterError(cluster, { cause: err });
      }
      throw new UnavailableError(`no client for cluster ${cluster}: ${err instanceof Error ? err.message : 'unusable kubeconfig'}`, { cause: err });
    }
    clients.set(cluster, client);
    return client;
  }

  return {
    refresh,
    clientFor,
    redact: (text) => redactor(text),
    get problem() {
      return loaded.state === 'ok' ? undefined : loaded.reason;
    },
  };
}
