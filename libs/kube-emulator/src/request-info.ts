/**
 * Splits a request path into what the API server needs to route it, following the upstream
 * RequestInfoFactory: `/api/v1/...` and `/apis/{group}/{version}/...`, an optional
 * `namespaces/{ns}` prefix, then `{plural}[/{name}[/{subresource}]]`.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const allVerbs: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface ResourceRequestInfo {
  readonly type: 'resource';
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  /** Namespace from the URL; undefined for cluster-scoped paths and all-namespaces lists. */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  readonly verb: Verb;
}

export interface GroupVersionRequestInfo {
  /** `/api`, `/apis`, `/apis/{group}` or `/apis/{group}/{version}` (discovery). */
  readonly type: 'discovery';
  readonly group: string | undefined;
  readonly version: string | undefined;
  readonly legacy: boolean;
}

export interface NonResourceRequestInfo {
  readonly type: 'nonResource';
  readonly path: string;
}

export type RequestInfo = ResourceRequestInfo | GroupVersionRequestInfo | NonResourceRequestInfo;

const namespaceSubresources = new Set(['status', 'finalize']);

function verbOf(method: string, hasName: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (hasName) return 'get';
      return watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/** Parses a request path (without the query) and method into request info. */
export function requestInfoOf(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  const legacy = parts[0] === 'api';
  if (!legacy && parts[0] !== 'apis') return { type: 'nonResource', path: pathname };
  let rest: string[];
  let group: string;
  let version: string | undefined;
  if (legacy) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
    if (version === undefined) return { type: 'discovery', group: undefined, version: undefined, legacy };
  } else {
    const g = parts[1];
    version = parts[2];
    if (g === undefined || version === undefined) return { type: 'discovery', group: g, version: undefined, legacy };
    group = g;
    rest = parts.slice(3);
  }
  if (rest.length === 0) return { type: 'discovery', group, version, legacy };

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2] ?? '')) rest = rest.slice(2);
  }
  const plural = rest[0] ?? '';
  let name = rest[1];
  const subresource = rest[2];
  if (plural === 'namespaces' && rest.length <= 3) {
    // `/api/v1/namespaces/{name}[/status|finalize]`: the namespace is the object itself.
    name = rest[1];
    namespace = undefined;
  }
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  const verb = verbOf(method, name !== undefined, watch);
  if (verb === undefined || rest.length > 3) return { type: 'nonResource', path: pathname };
  return { type: 'resource', group, version, plural, namespace, name, subresource, verb };
}
