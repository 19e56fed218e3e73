/**
 * Member cluster initialisation (reference §3): the federation set is `spec.clusters` minus this
 * cluster's own context (deliberate difference from AMKO: it is ignored when present and not
 * required), de-duplicated in order, each resolved to its kubeconfig context.
 *
 * A federation set with no member (`spec.clusters` missing, empty, or only this cluster) is a hard
 * failure too, reported before the kubeconfig is looked at: AMKO fails member initialisation for it
 * as well, and a leader that federates to nobody must say so instead of `all cluster clients fetched`.
 *
 * Like AMKO, a member whose context cannot be resolved is a HARD failure of the whole pass, not a
 * skip: a wrong gslb-config-secret is a configuration error that must be seen, and federating to a
 * subset would silently leave a member behind (§9: "nothing is federated in these cases"). The
 * reason is AMKO's exact message for the first failing member; `missing` lists every member whose
 * context does not exist, for the operator. The watcher retries the pass (it re-reads the secret).
 *
 * Beyond "context does not exist" (client-go's text, as AMKO reports it), a context whose cluster
 * or user entry is missing or whose cluster has no server cannot give a client either; these are
 * reported in the same hard-failure envelope, worded after client-go's validation but naming only
 * the context (from the AMKOCluster spec, public), never a string taken from the kubeconfig: a
 * mis-pasted credential in a `user:` or `cluster:` field must not end up in the status.
 */
import { z } from 'zod';
import {
  buildContextConfigFailedMessage,
  contextDoesNotExistMessage,
  GSLB_CONFIG_MISSING_MESSAGE,
  memberContextsInitFailedMessage,
  noMemberClustersMessage,
} from './amko-messages.ts';
import { clusterNameProblem } from './cluster-name.ts';
import { KubeconfigSourceKind, membersKubeconfigLabel, readKubeconfig, type Kubeconfig, type KubeconfigSource } from './kubeconfig.ts';
import { parseWith } from './schemas/parse-result.ts';

/** What the kube adapter needs to build a client for one member (no credentials). */
export interface MemberCluster {
  /** The member's name: its kubeconfig context name, as listed in `spec.clusters`. */
  readonly name: string;
  readonly contextName: string;
  readonly clusterName: string;
  readonly server: string;
  readonly userName: string;
  /** The context's default namespace, when it sets one. */
  readonly namespace: string | undefined;
}

export const MemberInitOutcome = { Initialised: 'initialised', Failed: 'failed' } as const;
export type MemberInitOutcome = (typeof MemberInitOutcome)[keyof typeof MemberInitOutcome];

export type MemberInitialisation =
  /** Every member resolved; `members` is never empty. */
  | { readonly outcome: typeof MemberInitOutcome.Initialised; readonly members: readonly MemberCluster[]; readonly missing: readonly [] }
  /** Hard failure: status `member cluster clients invalid` + `reason`; nothing is federated. */
  | {
      readonly outcome: typeof MemberInitOutcome.Failed;
      readonly reason: string;
      /** Members that did resolve (for display only). */
      readonly members: readonly MemberCluster[];
      /** Every member whose context does not exist in the kubeconfig. */
      readonly missing: readonly string[];
    };

const specInputSchema = z.looseObject({ clusterContext: z.string().optional(), clusters: z.array(z.string()).optional() });

/** `spec.clusters` minus `clusterContext`, first occurrence kept. */
export function memberNames(spec: { readonly clusterContext?: string | undefined; readonly clusters?: readonly string[] | undefined }): string[] {
  const seen = new Set<string>();
  for (const name of spec.clusters ?? []) if (name !== spec.clusterContext) seen.add(name);
  return [...seen];
}

type Resolution = { readonly ok: true; readonly member: MemberCluster } | { readonly ok: false; readonly missing: boolean; readonly cause: string };

