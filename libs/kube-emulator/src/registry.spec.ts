import { describe, expect, it } from 'vitest';
import { compareKubeVersions } from './registry.ts';

describe('compareKubeVersions', () => {
  describe('when versions are sorted', () => {
    it('puts GA before beta before alpha, higher numbers first, others last', () => {
      expect(['v1alpha1', 'v2', 'foo', 'v1beta1', 'v1', 'v1alpha2', 'v1beta2', 'bar'].sort(compareKubeVersions)).toEqual([
        'v2',
        'v1',
        'v1beta2',
        'v1beta1',
        'v1alpha2',
        'v1alpha1',
        'bar',
        'foo',
      ]);
    });
  });
});
