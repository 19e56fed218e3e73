import { describe, expect, it } from 'vitest';
import { assertClusterName, isValidClusterName } from './cluster-name.ts';
import { InvalidNameError } from './errors/invalid-name-error.ts';

describe('cluster names', () => {
  describe('when the context cannot name a queue or key', () => {
    it.each(['', 'arn:aws:eks:eu-west-1:1:cluster/x', 'a b', '{tag}', '-leading', 'x'.repeat(201)])(
      'rejects the context %j',
      (context) => {
        expect(isValidClusterName(context)).toBe(false);
        expect(() => assertClusterName(context)).toThrow(InvalidNameError);
      },
    );
  });

  describe('when the context is usable', () => {
    it.each(['kind-follower', 'user@cluster.example', 'gke_project_zone_name', 'eks/cluster-1', 'C1', 'x'.repeat(200)])(
      'accepts the context %j',
      (context) => {
        expect(isValidClusterName(context)).toBe(true);
        expect(() => assertClusterName(context)).not.toThrow();
      },
    );
  });

  describe('when rejecting', () => {
    it('names the rule and at most 80 characters of the name', () => {
      const error = (() => {
        try {
          assertClusterName(`a:${'b'.repeat(100)}`);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InvalidNameError);
      expect(error).toMatchObject({ code: 'INVALID_NAME', what: 'cluster' });
      expect((error as Error).message).toBe(
        `Invalid cluster: "a:${'b'.repeat(78)}" must be 1-200 characters of letters, digits and . _ - @ /, starting with a letter or digit (no ":")`,
      );
    });
  });
});
