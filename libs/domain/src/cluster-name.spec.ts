import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertClusterName, decodeClusterName, encodeClusterName, isValidClusterName, MAX_CLUSTER_NAME_LENGTH } from './cluster-name.ts';
import { InvalidNameError } from './errors/invalid-name-error.ts';

/** The context names users have (issue #11): oc login, EKS, GKE, AMKO's docs, spaces, braces, 250 characters. */
const REAL_CONTEXT_NAMES = [
  'avi-system/api-ocp2-example-com:6443/kube:admin',
  'arn:aws:eks:us-east-1:123456789012:cluster/site3',
  'gke_proj_europe-west1_site2',
  'clusterA',
  'site four (DR)',
  'tag{east}',
  `long-${'x'.repeat(245)}`,
];

/** Any valid cluster name: full Unicode, no control characters. */
const clusterNames = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
  .filter((s) => isValidClusterName(s));

function errorOf(run: () => void): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('cluster names', () => {
  describe('when the context cannot be a kubeconfig context', () => {
    it.each(['', 'line\nbreak', 'tab\there', 'nul\u0000', 'del\u007f', 'lone \ud800 surrogate', 'x'.repeat(MAX_CLUSTER_NAME_LENGTH + 1)])(
      'rejects the context %j',
      (context) => {
        expect(isValidClusterName(context)).toBe(false);
        expect(() => assertClusterName(context)).toThrow(InvalidNameError);
      },
    );
  });

  describe('when the context is any name kubeconfig allows', () => {
    it.each([...REAL_CONTEXT_NAMES, 'kind-follower', 'user@cluster.example', '-leading', ' spaced ', '100%', 'ünïcödé 集群', 'x'.repeat(MAX_CLUSTER_NAME_LENGTH)])(
      'accepts the context %j',
      (context) => {
        expect(isValidClusterName(context)).toBe(true);
        expect(() => assertClusterName(context)).not.toThrow();
      },
    );
  });

  describe('when rejecting', () => {
    it('names the field, at most 80 characters of the name, the problem and the fix', () => {
      const error = errorOf(() => assertClusterName(`a\n${'b'.repeat(100)}`));
      expect(error).toBeInstanceOf(InvalidNameError);
      expect(error).toMatchObject({ code: 'INVALID_NAME', what: 'cluster' });
      expect((error as Error).message).toBe(
        `Invalid cluster: the context name "a\\n${'b'.repeat(78)}" must not contain control characters (newline, tab, …); rename the context in the gslb-config-secret kubeconfig and in AMKOCluster spec.clusters / clusterContext`,
      );
    });

    it('says how long a name is and the limit', () => {
      expect((errorOf(() => assertClusterName('y'.repeat(2000))) as Error).message).toContain('is 2000 characters long; at most 1024 are allowed');
    });
  });

  describe('when encoding for keys', () => {
    it.each([
      ['clusterA', 'clusterA'],
      ['eks/cluster-1', 'eks/cluster-1'],
      ['user@cluster.example_1', 'user@cluster.example_1'],
      ['avi-system/api-ocp2-example-com:6443/kube:admin', 'avi-system/api-ocp2-example-com%3A6443/kube%3Aadmin'],
      ['tag{east}', 'tag%7Beast%7D'],
      ['site four', 'site%20four'],
      ['100%', '100%25'],
      ['é', '%C3%A9'],
    ])('encodes %j as %j', (name, encoded) => {
      expect(encodeClusterName(name)).toBe(encoded);
      expect(decodeClusterName(encoded)).toBe(name);
    });

    it('leaves every name of the old alphabet unchanged', () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._@/-]{0,199}$/), (name) => encodeClusterName(name) === name),
      );
    });

    it('round-trips every valid name', () => {
      fc.assert(fc.property(clusterNames, (name) => decodeClusterName(encodeClusterName(name)) === name));
    });

    it('never puts ":", braces, "%" other than as an escape, or whitespace into the encoded form', () => {
      fc.assert(
        fc.property(clusterNames, (name) => /^(?:[A-Za-z0-9._@/-]|%[0-9A-F]{2})+$/.test(encodeClusterName(name))),
      );
    });

    it('gives different names different encodings', () => {
      fc.assert(fc.property(clusterNames, clusterNames, (a, b) => a === b || encodeClusterName(a) !== encodeClusterName(b)));
    });
  });

  describe('when decoding something that is not an encoded name', () => {
    it.each(['a:b', '%zz', '%41', 'a%3a', 'a%0Ab', '', '%ED%A0%80'])('answers undefined for %j', (encoded) => {
      expect(decodeClusterName(encoded)).toBeUndefined();
    });
  });
});
