/**
 * Bearer-token authentication and a small RBAC-like authorisation: every token names a user and
 * optionally carries rules (verbs × resources × namespaces); a token without rules may do anything.
 */
import type { ResourceRequestInfo } from './request-info.ts';

export interface PolicyRule {
  /** Verbs allowed (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, or `*`). */
  readonly verbs: readonly string[];
  /** Resources allowed: plurals, `plural/subresource`, or `*`. */
  readonly resources: readonly string[];
  /** Namespaces the rule applies to; omitted means every namespace and cluster-scoped resources. */
  readonly namespaces?: readonly string[];
  /** API groups (`""` for core); omitted means any group. */
  readonly apiGroups?: readonly string[];
  /** Object names; omitted means any name. */
  readonly resourceNames?: readonly string[];
}

export interface TokenSpec {
  readonly token: string;
  /** User name reported in 403 messages and in the request log. @defaultValue "admin" for the first token, else "user-<n>" */
  readonly user?: string;
  /** When given, only these are allowed (403 otherwise); when omitted, everything is. */
  readonly rules?: readonly PolicyRule[];
}

export interface Identity {
  readonly user: string;
  readonly rules: readonly PolicyRule[] | undefined;
}

export class Authenticator {
  readonly #byToken = new Map<string, Identity>();
  readonly #anonymous: Identity | undefined;

  /**
   * `anonymous` is who a request without an `Authorization` header is (undefined: 401). Over plain
   * HTTP kubectl never sends bearer tokens, so HTTP clusters serve such requests as the first
   * token's user, like the API server's old insecure port.
   */
  constructor(tokens: readonly TokenSpec[], anonymous?: 'first-token-user') {
    tokens.forEach((spec, i) => {
      this.#byToken.set(spec.token, { user: spec.user ?? (i === 0 ? 'admin' : `user-${i}`), rules: spec.rules });
    });
    const first = tokens[0];
    this.#anonymous = anonymous && first ? this.#byToken.get(first.token) : undefined;
  }

  /** Accepts one more token from now on (the token controller's ServiceAccount tokens). */
  add(spec: TokenSpec & { readonly user: string }): void {
    this.#byToken.set(spec.token, { user: spec.user, rules: spec.rules });
  }

  /** The identity behind an `Authorization` header, or undefined (401). */
  authenticate(header: string | undefined): Identity | undefined {
    if (!header) return this.#anonymous;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) return undefined;
    return this.#byToken.get(match[1]);
  }
}

const matches = (allowed: readonly string[] | undefined, value: string): boolean =>
  allowed === undefined || allowed.includes('*') || allowed.includes(value);

/** Whether the identity may perform this resource request. */
export function isAllowed(identity: Identity, info: ResourceRequestInfo): boolean {
  if (!identity.rules) return true;
  const resource = info.subresource ? `${info.plural}/${info.subresource}` : info.plural;
  return identity.rules.some(
    (rule) =>
      matches(rule.verbs, info.verb) &&
      (matches(rule.resources, resource) || (info.subresource === undefined ? false : rule.resources.includes(`${info.plural}/*`))) &&
      matches(rule.apiGroups, info.group) &&
      (rule.namespaces === undefined || (info.namespace !== undefined && rule.namespaces.includes(info.namespace))) &&
      (rule.resourceNames === undefined || (info.name !== undefined && rule.resourceNames.includes(info.name))),
  );
}
