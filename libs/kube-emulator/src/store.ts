/**
 * The object store of one emulated cluster: objects per resource, the global resourceVersion
 * counter, a bounded ring of past events (for watches that resume from a resourceVersion) and the
 * live subscribers (open watches). Stored objects are never mutated in place: writers pass new
 * objects, readers may serialise what they get without copying.
 */
import type { KubeObject } from './object.ts';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: StoreEventType;
  /** The resourceVersion this change was given. */
  readonly rv: number;
  /** Storage key of the resource (`<group>/<plural>`). */
  readonly resource: string;
  readonly namespace: string;
  /** The object after the change; for DELETED, its last state stamped with the deletion RV. */
  readonly object: KubeObject;
  /** The object before the change (MODIFIED and DELETED). */
  readonly previous: KubeObject | undefined;
}

export interface StoreSubscriber {
  /** Storage key of the resource it watches. */
  readonly resource: string;
  onEvent(event: StoreEvent): void;
  /** The resource stopped being served (its CRD was deleted). */
  onResourceRemoved?(): void;
}

export interface StoreOptions {
  /** How many past events are kept for watches that resume. @defaultValue 10000 */
  readonly historySize?: number;
}

const objectKey = (namespace: string, name: string): string => `${namespace}/${name}`;

export class Store {
  #rv = 0;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #history: (StoreEvent | undefined)[];
  #head = 0;
  #size = 0;
  /** Every event with rv > this is still in the history. */
  #compactedThrough = 0;
  readonly #subscribers = new Map<string, Set<StoreSubscriber>>();

  constructor(options: StoreOptions = {}) {
    this.#history = new Array<StoreEvent | undefined>(Math.max(1, options.historySize ?? 10_000));
  }

  /** The current global resourceVersion. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /** The oldest resourceVersion a watch can resume from without 410 Expired. */
  get oldestResumableVersion(): number {
    return this.#compactedThrough;
  }

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.#objects.get(resource)?.get(objectKey(namespace, name));
  }

  /** Objects of a resource sorted by namespace and name; all namespaces when `namespace` is undefined. */
  list(resource: string, namespace?: string): KubeObject[] {
    const all = this.#objects.get(resource);
    if (!all) return [];
    const keys = [...all.keys()].sort();
    const out: KubeObject[] = [];
    for (const key of keys) {
      const obj = all.get(key);
      if (!obj) continue;
      if (namespace !== undefined && (obj.metadata.namespace ?? '') !== namespace) continue;
      out.push(obj);
    }
    return out;
  }

  /** Storage keys of resources that hold at least one object in `namespace`. */
  resourcesWithObjectsIn(namespace: string): string[] {
    const out: string[] = [];
    for (const [resource, objects] of this.#objects) {
      for (const obj of objects.values()) {
        if ((obj.metadata.namespace ?? '') === namespace) {
          out.push(resource);
          break;
        }
      }
    }
    return out;
  }

  /** Stores a new object, giving it the next resourceVersion, and emits ADDED. */
  create(resource: string, obj: KubeObject): KubeObject {
    const rv = ++this.#rv;
    const stored = withRv(obj, rv);
    const namespace = stored.metadata.namespace ?? '';
    let objects = this.#objects.get(resource);
    if (!objects) {
      objects = new Map();
      this.#objects.set(resource, objects);
    }
    objects.set(objectKey(namespace, stored.metadata.name ?? ''), stored);
    this.#emit({ type: 'ADDED', rv, resource, namespace, object: stored, previous: undefined });
    return stored;
  }

  /** Replaces an object, giving it the next resourceVersion, and emits MODIFIED. */
  update(resource: string, obj: KubeObject, previous: KubeObject): KubeObject {
    const rv = ++this.#rv;
    const stored = withRv(obj, rv);
    const namespace = stored.metadata.namespace ?? '';
    this.#objects.get(resource)?.set(objectKey(namespace, stored.metadata.name ?? ''), stored);
    this.#emit({ type: 'MODIFIED', rv, resource, namespace, object: stored, previous });
    return stored;
  }

  /** Removes an object and emits DELETED with the object stamped with the deletion RV. */
  delete(resource: string, obj: KubeObject): KubeObject {
    const rv = ++this.#rv;
    const stamped = withRv(obj, rv);
    const namespace = obj.metadata.namespace ?? '';
    this.#objects.get(resource)?.delete(objectKey(namespace, obj.metadata.name ?? ''));
    this.#emit({ type: 'DELETED', rv, resource, namespace, object: stamped, previous: obj });
    return stamped;
  }

  /**
   * Events of `resource` with rv > `sinceRv`, oldest first; undefined when some of them were
   * already dropped from the history (the watch must get 410 Expired).
   */
  eventsSince(resource: string, sinceRv: number): StoreEvent[] | undefined {
    if (sinceRv < this.#compactedThrough) return undefined;
    const out: StoreEvent[] = [];
    const capacity = this.#history.length;
    for (let i = 0; i < this.#size; i++) {
      const event = this.#history[(this.#head + i) % capacity];
      if (event && event.rv > sinceRv && event.resource === resource) out.push(event);
    }
    return out;
  }

  /** Forgets the whole event history: watches resuming from any older RV get 410 Expired. */
  compactHistory(): void {
    this.#history.fill(undefined);
    this.#head = 0;
    this.#size = 0;
    this.#compactedThrough = this.#rv;
  }

  /** Tells the subscribers of a resource that it is gone (after its objects were deleted). */
  resourceRemoved(resource: string): void {
    const subscribers = this.#subscribers.get(resource);
    if (!subscribers) return;
    for (const subscriber of [...subscribers]) subscriber.onResourceRemoved?.();
  }

  subscribe(subscriber: StoreSubscriber): () => void {
    let set = this.#subscribers.get(subscriber.resource);
    if (!set) {
      set = new Set();
      this.#subscribers.set(subscriber.resource, set);
    }
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
    };
  }

  #emit(event: StoreEvent): void {
    const capacity = this.#history.length;
    if (this.#size === capacity) {
      const evicted = this.#history[this.#head];
      if (evicted) this.#compactedThrough = evicted.rv;
      this.#history[this.#head] = event;
      this.#head = (this.#head + 1) % capacity;
    } else {
      this.#history[(this.#head + this.#size) % capacity] = event;
      this.#size++;
    }
    const subscribers = this.#subscribers.get(event.resource);
    if (!subscribers) return;
    for (const subscriber of [...subscribers]) subscriber.onEvent(event);
  }
}

function withRv(obj: KubeObject, rv: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}
