/** What the server knows about one served resource (a built-in kind or one version of a CRD). */
import type { ServedResource } from './pure/index.ts';
import type { KubeObject } from './object.ts';

/** Kind-specific rules for built-in kinds (custom resources use the defaults). */
export interface KindRules {
  /** Tracks `metadata.generation` (custom resources do; Secrets and Namespaces do not). */
  readonly generation: boolean;
  /** A PUT without `metadata.resourceVersion` is allowed (not for custom resources). */
  readonly allowUnconditionalUpdate: boolean;
  /** A PUT on a missing object creates it (Leases). */
  readonly allowCreateOnUpdate: boolean;
  /** Accepts `application/strategic-merge-patch+json` (built-in kinds only). */
  readonly strategicMergePatch: boolean;
  /** Fields usable in field selectors besides metadata.name and metadata.namespace. */
  readonly selectableFields: Readonly<Record<string, (obj: KubeObject) => string>>;
  /**
   * Fixes up an object about to be stored (defaults, write-only fields, kind-specific checks that
   * throw ApiError); may return a new object.
   */
  readonly normalize?: (obj: KubeObject, old: KubeObject | undefined, now: Date) => KubeObject;
  /** Names must be DNS-1123 labels (namespaces) rather than subdomains. */
  readonly dnsLabelNames?: boolean;
}

export interface ResourceType extends ServedResource {
  /** True for the kinds the emulator knows by itself. */
  readonly builtin: boolean;
  /** Storage key shared by every version of the resource: `<group>/<plural>`. */
  readonly storageKey: string;
  /** `<group>/<version>` or `v1` for core. */
  readonly apiVersion: string;
  /** Subresources served besides `status` (e.g. Namespace `finalize`). */
  readonly extraSubresources: readonly string[];
  readonly rules: KindRules;
  /** Name of the CRD that serves it (custom resources only). */
  readonly crdName: string | undefined;
}

export const customResourceRules: KindRules = {
  generation: true,
  allowUnconditionalUpdate: false,
  allowCreateOnUpdate: false,
  strategicMergePatch: false,
  selectableFields: {},
};

export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** The resource type for one served version of a CRD. */
export function customResourceType(served: ServedResource, crdName: string): ResourceType {
  return {
    ...served,
    builtin: false,
    storageKey: `${served.group}/${served.plural}`,
    apiVersion: apiVersionOf(served.group, served.version),
    extraSubresources: [],
    rules: customResourceRules,
    crdName,
  };
}
