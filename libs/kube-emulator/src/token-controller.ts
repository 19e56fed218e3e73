/**
 * The token controller of a real API server, for legacy ServiceAccount token Secrets: a Secret of
 * type `kubernetes.io/service-account-token` whose annotation `kubernetes.io/service-account.name`
 * names an existing ServiceAccount of its namespace gets `data.token`, `data["ca.crt"]` and
 * `data.namespace`, and the token authenticates as `system:serviceaccount:<ns>:<name>` from then on.
 * A Secret whose ServiceAccount does not exist yet is filled when the ServiceAccount is created.
 * The emulator serves no RBAC objects, so such a token may do what the emulator's admin may.
 */
import { randomBytes } from 'node:crypto';
import { builtinType, type ApiContext } from './api/context.ts';
import { updateObject } from './api/update.ts';
import type { Authenticator } from './auth.ts';
import type { KubeObject } from './object.ts';

export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const SA_NAME = 'kubernetes.io/service-account.name';
const SA_UID = 'kubernetes.io/service-account.uid';
const writeOptions = { dryRun: false, fieldManager: 'token-controller', fieldManagerGiven: true, fieldValidation: 'Ignore', force: false } as const;

const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** Needs a token: the right type, a ServiceAccount named, no token yet. */
function pendingServiceAccount(secret: KubeObject): string | undefined {
  if (secret['type'] !== SERVICE_ACCOUNT_TOKEN_TYPE) return undefined;
  const data = secret['data'] as Record<string, unknown> | undefined;
  if (typeof data?.['token'] === 'string' && data['token'] !== '') return undefined;
  const name = secret.metadata.annotations?.[SA_NAME];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Starts filling token Secrets; returns the function that stops it. */
export function startTokenController(api: ApiContext, auth: Authenticator, caPem: string | undefined): () => void {
  const secrets = builtinType(api, '', 'secrets');
  const serviceAccounts = builtinType(api, '', 'serviceaccounts');

  const fill = (secret: KubeObject): void => {
    const saName = pendingServiceAccount(secret);
    const namespace = secret.metadata.namespace ?? '';
    const name = secret.metadata.name ?? '';
    if (saName === undefined) return;
    const serviceAccount = api.store.get(serviceAccounts.storageKey, namespace, saName);
    if (!serviceAccount) return;
    const current = api.store.get(secrets.storageKey, namespace, name);
    if (!current || pendingServiceAccount(current) === undefined) return;
    const token = `emu-sa-${randomBytes(24).toString('hex')}`;
    const filled: KubeObject = {
      ...current,
      metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, [SA_UID]: serviceAccount.metadata.uid ?? '' } },
      data: { ...(current['data'] as Record<string, string> | undefined), token: b64(token), 'ca.crt': b64(caPem ?? ''), namespace: b64(namespace) },
    };
    try {
      updateObject(api, secrets, namespace, name, undefined, filled, writeOptions);
      auth.add({ token, user: `system:serviceaccount:${namespace}:${saName}` });
    } catch {
      // Changed or deleted meanwhile: the event of that change brings it back here if still pending.
    }
  };

  const unsubscribeSecrets = api.store.subscribe({
    resource: secrets.storageKey,
    onEvent: (event) => {
      if (event.type !== 'DELETED' && pendingServiceAccount(event.object) !== undefined) api.defer(() => fill(event.object));
    },
  });
  const unsubscribeAccounts = api.store.subscribe({
    resource: serviceAccounts.storageKey,
    onEvent: (event) => {
      if (event.type !== 'ADDED') return;
      const namespace = event.object.metadata.namespace ?? '';
      for (const secret of api.store.list(secrets.storageKey, namespace)) {
        if (pendingServiceAccount(secret) === event.object.metadata.name) api.defer(() => fill(secret));
      }
    },
  });
  return () => {
    unsubscribeSecrets();
    unsubscribeAccounts();
  };
}
