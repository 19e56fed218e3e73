/**
 * An in-memory `ClusterClient` for unit tests of the code that uses one (the replicator's apply,
 * the watcher's glue): objects per kind and namespace with resourceVersion, generation and the
 * API server's answers the callers rely on — 404 on a missing object, 409 on a create of an
 * existing name or a write with a stale resourceVersion, JSON merge patch, `/status` — thrown as
 * the same classified errors (`errorForHttpStatus`) with the same operation wording as the real
 * client. `fail` injects a failure for matching calls. Informers (in-memory-informer.ts) see every
 * write synchronously; `relist` and `breakWatch` simulate a 410 relist and a broken watch. The shared contract suite
 * (cluster-client.contract.ts) runs against this fake and the real client on an emulated cluster.
 */
import { errorForHttpStatus, type AmkoFedError, type KindInfo, type KubeObject } from '@amko-fed/domain';
import type { ClusterClient, ObjectList } from '../cluster-client.ts';
import type { Lease, Secret } from '../core-objects.ts';
import { LIST_PAGE_SIZE } from '../list-pages.ts';
import { createInMemoryInformer, type ChangeType, type InMemoryInformerHandle } from './in-memory-informer.ts';

export type ClientVerb = 'get' | 'list' | 'create' | 'replace' | 'patch' | 'delete' | 'patchStatus';

export interface InMemoryCluster {
  readonly client: ClusterClient;
  /** Makes every matching call fail with `error` (undefined: no failure) until called again. */
  fail(decide: ((verb: ClientVerb, kind: string) => AmkoFedError | undefined) | undefined): void;
  /** Writes (create, replace, patch, delete, patchStatus) made so far, as `<verb> <Kind> <ns>/<name>`. */
  readonly writes: readonly string[];
  /** Stores a Secret (the members kubeconfig, for example). */
  putSecret(secret: Secret): void;
  /**
   * Simulates a relist (after a 410 or a restarted watch) of every started informer, or of those of
   * `kind`: each reports what changed since its cache (onAdd/onUpdate/onDelete), then
   * onSynced({ relist: true }), is healthy again and delivers writes again.
   */
  relist(kind?: KindInfo): void;
  /**
   * Breaks the watch of every started informer of `kind`: each calls onError(error, restartInMs),
   * is unhealthy and misses writes until the next `relist`.
   */
  breakWatch(kind: KindInfo, error: Error): void;
}

const clone = <T>(value: T): T => structuredClone(value);

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return clone(patch);
  const base: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}

