import { describe, expect, it } from 'vitest';
import { Faults, FaultValidationError } from './faults.ts';

const target = { verb: 'get' as const, resource: 'gslbconfigs', namespace: 'avi-system' };

describe('Faults', () => {
  describe('when nothing is set', () => {
    it('lets every request through without latency', () => {
      expect(new Faults().decide(target)).toEqual({ kind: 'none', latencyMs: 0 });
    });
  });

  describe('when an error is set for the next N requests', () => {
    it('fails exactly N matching requests', () => {
      const faults = new Faults();
      faults.set({ error: { status: 503, count: 2, verbs: ['get'] }, latencyMs: 5, latencyByVerb: { get: 10 } });
      expect(faults.decide({ ...target, verb: 'list' })).toEqual({ kind: 'none', latencyMs: 5 });
      expect(faults.decide(target)).toEqual({ kind: 'error', latencyMs: 15, status: 503, retryAfterSeconds: 1 });
      expect(faults.decide(target).kind).toBe('error');
      expect(faults.decide(target).kind).toBe('none');
      expect(faults.get().errorsLeft).toBe(0);
    });
  });

  describe('when an error has a probability', () => {
    it('uses the injected randomness', () => {
      const draws = [0.1, 0.9];
      const faults = new Faults(() => draws.shift() ?? 0);
      faults.set({ error: { status: 500, probability: 0.5 } });
      expect(faults.decide(target).kind).toBe('error');
      expect(faults.decide(target).kind).toBe('none');
    });
  });

  describe('when hangs are set', () => {
    it('hangs matching requests only', () => {
      const faults = new Faults();
      faults.set({ hang: { resources: ['secrets'], count: 1 } });
      expect(faults.decide(target).kind).toBe('none');
      expect(faults.decide({ ...target, resource: 'secrets' }).kind).toBe('hang');
      expect(faults.decide({ ...target, resource: 'secrets' }).kind).toBe('none');
    });
  });

  describe('when the settings are wrong', () => {
    it('refuses unknown keys and bad values', () => {
      const faults = new Faults();
      expect(() => faults.set({ bogus: 1 } as never)).toThrow(FaultValidationError);
      expect(() => faults.set({ error: { status: 200 } })).toThrow('HTTP status');
      expect(() => faults.set({ error: { status: 500, probability: 2 } })).toThrow('probability');
    });
  });
});

describe('Faults partition', () => {
  describe('when requests come from a user the cluster is unreachable from', () => {
    it('drops them before any other fault, and serves other users and anonymous requests', () => {
      const faults = new Faults();
      faults.set({ unreachableFrom: ['site:b'], error: { status: 503 } });
      expect(faults.decide({ ...target, user: 'site:b' })).toEqual({ kind: 'drop' });
      expect(faults.decide({ ...target, user: 'site:c' }).kind).toBe('error');
      expect(faults.decide(target).kind).toBe('error');
    });
  });
});
