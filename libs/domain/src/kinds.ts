/**
 * The AMKO kinds this system reads or federates, with their API coordinates
 * (reference/amko-federator-behaviour.md §0).
 */

export const AMKO_GROUP = 'amko.vmware.com';
export const AVI_SYSTEM_NAMESPACE = 'avi-system';

/** Names of the kinds that can be federated (`FEDERATED_KINDS`). */
export const FederatedKind = {
  GSLBConfig: 'GSLBConfig',
  GlobalDeploymentPolicy: 'GlobalDeploymentPolicy',
  GSLBHostRule: 'GSLBHostRule',
} as const;
export type FederatedKind = (typeof FederatedKind)[keyof typeof FederatedKind];

export interface KindInfo {
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  /** kubectl short name, when the CRD declares one. */
  readonly shortName: string | undefined;
  /**
   * A singleton kind: the follower ends up holding exactly the leader's objects of this kind in
   * avi-system (extra ones are deleted). Non-singletons only ever delete copies we made.
   */
  readonly singleton: boolean;
  /** Federated when `FEDERATED_KINDS` is not set. */
  readonly federatedByDefault: boolean;
  /** Leader-side annotations that are federated along with `spec`. */
  readonly copiedAnnotations: readonly string[];
}

export const AMKO_UUID_ANNOTATION = 'amko.vmware.com/amko-uuid';

export const FEDERATED_KINDS: Readonly<Record<FederatedKind, KindInfo>> = {
  GSLBConfig: {
    kind: 'GSLBConfig', group: AMKO_GROUP, version: 'v1alpha1', plural: 'gslbconfigs', singular: 'gslbconfig',
    shortName: 'gc', singleton: true, federatedByDefault: true, copiedAnnotations: [AMKO_UUID_ANNOTATION],
  },
  GlobalDeploymentPolicy: {
    kind: 'GlobalDeploymentPolicy', group: AMKO_GROUP, version: 'v1alpha2', plural: 'globaldeploymentpolicies',
    singular: 'globaldeploymentpolicy', shortName: 'gdp', singleton: true, federatedByDefault: true,
    copiedAnnotations: [AMKO_UUID_ANNOTATION],
  },
  GSLBHostRule: {
    kind: 'GSLBHostRule', group: AMKO_GROUP, version: 'v1alpha1', plural: 'gslbhostrules', singular: 'gslbhostrule',
    shortName: 'ghr', singleton: false, federatedByDefault: false, copiedAnnotations: [AMKO_UUID_ANNOTATION],
  },
};

export const AMKO_CLUSTER_KIND: KindInfo = {
  kind: 'AMKOCluster', group: AMKO_GROUP, version: 'v1alpha1', plural: 'amkoclusters', singular: 'amkocluster',
  shortName: undefined, singleton: true, federatedByDefault: false, copiedAnnotations: [],
};

export const ALL_FEDERATED_KINDS: readonly FederatedKind[] = Object.values(FederatedKind);
export const DEFAULT_FEDERATED_KINDS: readonly FederatedKind[] = ALL_FEDERATED_KINDS.filter(
  (k) => FEDERATED_KINDS[k].federatedByDefault,
);

export function isFederatedKind(value: string): value is FederatedKind {
  return Object.hasOwn(FEDERATED_KINDS, value);
}

/** `amko.vmware.com/v1alpha2` for a kind. */
export function apiVersionOf(info: KindInfo): string {
  return `${info.group}/${info.version}`;
}

/**
 * Resolves a user-typed kind name as kubectl would: kind, plural, singular or short name,
 * case-insensitive. Returns undefined for an unknown name.
 */
export function resolveFederatedKind(name: string): FederatedKind | undefined {
  const wanted = name.trim().toLowerCase();
  for (const kind of ALL_FEDERATED_KINDS) {
    const info = FEDERATED_KINDS[kind];
    if ([info.kind.toLowerCase(), info.plural, info.singular, info.shortName].includes(wanted)) return kind;
  }
  return undefined;
}
