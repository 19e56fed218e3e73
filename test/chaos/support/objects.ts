/**
 * The objects the chaos suite federates, as the federation really carries them: the GSLBConfig and
 * the GlobalDeploymentPolicy (singletons in avi-system) and many GSLBHostRules (opt-in kind). Every
 * write gives the object a higher value of its counter field (GSLBConfig `refreshInterval`, GDP and
 * GSLBHostRule `ttl`), so a follower that ever shows a lower value than it showed before has
 * regressed.
 */
import { amkoPath, AVI_SYSTEM } from '@amko-fed/testing';

export const KindName = { GSLBConfig: 'GSLBConfig', GDP: 'GlobalDeploymentPolicy', GSLBHostRule: 'GSLBHostRule' } as const;
export type KindName = (typeof KindName)[keyof typeof KindName];

export interface ChaosKind {
  readonly kind: KindName;
  readonly version: string;
  readonly plural: string;
  /** The emulator's storage key of the resource (`<group>/<plural>`). */
  readonly storageKey: string;
  /** The spec field that carries the object's counter. */
  readonly counterField: 'refreshInterval' | 'ttl';
}

const kind = (name: KindName, version: string, plural: string, counterField: ChaosKind['counterField']): ChaosKind => ({
  kind: name,
  version,
  plural,
  storageKey: `amko.vmware.com/${plural}`,
  counterField,
});

export const GC = kind(KindName.GSLBConfig, 'v1alpha1', 'gslbconfigs', 'refreshInterval');
export const GDP = kind(KindName.GDP, 'v1alpha2', 'globaldeploymentpolicies', 'ttl');
export const GHR = kind(KindName.GSLBHostRule, 'v1alpha1', 'gslbhostrules', 'ttl');
export const CHAOS_KINDS: readonly ChaosKind[] = [GC, GDP, GHR];

/** The watcher's FEDERATED_KINDS for the suite: GSLBHostRule federation enabled. */
export const FEDERATED_KINDS = 'GSLBConfig,GlobalDeploymentPolicy,GSLBHostRule';

export const GC_NAME = 'gc-1';
export const GDP_NAME = 'global-gdp';

/** `GSLBHostRule/rule-007`: how objects are named in reports. */
export const objectId = (k: ChaosKind, name: string): string => `${k.kind}/${name}`;

export const collectionPath = (k: ChaosKind): string => amkoPath(k.version, k.plural, AVI_SYSTEM);
export const objectPath = (k: ChaosKind, name: string): string => amkoPath(k.version, k.plural, AVI_SYSTEM, name);

/** The counter of a stored object (undefined when it has none). */
export function counterOf(k: ChaosKind, object: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const value = (object?.['spec'] as Record<string, unknown> | undefined)?.[k.counterField];
  return typeof value === 'number' ? value : undefined;
}

/** A valid body of `name` with counter `value` (the bodies of test/e2e/support.ts). */
export function bodyOf(k: ChaosKind, name: string, value: number): Record<string, unknown> {
  const metadata = { name, namespace: AVI_SYSTEM };
  switch (k.kind) {
    case KindName.GSLBConfig:
      return {
        apiVersion: 'amko.vmware.com/v1alpha1',
        kind: 'GSLBConfig',
        metadata: { ...metadata, annotations: { 'amko.vmware.com/amko-uuid': '3e328a5c-a717-11ed-a422-0a580a80025b' } },
        spec: { gslbLeader: { credentials: 'gslb-avi-secret', controllerVersion: '22.1.3', controllerIP: '10.10.10.1' }, memberClusters: [{ clusterContext: 'leader' }], refreshInterval: value, logLevel: 'INFO' },
      };
    case KindName.GDP:
      return {
        apiVersion: 'amko.vmware.com/v1alpha2',
        kind: 'GlobalDeploymentPolicy',
        metadata,
        spec: { matchRules: { appSelector: { label: { app: 'gslb' } } }, matchClusters: [{ cluster: 'leader' }], ttl: value },
      };
    case KindName.GSLBHostRule:
      return {
        apiVersion: 'amko.vmware.com/v1alpha1',
        kind: 'GSLBHostRule',
        metadata,
        spec: { fqdn: `${name}.gslb.example.com`, ttl: value, sitePersistence: { enabled: false }, healthMonitorRefs: ['hm-1'] },
      };
    default: {
      const _exhaustive: never = k.kind;
      throw new Error(`unknown kind ${String(_exhaustive)}`);
    }
  }
}

/** The merge patch that sets the counter to `value`. */
export const counterPatch = (k: ChaosKind, value: number): Record<string, unknown> => ({ spec: { [k.counterField]: value } });
