import { describe, expect, it } from 'vitest';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { thrownApiError as thrown } from '../../test/support/thrown.ts';

const labels = { app: 'gslb', tier: 'front', 'amko.vmware.com/federated': 'true', version: '12' };

describe('parseLabelSelector', () => {
  describe('when the selector is well formed', () => {
    it.each([
      ['', true],
      ['app=gslb', true],
      ['app==gslb', true],
      ['app=other', false],
      ['app!=other', true],
      ['app!=gslb', false],
      ['missing!=x', true],
      ['app in (gslb,other)', true],
      ['app in (other)', false],
      ['app notin (other, more)', true],
      ['app notin (gslb)', false],
      ['missing notin (x)', true],
      ['missing in (x)', false],
      ['tier', true],
      ['missing', false],
      ['!missing', true],
      ['!tier', false],
      ['app=gslb,tier=front', true],
      ['app=gslb, tier=back', false],
      [' app = gslb , !missing ', true],
      ['amko.vmware.com/federated=true', true],
      ['version>10', true],
      ['version<10', false],
      ['app=', false],
      ['missing=', false],
      ['app in (gslb,)', true],
    ])('%j matches: %s', (selector, expected) => {
      expect(parseLabelSelector(selector)(labels)).toBe(expected);
    });

    it('treats missing labels as an empty set', () => {
      expect(parseLabelSelector('!app')(undefined)).toBe(true);
      expect(parseLabelSelector('app')(undefined)).toBe(false);
      expect(parseLabelSelector('')(undefined)).toBe(true);
    });

    it('matches a label whose value is empty with key=', () => {
      expect(parseLabelSelector('flag=')({ flag: '' })).toBe(true);
    });
  });

  describe('when the selector is malformed', () => {
    it.each([
      ['app=a=b', "found '=', expected: ',' or 'end of string'"],
      ['=x', "found '=', expected: identifier"],
      ['app in gslb', "found 'gslb', expected: '('"],
      ['app in (a b)', "found 'b', expected: ',' or ')'"],
      ['app in (a', "found '', expected: ',' or ')'"],
      ['app gslb', "found 'gslb', expected: '=', '!=', '==', 'in', 'notin', '>' or '<'"],
      ['app>x', "found 'x', expected: an integer value"],
      ['bad key!=1', "found 'key', expected: '=', '!=', '==', 'in', 'notin', '>' or '<'"],
      ['-app=1', 'invalid label key "-app"'],
      ['app=-x-', 'invalid label value: "-x-"'],
    ])('rejects %j with a 400 naming it', (selector, detail) => {
      const error = thrown(() => parseLabelSelector(selector));
      expect(error.code).toBe(400);
      expect(error.status.reason).toBe('BadRequest');
      expect(error.message).toContain(`unable to parse requirement: ${detail}`);
      expect(error.message).toContain(JSON.stringify(selector));
    });
  });
});

describe('parseFieldSelector', () => {
  const allowed = ['metadata.name', 'metadata.namespace'];
  const fields = { 'metadata.name': 'gc-1', 'metadata.namespace': 'avi-system' };

  describe('when the selector is well formed', () => {
    it.each([
      ['', true],
      ['metadata.name=gc-1', true],
      ['metadata.name==gc-1', true],
      ['metadata.name=gc-2', false],
      ['metadata.name!=gc-2', true],
      ['metadata.name!=gc-1', false],
      ['metadata.name=gc-1,metadata.namespace=avi-system', true],
      ['metadata.name=gc-1,metadata.namespace=other', false],
      ['metadata.namespace!=', true],
    ])('%j matches: %s', (selector, expected) => {
      expect(parseFieldSelector(selector, allowed)(fields)).toBe(expected);
    });

    it('unescapes \\, and \\= in values', () => {
      expect(parseFieldSelector('metadata.name=a\\,b\\=c', allowed)({ 'metadata.name': 'a,b=c' })).toBe(true);
    });
  });

  describe('when the selector is not acceptable', () => {
    it('rejects a field that is not supported', () => {
      const error = thrown(() => parseFieldSelector('spec.x=1', allowed));
      expect(error.code).toBe(400);
      expect(error.message).toBe('field label not supported: spec.x');
    });

    it('rejects a term without an operator', () => {
      const error = thrown(() => parseFieldSelector('metadata.name', allowed));
      expect(error.code).toBe(400);
      expect(error.message).toBe("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
    });
  });
});
