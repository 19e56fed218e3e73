import { describe, expect, it } from 'vitest';
import { managersOfChange } from './managers-of-change.ts';

const entry = (manager: string, time?: string) => ({ manager, operation: 'Update', ...(time === undefined ? {} : { time }) });

describe('managersOfChange', () => {
  describe('when given managedFields', () => {
    it.each<[string, unknown, string[]]>([
      ['no managedFields', undefined, []],
      ['not an array', { manager: 'x' }, []],
      ['one manager', [entry('kubectl-edit', '2026-01-01T00:00:00Z')], ['kubectl-edit']],
      ['the newest of several', [entry('helm', '2026-01-01T00:00:00Z'), entry('kubectl-edit', '2026-01-02T00:00:00Z')], ['kubectl-edit']],
      ['all managers at the newest time, sorted, once', [entry('b', '2026-01-02T00:00:00Z'), entry('a', '2026-01-02T00:00:00Z'), entry('b', '2026-01-02T00:00:00Z'), entry('old', '2026-01-01T00:00:00Z')], ['a', 'b']],
      ['entries without time only when none has one', [entry('untimed'), entry('timed', '2026-01-01T00:00:00Z')], ['timed']],
      ['untimed entries when none has a time', [entry('x'), entry('y')], ['x', 'y']],
      ['entries without a manager are skipped', [{ operation: 'Update', time: '2026-01-03T00:00:00Z' }, entry('kept', '2026-01-01T00:00:00Z')], ['kept']],
    ])('%s', (_label, managedFields, expected) => {
      expect(managersOfChange(managedFields)).toEqual(expected);
    });
  });
});
