/**
 * `amko-fed member-kubeconfig --context MEMBER`: the member side of gslb-config-secret. In the
 * member cluster it creates (or finds) the token Secret of the member ServiceAccount (type
 * kubernetes.io/service-account-token, filled by the cluster's token controller), waits for the
 * token and returns a kubeconfig with one cluster, user and context named after the member, ready
 * to merge into the members kubeconfig (gslb-config-secret, key gslb-members).
 *
 * The token is a secret: it is only ever part of the returned kubeconfig, never of a message or
 * an error (API error bodies are not echoed either).
 */
import { readFileSync } from 'node:fs';
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { CliError, EXIT_USAGE } from '../cli-error.ts';

export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';

export interface MemberKubeconfigOptions {
  /** Namespace of the member ServiceAccount. @defaultValue avi-system */
  readonly namespace: string;
  /** @defaultValue amko-federation-member (deploy/member-rbac, the chart's member.rbac) */
  readonly serviceAccount: string;
  /** Name of the context, cluster and user in the printed kubeconfig. @defaultValue the --context name */
  readonly name?: string | undefined;
  /** API server URL as the leader's watcher and replicators reach it. @defaultValue the kubeconfig's server */
  readonly server?: string | undefined;
  /** How long to wait for the token controller. */
  readonly waitMs: number;
}

export interface MemberKubeconfig {
  readonly context: string;
  readonly secret: string;
  /** Whether this run created the token Secret (false: it existed). */
  readonly created: boolean;
  /** The kubeconfig YAML (holds the token). */
  readonly kubeconfig: string;
}

const statusOf = (err: unknown): number | undefined => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
};

/** An API failure as a message without the response body (a Secret's body would hold the token). */
function apiFailure(what: string, context: string, err: unknown): CliError {
  const status = statusOf(err);
  return new CliError(`${what} in context "${context}" failed${status ? ` (HTTP ${status})` : `: ${(err as Error).name ?? 'error'}`}`);
}

function tokenSecret(name: string, serviceAccount: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, annotations: { 'kubernetes.io/service-account.name': serviceAccount }, labels: { 'app.kubernetes.io/part-of': 'amko-federation' } },
    type: SERVICE_ACCOUNT_TOKEN_TYPE,
  };
}

/** The cluster's CA as base64: from the token Secret, else from the kubeconfig. */
function certificateAuthority(secret: V1Secret, kubeConfig: KubeConfig): { 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean } {
  const fromSecret = secret.data?.['ca.crt'];
  if (fromSecret && Buffer.from(fromSecret, 'base64').length > 0) return { 'certificate-authority-data': fromSecret };
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster?.caData) return { 'certificate-authority-data': cluster.caData };
  if (cluster?.caFile) return { 'certificate-authority-data': readFileSync(cluster.caFile).toString('base64') };
  return cluster?.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {};
}

export async function memberKubeconfig(
  context: string,
  kubeConfig: KubeConfig,
  options: MemberKubeconfigOptions,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<MemberKubeconfig> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const { namespace, serviceAccount } = options;
  const secretName = `${serviceAccount}-token`;
  try {
    await core.readNamespacedServiceAccount({ namespace, name: serviceAccount });
  } catch (err) {
    if (statusOf(err) === 404) {
      throw new CliError(
        `ServiceAccount ${namespace}/${serviceAccount} does not exist in context "${context}": install the member RBAC there first ` +
          '(helm install … --set member.rbac.create=true, or kubectl apply -f deploy/member-rbac/member-rbac.yaml)',
        EXIT_USAGE,
      );
    }
    throw apiFailure(`reading ServiceAccount ${namespace}/${serviceAccount}`, context, err);
  }

  let created = true;
  try {
    await core.createNamespacedSecret({ namespace, body: tokenSecret(secretName, serviceAccount) });
  } catch (err) {
    if (statusOf(err) !== 409) throw apiFailure(`creating Secret ${namespace}/${secretName}`, context, err);
    created = false;
  }

  const deadline = Date.now() + options.waitMs;
  for (;;) {
    let secret: V1Secret;
    try {
      secret = await core.readNamespacedSecret({ namespace, name: secretName });
    } catch (err) {
      throw apiFailure(`reading Secret ${namespace}/${secretName}`, context, err);
    }
    if (secret.type !== SERVICE_ACCOUNT_TOKEN_TYPE || secret.metadata?.annotations?.['kubernetes.io/service-account.name'] !== serviceAccount) {
      throw new CliError(`Secret ${namespace}/${secretName} in context "${context}" exists but is not the token Secret of ServiceAccount ${serviceAccount}; delete or rename it`);
    }
    const token = secret.data?.['token'];
    if (token) {
      const name = options.name ?? context;
      const server = options.server ?? kubeConfig.getCurrentCluster()?.server;
      if (!server) throw new CliError(`context "${context}" names no API server; pass --server URL`, EXIT_USAGE);
      const kubeconfig = stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name, cluster: { server, ...certificateAuthority(secret, kubeConfig) } }],
        users: [{ name, user: { token: Buffer.from(token, 'base64').toString('utf8') } }],
        contexts: [{ name, context: { cluster: name, user: name, namespace } }],
      });
      return { context, secret: `${namespace}/${secretName}`, created, kubeconfig };
    }
    if (Date.now() >= deadline) {
      throw new CliError(
        `the token controller of context "${context}" did not fill Secret ${namespace}/${secretName} within ${options.waitMs} ms; ` +
          'check that the ServiceAccount exists and that legacy token Secrets are not disabled (LegacyServiceAccountTokenCleanUp may delete unused ones)',
      );
    }
    await wait(250);
  }
}
