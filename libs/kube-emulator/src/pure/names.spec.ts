import { describe, expect, it } from 'vitest';
import { generateName, generateNameSuffix, NAME_SUFFIX_ALPHABET, objectNameCauses, validateDnsLabelName, validateDnsSubdomainName } from './names.ts';

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** A deterministic stand-in for Math.random. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
};

describe('validateDnsSubdomainName', () => {
  describe('when the name is acceptable', () => {
    it.each(['gc-1', 'a', 'global-gdp', 'amkoclusters.amko.vmware.com', '0abc', 'a'.repeat(253)])('accepts %s', (name) => {
      expect(validateDnsSubdomainName(name)).toBeUndefined();
    });
  });

  describe('when the name is not acceptable', () => {
    it.each(['', 'GC-1', '-a', 'a-', 'a_b', 'a..b', 'a b', '.a'])('rejects %j with kube message', (name) => {
      expect(validateDnsSubdomainName(name)).toBe(SUBDOMAIN_MESSAGE);
    });

    it('rejects a name that is too long', () => {
      expect(validateDnsSubdomainName('a'.repeat(254))).toBe('must be no more than 253 characters');
    });
  });
});

describe('validateDnsLabelName', () => {
  describe('when checking labels', () => {
    it('accepts a label and rejects dots and length over 63', () => {
      expect(validateDnsLabelName('avi-system')).toBeUndefined();
      expect(validateDnsLabelName('a.b')).toMatch(/^a lowercase RFC 1123 label must consist of/);
      expect(validateDnsLabelName('a'.repeat(64))).toBe('must be no more than 63 characters');
    });
  });
});

describe('objectNameCauses', () => {
  describe('when a create carries a name', () => {
    it.each([
      { name: 'gc-1', opts: undefined, causes: [] },
      { name: '', opts: { generateName: 'gc-' }, causes: [] },
      { name: undefined, opts: undefined, causes: [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }] },
      { name: 'Bad', opts: undefined, causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "Bad": ${SUBDOMAIN_MESSAGE}` }] },
    ])('gives $causes.length cause(s) for $name', ({ name, opts, causes }) => {
      expect(objectNameCauses(name, opts)).toEqual(causes);
    });
  });
});

describe('generateNameSuffix', () => {
  describe('when given a random source', () => {
    it('takes five characters from the kube alphabet', () => {
      expect(generateNameSuffix(sequence(0, 0.999999, 0.5, 0.04, 0.25))).toBe('b9rcj');
    });

    it('only ever uses the alphabet', () => {
      const suffix = generateNameSuffix(Math.random);
      expect(suffix).toMatch(new RegExp(`^[${NAME_SUFFIX_ALPHABET}]{5}$`));
    });

    it('clamps a random source that returns 1', () => {
      expect(generateNameSuffix(() => 1)).toBe('99999');
    });
  });

  describe('when generating a whole name', () => {
    it('cuts the prefix to 58 characters', () => {
      const name = generateName('x'.repeat(70), sequence(0));
      expect(name).toBe(`${'x'.repeat(58)}bbbbb`);
      expect(name).toHaveLength(63);
    });
  });
});
