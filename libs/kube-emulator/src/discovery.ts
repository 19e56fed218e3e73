/**
 * API discovery documents: plain (`/api`, `/api/v1`, `/apis`, `/apis/{g}`, `/apis/{g}/{v}`) and
 * aggregated (`APIGroupDiscoveryList`, apidiscovery.k8s.io/v2 and v2beta1) built from the registry.
 */
import type { Registry } from './registry.ts';
import type { ResourceType } from './resource-type.ts';

export const aggregatedDiscoveryTypes = {
  v2: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  v2beta1: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
} as const;

/** Which aggregated discovery version the Accept header asks for first, if any. */
export function aggregatedDiscoveryVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (!params.includes('as=APIGroupDiscoveryList') || !params.includes('g=apidiscovery.k8s.io')) continue;
    if (params.includes('v=v2')) return 'v2';
    if (params.includes('v=v2beta1')) return 'v2beta1';
  }
  return undefined;
}

function verbsOf(rt: ResourceType): string[] {
  if (rt.plural === 'namespaces' && rt.group === '') return ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
  return ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
}

function subresourcesOf(rt: ResourceType): string[] {
  return [...(rt.statusSubresource ? ['status'] : []), ...rt.extraSubresources];
}

const subresourceVerbs = (sub: string): string[] => (sub === 'finalize' ? ['update'] : ['get', 'patch', 'update']);

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(registry: Registry, group: string): unknown {
  const versions = registry.versionsOf(group).map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: Registry): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().filter((g) => g !== '').map((g) => groupEntry(registry, g)) };
}

export function apiGroup(registry: Registry, group: string): unknown {
  return { kind: 'APIGroup', apiVersion: 'v1', ...(groupEntry(registry, group) as object) };
}

export function apiResourceList(registry: Registry, group: string, version: string): unknown {
  const resources: unknown[] = [];
  for (const rt of registry.resourcesOf(group, version)) {
    resources.push({
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: verbsOf(rt),
      ...(rt.shortNames.length > 0 ? { shortNames: [...rt.shortNames] } : {}),
      ...(rt.categories.length > 0 ? { categories: [...rt.categories] } : {}),
    });
    for (const sub of subresourcesOf(rt)) {
      resources.push({ name: `${rt.plural}/${sub}`, singularName: '', namespaced: rt.namespaced, kind: rt.kind, verbs: subresourceVerbs(sub) });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}

/** Aggregated discovery for the core group (`/api`) or for every named group (`/apis`). */
export function aggregatedDiscovery(registry: Registry, legacy: boolean, version: 'v2' | 'v2beta1'): unknown {
  const groups = legacy ? [''] : registry.groups().filter((g) => g !== '');
  const items = groups.map((group) => ({
    metadata: { name: group },
    versions: registry.versionsOf(group).map((v) => ({
      version: v,
      freshness: 'Current',
      resources: registry.resourcesOf(group, v).map((rt) => ({
        resource: rt.plural,
        responseKind: { group, version: v, kind: rt.kind },
        scope: rt.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: rt.singular,
        verbs: verbsOf(rt),
        ...(rt.shortNames.length > 0 ? { shortNames: [...rt.shortNames] } : {}),
        ...(rt.categories.length > 0 ? { categories: [...rt.categories] } : {}),
        ...(subresourcesOf(rt).length > 0
          ? {
              subresources: subresourcesOf(rt).map((sub) => ({
                subresource: sub,
                responseKind: { group, version: v, kind: rt.kind },
                verbs: subresourceVerbs(sub),
              })),
            }
          : {}),
      })),
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
