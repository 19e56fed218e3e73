import { describe, expect, it } from 'vitest';
import { renderTable } from './text-table.ts';

describe('renderTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart, with no trailing blanks', () => {
    expect(renderTable([['NAME', 'STATE', 'REASON'], ['cluster10', 'ok', ''], ['c2', 'failed', 'HTTP 503']])).toEqual([
      'NAME       STATE   REASON',
      'cluster10  ok',
      'c2         failed  HTTP 503',
    ]);
  });

  it('renders nothing for no rows', () => {
    expect(renderTable([])).toEqual([]);
  });
});
