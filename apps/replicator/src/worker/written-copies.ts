/**
 * The copies this replicator last wrote (or read) on each follower, so that the next change of the
 * same object can be written without reading the copy first: the PUT carries the remembered
 * copy's resourceVersion, so it lands only if the follower still holds exactly that copy. If
 * anybody changed or deleted it since (a person, another replicator, a new leader re-stamping
 * it), the write gets 409 or 404 and apply-object reads the copy and plans again, as it would
 * have without the memory. Only a write is ever decided on a remembered copy: "already up to
 * date" is always decided on a fresh read, so drift on the follower is never reported as in step.
 *
 * Bounded: the least recently used copies are forgotten past `maxEntries` (all followers together).
 *
 * Used only while it pays: where the remembered copies are often stale, each refused write costs a
 * request and a round trip more than reading first. That is the case when several replicators
 * share a follower's queue (ADR 0009; the chart runs 2): the other replica wrote the last version
 * about half the time. So when `refusalsToPause` of a follower's last `window` remembered writes
 * were refused, its copies are not recalled for `pauseMs`; then they are tried again.
 */
import type { KubeObject } from '@amko-fed/domain';

/** What apply-object sees of the memory: one follower's copy of one object. */
export interface RememberedCopy {
  /** The copy as the follower last answered it, undefined when not remembered. */
  recall(): KubeObject | undefined;
  /** Remembers the follower's answer to a write (or a fresh read) as its current copy. */
  remember(copy: KubeObject): void;
  /** Forgets the copy (deleted, or a write whose outcome is not the remembered copy). */
  forget(): void;
  /** Whether a write planned on the recalled copy landed (false: refused with 409 or 404, the copy had changed). */
  noteWrite(landed: boolean): void;
}

export interface WrittenCopies {
  /** The slot of `objectKey` on `cluster`. */
  slot(cluster: string, objectKey: string): RememberedCopy;
  /** Forgets every copy of `cluster` (it left the federation, or its kubeconfig changed). */
  forgetCluster(cluster: string): void;
  /** Forgets everything. */
  clear(): void;
  /** Copies remembered now. */
  readonly size: number;
}

export interface WrittenCopiesOptions {
  /**
   * Copies remembered at most, over all followers; 0 turns the memory off.
   * @defaultValue 2000
   */
  readonly maxEntries?: number;
  /** Remembered writes per follower over which refusals are counted. @defaultValue 20 */
  readonly window?: number;
  /** Refusals within the window that pause a follower's memory. @defaultValue 4 */
  readonly refusalsToPause?: number;
  /** How long a paused follower's copies are read first again. @defaultValue 60_000 */
  readonly pauseMs?: number;
  /** Milliseconds of a monotonic-enough clock. @defaultValue Date.now */
  readonly now?: () => number;
}

export const DEFAULT_WRITTEN_COPIES = 2000;

/** A follower's last remembered writes (true: refused), how many of them were refused, and until when its memory is paused. */
interface Usefulness {
  readonly outcomes: boolean[];
  refused: number;
  pausedUntil: number;
}

/** A copy without `managedFields` (the PUT never sends it back, and on a real API server it is most of the bytes). */
function lean(copy: KubeObject): KubeObject {
  if (copy.metadata.managedFields === undefined) return copy;
  const { managedFields: _managedFields, ...metadata } = copy.metadata;
  return { ...copy, metadata };
}

export function createWrittenCopies(options: WrittenCopiesOptions = {}): WrittenCopies {
  const maxEntries = options.maxEntries ?? DEFAULT_WRITTEN_COPIES;
  const window = options.window ?? 20;
  const refusalsToPause = options.refusalsToPause ?? 4;
  const pauseMs = options.pauseMs ?? 60_000;
  const now = options.now ?? Date.now;
  // One map over all followers, keyed by follower and object. Map order is insertion order and a
  // recall or a remember moves the entry to the end, so the first entry is the least recently used.
  const copies = new Map<string, { readonly cluster: string; readonly copy: KubeObject }>();
  const keyOf = (cluster: string, objectKey: string): string => `${cluster}\u0000${objectKey}`;
  const usefulness = new Map<string, Usefulness>();

  function paused(cluster: string): boolean {
    const until = usefulness.get(cluster)?.pausedUntil ?? 0;
    return until > 0 && until > now();
  }

  function noteWrite(cluster: string, landed: boolean): void {
    let use = usefulness.get(cluster);
    if (use === undefined) {
      use = { outcomes: [], refused: 0, pausedUntil: 0 };
      usefulness.set(cluster, use);
    }
    use.outcomes.push(!landed);
    if (!landed) use.refused += 1;
    if (use.outcomes.length > window && use.outcomes.shift() === true) use.refused -= 1;
    if (use.refused < refusalsToPause) return;
    use.pausedUntil = now() + pauseMs;
    use.outcomes.length = 0;
    use.refused = 0;
  }

  return {
    slot(cluster, objectKey) {
      const key = keyOf(cluster, objectKey);
      return {
        recall() {
          if (paused(cluster)) return undefined;
          const entry = copies.get(key);
          if (entry === undefined) return undefined;
          copies.delete(key);
          copies.set(key, entry);
          return entry.copy;
        },
        remember(copy) {
          if (maxEntries <= 0) return;
          copies.delete(key);
          copies.set(key, { cluster, copy: lean(copy) });
          while (copies.size > maxEntries) {
            const oldest = copies.keys().next().value;
            if (oldest === undefined) return;
            copies.delete(oldest);
          }
        },
        forget: () => void copies.delete(key),
        noteWrite: (landed) => noteWrite(cluster, landed),
      };
    },
    forgetCluster(cluster) {
      usefulness.delete(cluster);
      // Rare (a follower leaves) and at most maxEntries entries.
      for (const [key, entry] of copies) if (entry.cluster === cluster) copies.delete(key);
    },
    clear() {
      usefulness.clear();
      copies.clear();
    },
    get size() {
      return copies.size;
    },
  };
}
