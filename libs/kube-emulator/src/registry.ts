/**
 * The resources a cluster serves: the built-in kinds plus every served version of every
 * established CRD. Discovery, OpenAPI and routing read it; CRD writes change it.
 */
import type { ResourceType } from './resource-type.ts';

const versionPattern = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Kubernetes version priority: v1 > v1beta2 > v1beta1 > v1alpha1, then others alphabetically. */
export function compareKubeVersions(a: string, b: string): number {
  const ma = versionPattern.exec(a);
  const mb = versionPattern.exec(b);
  if (!ma || !mb) return ma ? -1 : mb ? 1 : a.localeCompare(b);
  const stage = (m: RegExpExecArray): number => (m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1);
  if (stage(ma) !== stage(mb)) return stage(mb) - stage(ma);
  if (Number(ma[1]) !== Number(mb[1])) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

const gvrKey = (group: string, version: string, plural: string): string => `${group}/${version}/${plural}`;

export class Registry {
  readonly #builtins: readonly ResourceType[];
  readonly #byCrd = new Map<string, readonly ResourceType[]>();
  #byGvr = new Map<string, ResourceType>();
  #generation = 0;

  constructor(builtins: readonly ResourceType[]) {
    this.#builtins = builtins;
    this.#rebuild();
  }

  /** Changes whenever the set of served resources changes (for caches of derived documents). */
  get generation(): number {
    return this.#generation;
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.#byGvr.get(gvrKey(group, version, plural));
  }

  all(): ResourceType[] {
    return [...this.#byGvr.values()];
  }

  /** API groups: core (`""`) and built-in groups first, then custom groups alphabetically. */
  groups(): string[] {
    const builtin = [...new Set(this.#builtins.map((r) => r.group))];
    const custom = [...new Set([...this.#byCrd.values()].flat().map((r) => r.group))].filter((g) => !builtin.includes(g)).sort();
    return [...builtin, ...custom];
  }

  /** Served versions of a group, preferred first. */
  versionsOf(group: string): string[] {
    const versions = new Set<string>();
    for (const rt of this.#byGvr.values()) if (rt.group === group) versions.add(rt.version);
    return [...versions].sort(compareKubeVersions);
  }

  resourcesOf(group: string, version: string): ResourceType[] {
    return this.all()
      .filter((rt) => rt.group === group && rt.version === version)
      .sort((a, b) => a.plural.localeCompare(b.plural));
  }

  /** Every served version of the resource stored under `storageKey`. */
  versionsOfResource(storageKey: string): ResourceType[] {
    return this.all().filter((rt) => rt.storageKey === storageKey);
  }

  /** The types a CRD serves (empty when it is not registered). */
  typesOfCrd(crdName: string): readonly ResourceType[] {
    return this.#byCrd.get(crdName) ?? [];
  }

  /** Registers (or replaces) what a CRD serves. */
  setCrd(crdName: string, types: readonly ResourceType[]): void {
    this.#byCrd.set(crdName, types);
    this.#rebuild();
  }

  removeCrd(crdName: string): void {
    if (this.#byCrd.delete(crdName)) this.#rebuild();
  }

  #rebuild(): void {
    const map = new Map<string, ResourceType>();
    for (const rt of this.#builtins) map.set(gvrKey(rt.group, rt.version, rt.plural), rt);
    for (const types of this.#byCrd.values()) {
      for (const rt of types) {
        const key = gvrKey(rt.group, rt.version, rt.plural);
        if (!map.has(key)) map.set(key, rt);
      }
    }
    this.#byGvr = map;
    this.#generation++;
  }
}
