/**
 * The body of `POST /replay` (zod at the boundary). Every problem names the field and the fix.
 *
 *   {}                                   re-drive every failed job of every follower
 *   { cluster }                          … of one follower
 *   { kind } / { objectKey }             … of one kind (kubectl names: gc, gdp, ghr, gslbconfigs…) / one object
 *   { cluster, allObjects: true }        enqueue every projection object and tombstone to that follower
 *   { cluster, allObjects: true, kind }  … of one kind
 */
import { isValidClusterName, parseObjectKey, resolveFederatedKind, type FederatedKind, type ObjectKey } from '@amko-fed/domain';
import { z } from 'zod';

export interface ReplayRequest {
  readonly cluster: string | undefined;
  readonly kind: FederatedKind | undefined;
  readonly objectKey: ObjectKey | undefined;
  readonly allObjects: boolean;
}

export type ReplayRequestParse = { readonly ok: true; readonly request: ReplayRequest } | { readonly ok: false; readonly problems: string[] };

const KIND_NAMES = 'GSLBConfig (gc), GlobalDeploymentPolicy (gdp), GSLBHostRule (ghr)';

const bodySchema = z.strictObject(
  {
    cluster: z
      .string({ error: 'must be a string (a follower context name)' })
      .refine(isValidClusterName, { message: 'is not a valid cluster (context) name (non-empty, no control characters, at most 1024 characters)' })
      .optional(),
    kind: z
      .string({ error: 'must be a string' })
      .transform((value, ctx) => {
        const kind = resolveFederatedKind(value);
        if (kind === undefined) {
          ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value.slice(0, 64))} is not a federated kind; use ${KIND_NAMES}` });
          return z.NEVER;
        }
        return kind;
      })
      .optional(),
    objectKey: z
      .string({ error: 'must be a string' })
      .refine((value) => parseObjectKey(value) !== undefined, {
        message: 'must be <Kind>/<namespace>/<name>, e.g. GSLBConfig/avi-system/gc-1',
      })
      .transform((value) => value as ObjectKey)
      .optional(),
    allObjects: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}; use cluster, kind, objectKey, allObjects` : 'must be a JSON object') },
);

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `body: ${issue.message}`;
  const field = issue.path.map(String).join('.') || 'body';
  return `${field}: ${issue.message}`;
}

/** Parses and cross-checks a request body (undefined for an empty body means `{}`). */
export function parseReplayRequest(body: unknown): ReplayRequestParse {
  const parsed = bodySchema.safeParse(body ?? {});
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map(describe) };
  const { cluster, kind, objectKey, allObjects = false } = parsed.data;
  const problems: string[] = [];
  if (allObjects && cluster === undefined) problems.push('cluster: is required with allObjects (re-drive one follower at a time)');
  if (kind !== undefined && objectKey !== undefined && parseObjectKey(objectKey)?.kind !== kind) {
    problems.push(`kind: ${kind} does not match objectKey ${objectKey}; give one of them`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, request: { cluster, kind, objectKey, allObjects } };
}
