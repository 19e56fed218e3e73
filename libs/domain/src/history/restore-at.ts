/**
 * Point-in-time undo, the pure rule: from the retained history of each object (newest first) and
 * the leader's objects now, what to do so that the leader holds the objects as they were at a time.
 *
 * An object's state at TIME is its newest version recorded at or before TIME (a deletion means
 * absent). When every retained version is later than TIME, the object was created after TIME if
 * the oldest retained version is its creation (absent then); otherwise the history does not reach
 * back that far and the object is reported, not guessed. Objects created after TIME are deleted
 * only when the restore names the object or `prune` is set; otherwise they are listed as kept.
 */
import { toCanonicalJson } from '../canonical-json.ts';
import type { HistoryEntry } from '../records/history-records.ts';

export type StateAt =
  | { readonly state: 'present'; readonly object: Record<string, unknown>; readonly version: HistoryEntry }
  | { readonly state: 'absent'; readonly version: HistoryEntry | undefined }
  | { readonly state: 'unknown'; readonly oldest: string };

/** The state of one object at `atMs` from its history (newest first). */
export function stateAt(history: readonly HistoryEntry[], atMs: number): StateAt {
  const version = history.find((entry) => Date.parse(entry.time) <= atMs);
  if (version !== undefined) {
    if (version.change === 'deleted' || version.object === undefined) return { state: 'absent', version };
    return { state: 'present', object: version.object, version };
  }
  const oldest = history.at(-1);
  if (oldest === undefined) return { state: 'unknown', oldest: '' };
  return oldest.change === 'created' ? { state: 'absent', version: undefined } : { state: 'unknown', oldest: oldest.time };
}

export const RestoreAction = { create: 'create', update: 'update', delete: 'delete', unchanged: 'unchanged', kept: 'kept' } as const;
export type RestoreAction = (typeof RestoreAction)[keyof typeof RestoreAction];

export interface RestoreAtStep {
  readonly key: string;
  readonly action: RestoreAction;
  /** The object as it was at TIME (create, update, unchanged). */
  readonly desired: Record<string, unknown> | undefined;
  /** The leader's object now (update, delete, unchanged, kept). */
  readonly current: Record<string, unknown> | undefined;
}

export interface RestoreAtPlan {
  readonly steps: readonly RestoreAtStep[];
  /** Objects whose retained history starts after TIME (and not with their creation), with that start. */
  readonly unknown: readonly { readonly key: string; readonly oldest: string }[];
}

export interface RestoreAtInput {
  /** Retained history per object key, newest first. */
  readonly histories: ReadonlyMap<string, readonly HistoryEntry[]>;
  /** The leader's objects now, per key (absent keys do not exist now). */
  readonly current: ReadonlyMap<string, Record<string, unknown>>;
  readonly atMs: number;
  /** Restore only this object (then a deletion of an object created after TIME is implied). */
  readonly only?: string | undefined;
  /** Delete objects created after TIME also without `only`. @defaultValue false */
  readonly prune?: boolean;
}

/** What federation compares: the spec and the annotations kept (the rest is server-set). */
const federated = (object: Record<string, unknown>): string =>
  toCanonicalJson({ spec: object['spec'] ?? null, annotations: (object['metadata'] as { annotations?: unknown } | undefined)?.annotations ?? {} });

export function planRestoreAt(input: RestoreAtInput): RestoreAtPlan {
  const keys = input.only !== undefined ? [input.only] : [...input.histories.keys()].sort();
  const steps: RestoreAtStep[] = [];
  const unknown: { key: string; oldest: string }[] = [];
  for (const key of keys) {
    const at = stateAt(input.histories.get(key) ?? [], input.atMs);
    const current = input.current.get(key);
    switch (at.state) {
      case 'unknown':
        unknown.push({ key, oldest: at.oldest });
        break;
      case 'present':
        steps.push({
          key,
          action: current === undefined ? RestoreAction.create : federated(current) === federated(at.object) ? RestoreAction.unchanged : RestoreAction.update,
          desired: at.object,
          current,
        });
        break;
      case 'absent':
        if (current !== undefined) {
          steps.push({ key, action: input.only !== undefined || input.prune === true ? RestoreAction.delete : RestoreAction.kept, desired: undefined, current });
        }
        break;
      default: {
        const _exhaustive: never = at;
        return _exhaustive;
      }
    }
  }
  return { steps, unknown };
}

/** The earliest time any retained history reaches back to (undefined without history). */
export function historyStart(histories: ReadonlyMap<string, readonly HistoryEntry[]>): string | undefined {
  let earliest: string | undefined;
  for (const entries of histories.values()) {
    const oldest = entries.at(-1)?.time;
    if (oldest !== undefined && (earliest === undefined || Date.parse(oldest) < Date.parse(earliest))) earliest = oldest;
  }
  return earliest;
}