export function createInMemoryCluster(options: { readonly context: string; readonly server?: string }): InMemoryCluster {
  const { context } = options;
  const store = new Map<string, KubeObject>();
  const leases = new Map<string, Lease>();
  const secrets = new Map<string, Secret>();
  const writes: string[] = [];
  let resourceVersion = 0;
  let decide: ((verb: ClientVerb, kind: string) => AmkoFedError | undefined) | undefined;
  const informers = new Set<InMemoryInformerHandle>();
  const notify = (type: ChangeType, kind: KindInfo, namespace: string, object: KubeObject): void => {
    for (const informer of [...informers]) {
      if (informer.kind.plural === kind.plural && informer.kind.group === kind.group && informer.namespace === namespace) informer.deliver(type, object);
    }
  };
  const objectsOf = (kind: KindInfo, namespace: string): KubeObject[] =>
    [...store.entries()].filter(([key]) => key.startsWith(`${kind.plural}/${namespace}/`)).map(([, object]) => clone(object));

  const keyOf = (kind: KindInfo | string, namespace: string, name: string): string => `${typeof kind === 'string' ? kind : kind.plural}/${namespace}/${name}`;
  const describe = (verb: string, kind: string, namespace?: string, name?: string): string =>
    `${verb} ${kind}${namespace !== undefined ? ` ${namespace}${name !== undefined ? `/${name}` : ''}` : ''} on ${context}`;
  const httpError = (status: number, operation: string, message: string): AmkoFedError => {
    const error = errorForHttpStatus(status, `${operation}: ${message}`) as AmkoFedError;
    Object.defineProperty(error, 'httpStatus', { value: status, enumerable: true });
    return error;
  };
  const nextVersion = (): string => String((resourceVersion += 1));
  const check = (verb: ClientVerb, kind: string): void => {
    const error = decide?.(verb, kind);
    if (error !== undefined) throw error;
  };

  /** The object without what the server maintains: equal means the write changes nothing. */
  const content = (object: KubeObject | undefined): string => {
    if (object === undefined) return '';
    const { resourceVersion: _rv, generation: _generation, uid: _uid, ...metadata } = object.metadata;
    return JSON.stringify({ ...object, metadata });
  };

  function write(verb: ClientVerb, kind: KindInfo, namespace: string, name: string, object: KubeObject, bumpGeneration: boolean): KubeObject {
    const previous = store.get(keyOf(kind, namespace, name));
    // An API server answers a write that changes nothing with the object as it is (same resourceVersion).
    if (previous !== undefined && content(previous) === content({ ...object, metadata: { ...object.metadata, name, namespace } } as KubeObject)) return clone(previous);
    const generation = previous === undefined ? 1 : (previous.metadata.generation ?? 1) + (bumpGeneration ? 1 : 0);
    const stored = clone({ ...object, metadata: { ...object.metadata, name, namespace, resourceVersion: nextVersion(), generation, uid: previous?.metadata.uid ?? `uid-${resourceVersion}` } }) as KubeObject;
    store.set(keyOf(kind, namespace, name), stored);
    writes.push(`${verb} ${kind.kind} ${namespace}/${name}`);
    notify(previous === undefined ? 'added' : 'modified', kind, namespace, stored);
    return clone(stored);
  }

  const specChanged = (a: KubeObject | undefined, b: KubeObject): boolean =>
    JSON.stringify((a as { spec?: unknown } | undefined)?.spec) !== JSON.stringify((b as { spec?: unknown }).spec);

  const client: ClusterClient = {
    context,
    server: options.server ?? `https://${context}.in-memory`,
    async get(kind, namespace, name) {
      check('get', kind.kind);
      const found = store.get(keyOf(kind, namespace, name));
      return found === undefined ? undefined : clone(found);
    },
    async list(kind, namespace): Promise<ObjectList> {
      check('list', kind.kind);
      const prefix = `${kind.plural}/${namespace === undefined ? '' : `${namespace}/`}`;
      const items = [...store.entries()].filter(([key]) => key.startsWith(prefix)).map(([, object]) => clone(object));
      return { items, resourceVersion: String(resourceVersion) };
    },
    async *listPages(kind, namespace, pageSize = LIST_PAGE_SIZE) {
      const { items } = await client.list(kind, namespace);
      for (let i = 0; i === 0 || i < items.length; i += pageSize) yield items.slice(i, i + pageSize);
    },
    async create(kind, namespace, body) {
      const name = body.metadata.name;
      const operation = describe('create', kind.kind, namespace, name);
      check('create', kind.kind);
      if (store.has(keyOf(kind, namespace, name))) throw httpError(409, operation, `${kind.plural}.${kind.group} "${name}" already exists`);
      return write('create', kind, namespace, name, { ...body, metadata: { ...body.metadata, resourceVersion: undefined } } as KubeObject, false);
    },
    async replace(kind, namespace, name, body) {
      const operation = describe('replace', kind.kind, namespace, name);
      check('replace', kind.kind);
      const current = store.get(keyOf(kind, namespace, name));
      if (current === undefined) throw httpError(404, operation, `${kind.plural}.${kind.group} "${name}" not found`);
      const expected = body.metadata.resourceVersion;
      if (expected !== undefined && expected !== '' && expected !== current.metadata.resourceVersion) {
        throw httpError(409, operation, `Operation cannot be fulfilled on ${kind.plural}.${kind.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      }
      const next = { ...body, status: (current as { status?: unknown }).status } as KubeObject;
      return write('replace', kind, namespace, name, next, specChanged(current, body));
    },
    async mergePatch(kind, namespace, name, patch) {
      const operation = describe('patch', kind.kind, namespace, name);
      check('patch', kind.kind);
      const current = store.get(keyOf(kind, namespace, name));
      if (current === undefined) throw httpError(404, operation, `${kind.plural}.${kind.group} "${name}" not found`);
      const next = mergePatch(current, patch) as KubeObject;
      return write('patch', kind, namespace, name, next, specChanged(current, next));
    },
    async delete(kind, namespace, name, preconditions) {
      const operation = describe('delete', kind.kind, namespace, name);
      check('delete', kind.kind);
      const current = store.get(keyOf(kind, namespace, name));
      if (current === undefined) return false;
      const expected = preconditions?.resourceVersion;
      if (expected !== undefined && expected !== current.metadata.resourceVersion) {
        throw httpError(409, operation, `Operation cannot be fulfilled on ${kind.plural}.${kind.group} "${name}": the ResourceVersion in the precondition (${expected}) does not match the ResourceVersion in record (${current.metadata.resourceVersion ?? ''}). The object might have been modified`);
      }
      store.delete(keyOf(kind, namespace, name));
      writes.push(`delete ${kind.kind} ${namespace}/${name}`);
      notify('deleted', kind, namespace, current);
      return true;
    },
    async patchStatus(kind, namespace, name, status) {
      const operation = describe('patch', `${kind.kind} status`, namespace, name);
      check('patchStatus', kind.kind);
      const current = store.get(keyOf(kind, namespace, name));
      if (current === undefined) throw httpError(404, operation, `${kind.plural}.${kind.group} "${name}" not found`);
      const next = { ...current, status: mergePatch((current as { status?: unknown }).status, status) } as KubeObject;
      return write('patchStatus', kind, namespace, name, next, false);
    },
    async getLease(namespace, name) {
      const found = leases.get(`${namespace}/${name}`);
      return found === undefined ? undefined : clone(found);
    },
    async createLease(namespace, lease) {
      const name = lease.metadata?.name ?? '';
      if (leases.has(`${namespace}/${name}`)) throw httpError(409, describe('create', 'Lease', namespace, name), `leases.coordination.k8s.io "${name}" already exists`);
      const stored = { ...clone(lease), metadata: { ...lease.metadata, name, namespace, resourceVersion: nextVersion() } };
      leases.set(`${namespace}/${name}`, stored);
      return clone(stored);
    },
    async replaceLease(namespace, name, lease) {
      const operation = describe('replace', 'Lease', namespace, name);
      const current = leases.get(`${namespace}/${name}`);
      if (current === undefined) throw httpError(404, operation, `leases.coordination.k8s.io "${name}" not found`);
      if (lease.metadata?.resourceVersion !== current.metadata?.resourceVersion) throw httpError(409, operation, 'the object has been modified; please apply your changes to the latest version and try again');
      if (JSON.stringify(lease.spec) === JSON.stringify(current.spec)) return clone(current);
      const stored = { ...clone(lease), metadata: { ...lease.metadata, name, namespace, resourceVersion: nextVersion() } };
      leases.set(`${namespace}/${name}`, stored);
      return clone(stored);
    },
    async getSecret(namespace, name) {
      const found = secrets.get(`${namespace}/${name}`);
      return found === undefined ? undefined : clone(found);
    },
    informer: (informerOptions) =>
      createInMemoryInformer(informerOptions, () => objectsOf(informerOptions.kind, informerOptions.namespace), (handle, on) => {
        if (on) informers.add(handle);
        else informers.delete(handle);
      }),
  };

  return {
    client,
    fail(next) {
      decide = next;
    },
    writes,
    putSecret(secret) {
      secrets.set(`${secret.metadata?.namespace ?? ''}/${secret.metadata?.name ?? ''}`, clone(secret));
    },
    relist(kind) {
      for (const informer of [...informers]) if (kind === undefined || informer.kind.plural === kind.plural) informer.relist();
    },
    breakWatch(kind, error) {
      for (const informer of [...informers]) if (informer.kind.plural === kind.plural) informer.breakWatch(error);
    },
  };
}