function resolveContext(kubeconfig: Kubeconfig, name: string): Resolution {
  // Any context name works (ADR 0010) except what no queue or key can carry: say so, not skip it.
  const nameProblem = name === '' ? undefined : clusterNameProblem(name);
  if (nameProblem !== undefined) {
    return { ok: false, missing: false, cause: `the context name ${nameProblem}; rename the context in the gslb-config-secret kubeconfig and in AMKOCluster spec.clusters` };
  }
  const context = (kubeconfig.contexts ?? []).find((c) => c.name === name);
  if (context === undefined || name === '') return { ok: false, missing: true, cause: contextDoesNotExistMessage(name) };
  const ctx = JSON.stringify(name);
  const problems: string[] = [];
  const clusterName = context.context?.cluster ?? '';
  const userName = context.context?.user ?? '';
  if (userName === '') problems.push(`user was not specified for context ${ctx}`);
  else if (!(kubeconfig.users ?? []).some((u) => u.name === userName)) problems.push(`the user of context ${ctx} was not found`);
  let server = '';
  if (clusterName === '') problems.push(`cluster was not specified for context ${ctx}`);
  else {
    const cluster = (kubeconfig.clusters ?? []).find((c) => c.name === clusterName);
    server = cluster?.cluster?.server ?? '';
    if (cluster === undefined) problems.push(`the cluster of context ${ctx} was not found`);
    else if (server === '') problems.push(`no server found for the cluster of context ${ctx}`);
  }
  if (problems.length > 0) {
    const list = problems.length === 1 ? problems.join('') : `[${problems.join(', ')}]`;
    return { ok: false, missing: false, cause: `invalid configuration: ${list}` };
  }
  return { ok: true, member: { name, contextName: name, clusterName, server, userName, namespace: context.context?.namespace } };
}

/**
 * The hard failure of a federation set with no member (`spec.clusters` missing, empty, or only this
 * cluster), or undefined when it has one. No kubeconfig is needed to decide it.
 */
export function noMembersFailure(spec: { readonly clusterContext?: string | undefined; readonly clusters?: readonly string[] | undefined }): MemberInitialisation | undefined {
  if (memberNames(spec).length > 0) return undefined;
  return { outcome: MemberInitOutcome.Failed, reason: memberContextsInitFailedMessage(noMemberClustersMessage(spec.clusterContext)), members: [], missing: [] };
}

/**
 * Resolves the members of a leader's federation set against the members kubeconfig text.
 * Never throws; no message ever contains a credential from the kubeconfig.
 *
 * @param spec the leader's AMKOCluster spec (`clusterContext`, `clusters`).
 * @param kubeconfigText the members kubeconfig; undefined when none is configured.
 * @param source where the text came from (`GSLB_CONFIG`, `GSLB_CONFIG_FILE` or the secret), named in
 *   the reason when the text is empty or malformed. With nothing configured the reason is AMKO's
 *   `error in fetching the GSLB_CONFIG env variable…`, except for an empty file, which is named.
 */
export function initMembers(
  spec: { readonly clusterContext?: string | undefined; readonly clusters?: readonly string[] | undefined },
  kubeconfigText: string | undefined,
  source: KubeconfigSource,
): MemberInitialisation {
  const fail = (reason: string, members: readonly MemberCluster[] = [], missing: readonly string[] = []): MemberInitialisation =>
    ({ outcome: MemberInitOutcome.Failed, reason, members, missing });

  const parsedSpec = parseWith(specInputSchema, spec, 'AMKOCluster spec');
  if (!parsedSpec.ok) return fail(memberContextsInitFailedMessage(parsedSpec.message));
  const names = memberNames(parsedSpec.value);
  const none = noMembersFailure(parsedSpec.value);
  if (none !== undefined) return none;
  if (typeof kubeconfigText !== 'string' || kubeconfigText.trim() === '') {
    return fail(source.kind === KubeconfigSourceKind.File ? memberContextsInitFailedMessage(`${membersKubeconfigLabel(source)} is empty`) : GSLB_CONFIG_MISSING_MESSAGE);
  }
  const read = readKubeconfig(kubeconfigText, source);
  if (!read.ok) return fail(memberContextsInitFailedMessage(read.reason));

  const members: MemberCluster[] = [];
  const missing: string[] = [];
  let firstFailure: string | undefined;
  for (const name of names) {
    const resolved = resolveContext(read.kubeconfig, name);
    if (resolved.ok) {
      members.push(resolved.member);
      continue;
    }
    if (resolved.missing) missing.push(name);
    firstFailure ??= memberContextsInitFailedMessage(buildContextConfigFailedMessage(name, resolved.cause));
  }
  if (firstFailure !== undefined) return fail(firstFailure, members, missing);
  return { outcome: MemberInitOutcome.Initialised, members, missing: [] };
}
