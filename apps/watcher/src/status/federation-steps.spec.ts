import { followerListFailedMessage, StepOutcome, tooManyOnLeaderMessage, type FederatedKind, type ObjectKey } from '@amko-fed/domain';
import { describe, expect, it } from 'vitest';
import { federationSteps, isNewerResult, type ResultSummary } from './federation-steps.ts';

const gc = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const gdp = 'GlobalDeploymentPolicy/avi-system/global-gdp' as ObjectKey;
const projection: [ObjectKey, { seq: number }][] = [[gc, { seq: 10 }], [gdp, { seq: 4 }]];
const ok = (seq: number, seenMs = 2_000): ResultSummary => ({ seq, atMs: Date.parse('2026-11-22T10:00:00Z'), failed: false, message: undefined, seenMs });
const failed = (seq: number, message = 'replace GSLBConfig avi-system/gc-1 on cluster3: Internal error'): ResultSummary => ({ seq, atMs: Date.parse('2026-11-22T10:00:00Z'), failed: true, message, seenMs: 2_000 });

type Pending = Record<string, Partial<Record<ObjectKey, { why: string; seq: number; sinceMs: number }>>>;

type Unlisted = Record<string, ReadonlyMap<FederatedKind, string>>;

function steps(results: Record<string, Partial<Record<ObjectKey, ResultSummary>>>, leaderProblems = new Map(), pending: Pending = {}, unlisted: Unlisted = {}) {
  return federationSteps({
    kinds: ['GSLBConfig', 'GlobalDeploymentPolicy'],
    validFollowers: ['cluster2', 'cluster3'],
    projection,
    result: (cluster, key) => results[cluster]?.[key],
    pending: (cluster, key) => pending[cluster]?.[key],
    unlisted: (cluster) => unlisted[cluster],
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

  describe('when a resync found a follower holding an object the leader does not have', () => {
    const found: Pending = { cluster3: { [gdp]: { why: 'extra', seq: 4, sinceMs: 1_000 } } };

    it('is partly failed until a result at that seq arrives', () => {
      expect(steps({}, new Map(), found).GlobalDeploymentPolicy).toEqual({
        outcome: StepOutcome.PartlyFailed,
        failures: [{ cluster: 'cluster3', message: `${gdp}: on the follower but not on the leader, not reconciled yet` }],
      });
      expect(steps({ cluster3: { [gdp]: ok(3) } }, new Map(), found).GlobalDeploymentPolicy?.outcome).toBe(StepOutcome.PartlyFailed);
    });

    it('succeeds once the reconcile reported', () => {
      expect(steps({ cluster3: { [gdp]: ok(4) } }, new Map(), found).GlobalDeploymentPolicy).toEqual({ outcome: StepOutcome.Succeeded });
    });

    it('is not cleared by a result received before the follower was listed', () => {
      expect(steps({ cluster3: { [gdp]: ok(4, 999) } }, new Map(), found).GlobalDeploymentPolicy?.outcome).toBe(StepOutcome.PartlyFailed);
    });
  });

  describe('when a resync found other differences', () => {
    it.each([
      ['missing', 'missing on the follower'],
      ['differs', 'differs from the leader on the follower'],
      ['deleting', 'being deleted on the follower'],
    ])('names %s objects', (why, text) => {
      expect(steps({}, new Map(), { cluster2: { [gc]: { why, seq: 10, sinceMs: 1_000 } } }).GSLBConfig).toEqual({
        outcome: StepOutcome.PartlyFailed,
        failures: [{ cluster: 'cluster2', message: `${gc}: ${text}, not reconciled yet` }],
      });
    });
  });

  describe('when the last resync could not list a kind on a follower', () => {
    const cause = 'list GlobalDeploymentPolicy in avi-system on cluster3: 403 Forbidden';
    const unlisted: Unlisted = { cluster3: new Map([['GlobalDeploymentPolicy', cause]]) };

    it('is partly failed for that kind, naming the follower and why, even with every result applied', () => {
      const result = steps({ cluster2: { [gc]: ok(10), [gdp]: ok(4) }, cluster3: { [gc]: ok(10), [gdp]: ok(4) } }, new Map(), {}, unlisted);
      expect(result.GlobalDeploymentPolicy).toEqual({
        outcome: StepOutcome.PartlyFailed,
        failures: [{ cluster: 'cluster3', message: followerListFailedMessage('GlobalDeploymentPolicy', cause) }],
      });
      expect(result.GSLBConfig).toEqual({ outcome: StepOutcome.Succeeded });
    });

    it('says so in words a user can act on', () => {
      expect(followerListFailedMessage('GlobalDeploymentPolicy', cause)).toBe(
        `cannot list GlobalDeploymentPolicy list on this follower in avi-system namespace, copies the leader no longer has cannot be found there: ${cause}`,
      );
    });

    it('ignores a follower that is not valid', () => {
      expect(steps({}, new Map(), {}, { cluster4: new Map([['GSLBConfig', cause]]) }).GSLBConfig).toEqual({ outcome: StepOutcome.Succeeded });
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
    expect(isNewerResult(failed(5), { ...ok(5), atMs: Date.parse('2026-11-22T10:00:01Z') })).toBe(true);
    expect(isNewerResult({ ...ok(5), atMs: Date.parse('2026-11-22T10:00:01Z') }, failed(5))).toBe(false);
  });
});
