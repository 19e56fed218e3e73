import { StepOutcome, tooManyOnLeaderMessage, type ObjectKey } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { federationSteps, isNewerResult, type ResultSummary } from './federation-steps.ts';

const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const projection: [ObjectKey, { seq: number }][] = [[gc, { seq: 10 }], [gdp, { seq: 4 }]];
const ok = (seq: number): ResultSummary => ({ seq, at: '2026-11-22T10:00:00Z', failed: false, message: undefined });
const failed = (seq: number, message = 'replace GSLBConfig avi-system/gc-1 on cluster3: Internal error'): ResultSummary => ({ seq, at: '2026-11-22T10:00:00Z', failed: true, message });

function steps(results: Record<string, Partial<Record<ObjectKey, ResultSummary>>>, leaderProblems = new Map()) {
  return federationSteps({
    kinds: ['GSLBConfig', 'GlobalDeploymentPolicy'],
    validFollowers: ['cluster2', 'cluster3'],
    projection,
    result: (cluster, key) => results[cluster]?.[key],
    leaderProblems,
  });
}

describe('federationSteps', () => {
  describe('when every valid follower applied the current objects', () => {
    it('succeeds for each kind', () => {
      expect(steps({ cluster2: { [gc]: ok(10), [gdp]: ok(4) }, cluster3: { [gc]: ok(12), [gdp]: ok(4) } })).toEqual({
        GSLBConfig: { outcome: StepOutcome.Succeeded },
        GlobalDeploymentPolicy: { outcome: StepOutcome.Succeeded },
      });
    });
  });

  describe('when results are still pending', () => {
    it('counts them as not failed', () => {
      expect(steps({}).GSLBConfig).toEqual({ outcome: StepOutcome.Succeeded });
    });
  });

  describe('when a follower\'s latest result for the current object failed', () => {
    it('is partly failed, naming the cluster and the reason, for that kind only', () => {
      const result = steps({ cluster2: { [gc]: ok(10) }, cluster3: { [gc]: failed(10), [gdp]: ok(4) } });
      expect(result.GSLBConfig).toEqual({
        outcome: StepOutcome.PartlyFailed,
        failures: [{ cluster: 'cluster3', message: `${gc}: replace GSLBConfig avi-system/gc-1 on cluster3: Internal error` }],
      });
      expect(result.GlobalDeploymentPolicy).toEqual({ outcome: StepOutcome.Succeeded });
    });
  });

  describe('when the failure is about an older state than the projection\'s', () => {
    it('ignores it: the newer state is pending', () => {
      expect(steps({ cluster3: { [gc]: failed(9) } }).GSLBConfig).toEqual({ outcome: StepOutcome.Succeeded });
    });
  });

  describe('when a follower is not valid', () => {
    it('ignores its results', () => {
      expect(steps({ cluster4: { [gc]: failed(10) } }).GSLBConfig).toEqual({ outcome: StepOutcome.Succeeded });
    });
  });

  describe('when the leader side fails for a kind', () => {
    it('is a hard failure with AMKO\'s message', () => {
      const reason = tooManyOnLeaderMessage('GSLBConfig');
      expect(steps({}, new Map([['GSLBConfig', reason]])).GSLBConfig).toEqual({ outcome: StepOutcome.Failed, reason });
    });
  });
});

describe('isNewerResult', () => {
  it('prefers the higher seq, then the later record', () => {
    expect(isNewerResult(undefined, ok(1))).toBe(true);
    expect(isNewerResult(ok(5), failed(4))).toBe(false);
    expect(isNewerResult(failed(5), ok(6))).toBe(true);
    expect(isNewerResult(failed(5), { ...ok(5), at: '2026-11-22T10:00:01Z' })).toBe(true);
    expect(isNewerResult({ ...ok(5), at: '2026-11-22T10:00:01Z' }, failed(5))).toBe(false);
  });
});
