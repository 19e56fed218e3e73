import { describe, expect, it } from 'vitest';
import { evaluateJsonPath, formatAge, renderTable } from './table.ts';

const now = new Date('2025-06-01T12:00:00Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('formatAge', () => {
  describe('when given durations (apimachinery HumanDuration cases)', () => {
    it.each([
      [-5 * S, '<invalid>'],
      [-1500, '0s'],
      [0, '0s'],
      [S, '1s'],
      [70 * S, '70s'],
      [119 * S, '119s'],
      [120 * S, '2m'],
      [190 * S, '3m10s'],
      [9 * M + 59 * S, '9m59s'],
      [70 * M, '70m'],
      [3 * H, '3h'],
      [3 * H + 20 * M, '3h20m'],
      [47 * H, '47h'],
      [49 * H, '2d1h'],
      [7 * D, '7d'],
      [8 * D + 2 * H, '8d'],
      [367 * D, '367d'],
      [365 * 2 * D + 25 * H, '2y1d'],
      [365 * 8 * D + 2 * H, '8y'],
    ])('renders %d ms as %s', (ms, expected) => {
      expect(formatAge(ms)).toBe(expected);
    });
  });
});

describe('evaluateJsonPath', () => {
  describe('when selecting from an object', () => {
    const obj = {
      metadata: { annotations: { 'amko.vmware.com/amko-uuid': 'u1' } },
      spec: { clusters: ['a', 'b'], trafficSplit: [{ cluster: 'a', weight: 3 }] },
      status: { conditions: [{ type: 'A', status: 'False' }, { type: 'Ready', status: 'True' }] },
    };

    it.each([
      ['.spec.clusters', [['a', 'b']]],
      ['.spec.clusters[1]', ['b']],
      ['.spec.trafficSplit[0].weight', [3]],
      ['.spec.trafficSplit[*].cluster', ['a']],
      ['.status.conditions[?(@.type=="Ready")].status', ['True']],
      ["{.metadata.annotations['amko.vmware.com/amko-uuid']}", ['u1']],
      ['.spec.missing', []],
      ['.spec.clusters[9]', []],
      ['not a path', []],
    ])('%s selects %j', (path, expected) => {
      expect(evaluateJsonPath(obj, path)).toEqual(expected);
    });
  });
});

describe('renderTable', () => {
  const item = (name: string, spec: Record<string, unknown>, created = '2025-06-01T11:55:00Z') => ({
    apiVersion: 'amko.vmware.com/v1alpha1',
    kind: 'AMKOCluster',
    metadata: { name, namespace: 'avi-system', creationTimestamp: created, resourceVersion: '3' },
    spec,
  });

  describe('when the resource has no printer columns', () => {
    it('shows Name and Age, with the object metadata on each row', () => {
      const table = renderTable([item('a1', {})], [], now, '42');
      expect(table.kind).toBe('Table');
      expect(table.apiVersion).toBe('meta.k8s.io/v1');
      expect(table.metadata).toEqual({ resourceVersion: '42' });
      expect(table.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
        ['Name', 'string', 'name', 0],
        ['Age', 'date', '', 0],
      ]);
      expect(table.rows).toEqual([
        {
          cells: ['a1', '5m'],
          object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'a1', namespace: 'avi-system', creationTimestamp: '2025-06-01T11:55:00Z', resourceVersion: '3' } },
        },
      ]);
    });
  });

  describe('when the resource has printer columns', () => {
    const columns = [
      { name: 'Leader', type: 'boolean', jsonPath: '.spec.isLeader' },
      { name: 'Version', type: 'string', jsonPath: '.spec.version', description: 'AMKO version' },
      { name: 'Clusters', type: 'string', jsonPath: '.spec.clusters', priority: 1 },
      { name: 'Weight', type: 'integer', jsonPath: '.spec.weight' },
      { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
      { name: 'Seen', type: 'date', jsonPath: '.spec.seen' },
    ];

    it('renders each cell by its type and leaves missing ones null', () => {
      const table = renderTable(
        [item('a1', { isLeader: true, version: '1.12', clusters: ['c1', 'c2'], weight: 2.7, ratio: 3, seen: '2025-05-30T12:00:00Z' }), item('a2', { version: 7, seen: 'nope' })],
        columns,
        now,
        '1',
      );
      expect(table.columnDefinitions.map((c) => [c.name, c.type, c.description, c.priority])).toEqual([
        ['Name', 'string', expect.stringContaining('Name must be unique'), 0],
        ['Leader', 'boolean', '', 0],
        ['Version', 'string', 'AMKO version', 0],
        ['Clusters', 'string', '', 1],
        ['Weight', 'integer', '', 0],
        ['Ratio', 'number', '', 0],
        ['Seen', 'date', '', 0],
      ]);
      expect(table.rows.map((r) => r.cells)).toEqual([
        ['a1', true, '1.12', '[c1 c2]', 2, 3, '2d'],
        ['a2', null, '7', null, null, null, '<invalid>'],
      ]);
    });
  });
});
