/**
 * Reading the members kubeconfig (`gslb-config-secret`, key `gslb-members`, env `GSLB_CONFIG`)
 * without ever echoing it: every failure message names where the text came from, a position or a
 * field path and what was expected, never a value. The YAML library's own messages quote the
 * offending source line (which may hold a token), so only its error code and position are used.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { parseWith } from './schemas/parse-result.ts';

const namedClusterSchema = z.looseObject({
  name: z.string(),
  cluster: z.looseObject({ server: z.string().optional() }).nullish(),
});
const namedContextSchema = z.looseObject({
  name: z.string(),
  context: z
    .looseObject({ cluster: z.string().optional(), user: z.string().optional(), namespace: z.string().optional() })
    .nullish(),
});
/** Users are only looked up by name; their credentials are never read here. */
const namedUserSchema = z.looseObject({ name: z.string() });

export const kubeconfigSchema = z.looseObject({
  clusters: z.array(namedClusterSchema).nullish(),
  contexts: z.array(namedContextSchema).nullish(),
  users: z.array(namedUserSchema).nullish(),
  'current-context': z.string().nullish(),
});
export type Kubeconfig = z.infer<typeof kubeconfigSchema>;

export type KubeconfigReadResult =
  | { readonly ok: true; readonly kubeconfig: Kubeconfig }
  | { readonly ok: false; readonly reason: string };

export const KubeconfigSourceKind = { Env: 'env', File: 'file', Secret: 'secret' } as const;
export type KubeconfigSourceKind = (typeof KubeconfigSourceKind)[keyof typeof KubeconfigSourceKind];

/** Where a members kubeconfig text was read from: named in every message about it. */
export type KubeconfigSource =
  /** `GSLB_CONFIG`: the text itself in an environment variable (AMKO's way). */
  | { readonly kind: typeof KubeconfigSourceKind.Env }
  /** `GSLB_CONFIG_FILE`: a file, usually the secret mounted as a volume. */
  | { readonly kind: typeof KubeconfigSourceKind.File; readonly path: string }
  /** A Secret's key read through the API (`avi-system/gslb-config-secret`, key `gslb-members`). */
  | { readonly kind: typeof KubeconfigSourceKind.Secret; readonly namespace: string; readonly name: string; readonly key: string };

/** `GSLB_CONFIG`, `GSLB_CONFIG_FILE <path>` or `secret <namespace>/<name> key <key>` (no content). */
export function describeKubeconfigSource(source: KubeconfigSource): string {
  switch (source.kind) {
    case KubeconfigSourceKind.Env:
      return 'GSLB_CONFIG';
    case KubeconfigSourceKind.File:
      return `GSLB_CONFIG_FILE ${source.path}`;
    case KubeconfigSourceKind.Secret:
      return `secret ${source.namespace}/${source.name} key ${source.key}`;
    default: {
      const _exhaustive: never = source;
      return 'unknown source';
    }
  }
}

/** `members kubeconfig (<source>)`, or without the source when it is not known. */
export function membersKubeconfigLabel(source: KubeconfigSource | undefined): string {
  return source === undefined ? 'members kubeconfig' : `members kubeconfig (${describeKubeconfigSource(source)})`;
}

/**
 * Parses kubeconfig text (YAML or JSON). Never throws; failure reasons carry no secret.
 * @param source where the text came from, named in the failure reasons.
 */
export function readKubeconfig(text: string, source?: KubeconfigSource): KubeconfigReadResult {
  const WHAT = membersKubeconfigLabel(source);
  let data: unknown;
  try {
    const doc = parseDocument(text, { prettyErrors: true });
    const first = doc.errors[0];
    if (first !== undefined) {
      const line = first.linePos?.[0];
      const at = line === undefined ? '' : ` at line ${line.line}, column ${line.col}`;
      return { ok: false, reason: `${WHAT} is not valid YAML: ${first.code}${at}` };
    }
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (_err) {
    // e.g. alias expansion limits; the library's text is not used (it may quote the input).
    return { ok: false, reason: `${WHAT} could not be read as YAML` };
  }
  if (data === null || data === undefined) return { ok: false, reason: `${WHAT} is empty` };
  const parsed = parseWith(kubeconfigSchema, data, WHAT);
  return parsed.ok ? { ok: true, kubeconfig: parsed.value } : { ok: false, reason: parsed.message };
}
