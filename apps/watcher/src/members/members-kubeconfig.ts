/**
 * Where the members kubeconfig comes from, read again on every member check so that an edited
 * gslb-config-secret takes effect without a restart:
 *  1. `GSLB_CONFIG_FILE` (the secret mounted as a volume),
 *  2. `GSLB_CONFIG` (AMKO's way: the secret's `gslb-members` key injected as an environment variable),
 *  3. otherwise the `gslb-config-secret` Secret itself (key `gslb-members`) in the pod's namespace.
 * The text is never logged.
 */
import { KubeconfigSourceKind, memberContextsInitFailedMessage, type KubeconfigSource } from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import { readGslbConfig } from '@amko-fed/service';

export const GSLB_CONFIG_SECRET = 'gslb-config-secret';
export const GSLB_MEMBERS_KEY = 'gslb-members';

export type MembersKubeconfig =
  /**
   * `text` undefined: no kubeconfig configured (AMKO's "error in fetching the GSLB_CONFIG env
   * variable…"). `source` is where the text was read from, for messages about it.
   */
  | { readonly ok: true; readonly text: string | undefined; readonly source: KubeconfigSource }
  | { readonly ok: false; readonly reason: string };

export interface MembersKubeconfigSource {
  read(): Promise<MembersKubeconfig>;
}

export function createMembersKubeconfigSource(options: {
  readonly inline: string | undefined;
  readonly file: string | undefined;
  readonly local: ClusterClient;
  readonly namespace: string;
}): MembersKubeconfigSource {
  return {
    async read() {
      if (options.file !== undefined || options.inline !== undefined) {
        // readGslbConfig reads the file when one is named, else takes the variable.
        const source: KubeconfigSource =
          options.file !== undefined ? { kind: KubeconfigSourceKind.File, path: options.file } : { kind: KubeconfigSourceKind.Env };
        try {
          return { ok: true, text: await readGslbConfig({ inline: options.inline, file: options.file }), source };
        } catch (err) {
          return { ok: false, reason: memberContextsInitFailedMessage(err instanceof Error ? err.message : 'cannot read GSLB_CONFIG_FILE') };
        }
      }
      const source: KubeconfigSource = { kind: KubeconfigSourceKind.Secret, namespace: options.namespace, name: GSLB_CONFIG_SECRET, key: GSLB_MEMBERS_KEY };
      try {
        const secret = await options.local.getSecret(options.namespace, GSLB_CONFIG_SECRET);
        const encoded = secret?.data?.[GSLB_MEMBERS_KEY];
        return { ok: true, text: encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8'), source };
      } catch (err) {
        const cause = err instanceof Error ? err.message : 'request failed';
        return { ok: false, reason: memberContextsInitFailedMessage(`cannot read secret ${options.namespace}/${GSLB_CONFIG_SECRET}: ${cause}`) };
      }
    },
  };
}
