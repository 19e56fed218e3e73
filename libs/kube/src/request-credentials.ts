/**
 * What a request to one cluster needs from its kubeconfig context: headers (bearer token, basic
 * auth, impersonation) and TLS material (CA, client certificate and key, skip-verify, server name).
 * client-node's KubeConfig does the work through its public `applyToHTTPSOptions` (files, exec
 * plugins, auth providers such as the in-cluster service-account token file). This module only
 * decides how often to ask it:
 *   - a user with an exec plugin or an auth provider: before every request. Those authenticators
 *     cache the credential until it expires (exec) or for 60 s (token file), so asking is cheap,
 *     and a rotated token is used by the next request;
 *   - any other user (token, basic auth or client certificate written in the kubeconfig): once.
 */
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** TLS options for undici's connector (`tls.connect` options). */
export interface TlsMaterial {
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  readonly cert?: string | Buffer | readonly (string | Buffer)[] | undefined;
  readonly key?: RequestOptions['key'];
  readonly pfx?: RequestOptions['pfx'];
  readonly passphrase?: string | undefined;
  readonly rejectUnauthorized?: boolean | undefined;
  readonly servername?: string | undefined;
}

export interface RequestCredentials {
  /** Lower-case header names; may hold a token: never log them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly tls: TlsMaterial;
}

export interface CredentialSource {
  /** True when the user's credentials can change while the process runs (exec plugin, auth provider). */
  readonly rotating: boolean;
  /** The credentials to use now. Rejects when an exec plugin or auth provider fails. */
  current(): Promise<RequestCredentials>;
}

function headerText(value: number | string | readonly string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

async function readCredentials(kubeConfig: KubeConfig): Promise<RequestCredentials> {
  const options: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) headers[name.toLowerCase()] = text;
  }
  // client-node's API clients send the bearer token when a user has both
  if (options.auth && headers['authorization'] === undefined) headers['authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  const tls: TlsMaterial = {
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    pfx: options.pfx,
    passphrase: options.passphrase,
    rejectUnauthorized: options.rejectUnauthorized,
    servername: options.servername,
  };
  return { headers, tls };
}

export function createCredentialSource(kubeConfig: KubeConfig): CredentialSource {
  const user = kubeConfig.getCurrentUser();
  const rotating = Boolean(user?.exec || user?.authProvider);
  let fixed: Promise<RequestCredentials> | undefined;
  return {
    rotating,
    current() {
      if (rotating) return readCredentials(kubeConfig);
      fixed ??= readCredentials(kubeConfig).catch((err: unknown) => {
        fixed = undefined; // e.g. an unreadable certificate file: try again next time
        throw err;
      });
      return fixed;
    },
  };
}

/** Credentials that never change (read from the kubeconfig once). */
export function fixedCredentials(credentials: RequestCredentials): CredentialSource {
  const current = Promise.resolve(credentials);
  return { rotating: false, current: () => current };
}

type TlsValue = TlsMaterial[keyof TlsMaterial];

const TLS_KEYS: readonly (keyof TlsMaterial)[] = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'];

function sameValue(a: TlsValue, b: TlsValue): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item as TlsValue, b[i] as TlsValue));
  return false;
}

/** Whether two TLS materials build the same connections (an exec plugin may rotate the client certificate). */
export function sameTls(a: TlsMaterial, b: TlsMaterial): boolean {
  return TLS_KEYS.every((key) => sameValue(a[key], b[key]));
}
