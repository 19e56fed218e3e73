import { describe, expect, it } from 'vitest';
import type { ObjectKey } from '../object-key.ts';
import type { HistoryEntry } from '../records/history-records.ts';
import { historyStart, planRestoreAt, stateAt } from './restore-at.ts';

const KEY = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const OTHER = 'GlobalDeploymentPolicy/avi-system/other' as ObjectKey;
const t = (minute: number) => `2026-12-06T01:${String(minute).padStart(2, '0')}:00.000Z`;
const ms = (minute: number) => Date.parse(t(minute));
const obj = (weight: number) => ({ metadata: { name: 'global-gdp', namespace: 'avi-system' }, spec: { weight } });

function entry(seq: number, change: HistoryEntry['change'], minute: number, weight?: number): HistoryEntry {
  return { seq, change, objectKey: KEY, time: t(minute), resourceVersion: `${seq}`, managers: [], ...(weight === undefined ? {} : { object: obj(weight) }) };
}
/** created at :00 (w1), edited at :10 (w2) and :20 (w3), deleted at :30 (last content w3). */
const lifecycle = [entry(4, 'deleted', 30, 3), entry(3, 'updated', 20, 3), entry(2, 'updated', 10, 2), entry(1, 'created', 0, 1)];

describe('stateAt', () => {
  describe('when the history covers the time', () => {
    it.each<[string, number, string, number | undefined]>([
      ['at the creation', 0, 'present', 1],
      ['between the edits', 15, 'present', 2],
      ['between the second edit and the delete', 25, 'present', 3],
      ['after the delete', 45, 'absent', undefined],
    ])('%s', (_label, minute, state, weight) => {
      const at = stateAt(lifecycle, ms(minute));
      expect(at.state).toBe(state);
      expect(at.state === 'present' ? at.object : undefined).toEqual(weight === undefined ? undefined : obj(weight));
    });
  });

  describe('when every version is later than the time', () => {
    it.each<[string, HistoryEntry[], string]>([
      ['the oldest is the creation: it did not exist', lifecycle, 'absent'],
      ['the oldest is an edit: history does not reach back', lifecycle.slice(0, 3), 'unknown'],
      ['no history at all', [], 'unknown'],
    ])('%s', (_label, history, state) => {
      expect(stateAt(history, ms(0) - 1).state).toBe(state);
    });
  });
});

describe('planRestoreAt', () => {
  const histories = new Map<string, HistoryEntry[]>([[KEY, lifecycle], [OTHER, [{ ...entry(5, 'created', 40, 9), objectKey: OTHER }]]]);
  describe('when restoring to a time', () => {
    it.each<[string, Record<string, Record<string, unknown>>, number, string | undefined, boolean, Record<string, string>]>([
      ['a deleted object is re-created with the spec of that time', {}, 25, KEY, false, { [KEY]: 'create' }],
      ['a changed object is updated', { [KEY]: obj(3) }, 15, KEY, false, { [KEY]: 'update' }],
      ['an equal object is unchanged', { [KEY]: obj(2) }, 15, KEY, false, { [KEY]: 'unchanged' }],
      ['an object created after the time is deleted when named', { [OTHER]: obj(9) }, 25, OTHER, false, { [OTHER]: 'delete' }],
      ['an object created after the time is kept without --prune', { [OTHER]: obj(9) }, 25, undefined, false, { [KEY]: 'create', [OTHER]: 'kept' }],
      ['an object created after the time is deleted with --prune', { [OTHER]: obj(9) }, 25, undefined, true, { [KEY]: 'create', [OTHER]: 'delete' }],
      ['an object absent then and now needs nothing', {}, 45, KEY, false, {}],
    ])('%s', (_label, current, minute, only, prune, expected) => {
      const plan = planRestoreAt({ histories, current: new Map(Object.entries(current)), atMs: ms(minute), only, prune });
      expect(Object.fromEntries(plan.steps.map((s) => [s.key, s.action]))).toEqual(expected);
      expect(plan.unknown).toEqual([]);
    });

    it('carries the desired object of that time', () => {
      const plan = planRestoreAt({ histories, current: new Map(), atMs: ms(25), only: KEY });
      expect(plan.steps[0]?.desired).toEqual(obj(3));
    });

    it('reports objects whose retained history starts after the time', () => {
      const plan = planRestoreAt({ histories: new Map<string, HistoryEntry[]>([[KEY, lifecycle.slice(0, 2)]]), current: new Map(), atMs: ms(5) });
      expect(plan).toEqual({ steps: [], unknown: [{ key: KEY, oldest: t(20) }] });
    });
  });
});

describe('historyStart', () => {
  it('is the oldest retained time of any object, undefined without history', () => {
    expect(historyStart(new Map<string, HistoryEntry[]>([[KEY, lifecycle.slice(0, 2)], [OTHER, [entry(9, 'created', 5, 1)]]]))).toBe(t(5));
    expect(historyStart(new Map())).toBeUndefined();
  });
});
