/**
 * The leader-side workload: creates, updates and deletes through the leader's API, with a model of
 * what the leader holds. Every write gives the object the next value of its counter (never reused,
 * also across a delete and re-create), so the leader's values only grow. Choices come from a seeded
 * generator, so a run can be repeated with the same seed.
 */
import type { KubeRest } from '@amko-fed/testing';
import { bodyOf, collectionPath, counterPatch, GC, GC_NAME, GDP, GDP_NAME, GHR, objectId, objectPath, type ChaosKind } from './objects.ts';

export interface WorkloadCounts {
  creates: number;
  updates: number;
  deletes: number;
}

interface Tracked {
  readonly kind: ChaosKind;
  readonly name: string;
  /** The last value written (kept after a delete, so a re-create continues above it). */
  value: number;
  exists: boolean;
}

export interface Workload {
  /** Creates the GSLBConfig, the GDP and `rules` GSLBHostRules on the leader. */
  seed(rules: number): Promise<void>;
  /** `count` updates, each of a randomly chosen existing object (GSLBHostRules, the GSLBConfig, the GDP). */
  updates(count: number): Promise<void>;
  /** `count` operations: about half updates, a quarter creates and a quarter deletes of GSLBHostRules. */
  mixed(count: number): Promise<void>;
  /** Deletes `count` randomly chosen GSLBHostRules; returns their names. */
  deleteRules(count: number): Promise<string[]>;
  /** Deletes an object (e.g. the GDP singleton). */
  delete(kind: ChaosKind, name: string): Promise<void>;
  /** Creates (or re-creates) an object with its next counter value. */
  create(kind: ChaosKind, name: string): Promise<void>;
  /** Writes done so far (seed excluded). */
  readonly done: Readonly<WorkloadCounts>;
  /** `kind/name` → counter of every object the leader holds, per the model. */
  expected(): Map<string, number>;
}

/** mulberry32: a small seeded generator, good enough to pick objects. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ruleName = (i: number): string => `rule-${String(i).padStart(3, '0')}`;

export function createWorkload(leader: KubeRest, random: () => number): Workload {
  const objects = new Map<string, Tracked>();
  const done: WorkloadCounts = { creates: 0, updates: 0, deletes: 0 };
  let poolSize = 0;

  const tracked = (kind: ChaosKind, name: string): Tracked => {
    const id = objectId(kind, name);
    let entry = objects.get(id);
    if (entry === undefined) {
      entry = { kind, name, value: 0, exists: false };
      objects.set(id, entry);
    }
    return entry;
  };
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  const existing = (): Tracked[] => [...objects.values()].filter((o) => o.exists);
  const rules = (exists: boolean): Tracked[] => {
    const all: Tracked[] = [];
    for (let i = 0; i < poolSize; i += 1) {
      const rule = tracked(GHR, ruleName(i));
      if (rule.exists === exists) all.push(rule);
    }
    return all;
  };

  async function create(kind: ChaosKind, name: string): Promise<void> {
    const entry = tracked(kind, name);
    if (entry.exists) throw new Error(`${objectId(kind, name)} exists already on the leader`);
    await leader.create(collectionPath(kind), bodyOf(kind, name, entry.value + 1));
    entry.value += 1;
    entry.exists = true;
    done.creates += 1;
  }
  async function update(entry: Tracked): Promise<void> {
    await leader.mergePatch(objectPath(entry.kind, entry.name), counterPatch(entry.kind, entry.value + 1));
    entry.value += 1;
    done.updates += 1;
  }
  async function remove(kind: ChaosKind, name: string): Promise<void> {
    const entry = tracked(kind, name);
    if (!(await leader.delete(objectPath(kind, name)))) throw new Error(`${objectId(kind, name)} was not on the leader`);
    entry.exists = false;
    done.deletes += 1;
  }

  return {
    async seed(count) {
      poolSize = count * 2;
      await create(GC, GC_NAME);
      await create(GDP, GDP_NAME);
      for (let i = 0; i < count; i += 1) await create(GHR, ruleName(i));
      done.creates = 0;
    },
    async updates(count) {
      for (let i = 0; i < count; i += 1) {
        const entry = pick(existing());
        if (entry !== undefined) await update(entry);
      }
    },
    async mixed(count) {
      for (let i = 0; i < count; i += 1) {
        const r = random();
        const present = rules(true);
        const absent = rules(false);
        if (r < 0.25 && absent.length > 0) {
          const entry = pick(absent) as Tracked;
          await create(entry.kind, entry.name);
        } else if (r < 0.5 && present.length > 1) {
          const entry = pick(present) as Tracked;
          await remove(entry.kind, entry.name);
        } else {
          const entry = pick(existing());
          if (entry !== undefined) await update(entry);
        }
      }
    },
    async deleteRules(count) {
      const names: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const entry = pick(rules(true));
        if (entry === undefined) break;
        await remove(entry.kind, entry.name);
        names.push(entry.name);
      }
      return names;
    },
    delete: remove,
    create,
    done,
    expected() {
      return new Map(existing().map((o) => [objectId(o.kind, o.name), o.value]));
    },
  };
}
