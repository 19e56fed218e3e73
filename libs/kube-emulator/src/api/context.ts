/** What every API operation needs: the store, the registry, a clock, ids and the lifecycle hooks. */
import type { Registry } from '../registry.ts';
import type { Store } from '../store.ts';
import type { ResourceType } from '../resource-type.ts';
import type { KubeObject } from '../object.ts';

export interface ApiContext {
  readonly store: Store;
  readonly registry: Registry;
  readonly now: () => Date;
  readonly newUid: () => string;
  readonly random: () => number;
  /** Runs work after the current request (namespace termination). */
  readonly defer: (work: () => void) => void;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  readonly dryRun: boolean;
  /** `fieldManager` query parameter, else the user agent's program name. */
  readonly fieldManager: string;
  /** Whether `fieldManager` was given explicitly (server-side apply requires it). */
  readonly fieldManagerGiven: boolean;
  readonly fieldValidation: FieldValidation;
  /** Server-side apply `force`. */
  readonly force: boolean;
}

export interface WriteResult {
  readonly object: KubeObject;
  readonly warnings: readonly string[];
  /** True when a create happened (201). */
  readonly created: boolean;
}

/** A built-in resource type the registry always has. */
export function builtinType(ctx: Pick<ApiContext, 'registry'>, group: string, plural: string): ResourceType {
  const rt = ctx.registry.lookup(group, 'v1', plural);
  if (!rt) throw new Error(`built-in resource ${plural}.${group} is not registered`);
  return rt;
}

export const namespaceStorageKey = '/namespaces';
export const crdStorageKey = 'apiextensions.k8s.io/customresourcedefinitions';
