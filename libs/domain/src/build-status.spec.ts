import { describe, expect, it } from 'vitest';
import {
  buildStatus,
  conditionsEqual,
  joinReasons,
  MAX_REASON_LENGTH,
  toStepResult,
  tooManyOnLeaderMessage,
  type StatusCondition,
  type StatusReport,
} from './index.ts';

const ok = { outcome: 'succeeded' } as const;
const VALID = { type: 'current AMKOCluster Validation', status: 'valid AMKOCluster object' };
const FETCHED = { type: 'member cluster initialisation', status: 'all cluster clients fetched' };
const VALIDATED = { type: 'member cluster validation', status: 'validated all member clusters' };
const GC_OK = { type: 'GSLBConfig Federation', status: 'federated to all valid clusters successfully' };
const GDP_OK = { type: 'GDP Federation', status: 'federated to all valid clusters successfully' };

interface Case {
  readonly given: string;
  readonly report: StatusReport;
  readonly then: StatusCondition[];
}

const cases: Case[] = [
  {
    given: 'a follower',
    report: { stage: 'not-leader' },
    then: [{ type: 'current AMKOCluster Validation', status: "won't federate objects", reason: 'AMKO not a leader' }],
  },
  {
    given: 'an invalid AMKOCluster (empty version)',
    report: { stage: 'invalid-amkocluster', reason: "version field can't be empty in AMKOCluster object" },
    then: [{ type: 'current AMKOCluster Validation', status: 'invalid AMKOCluster object', reason: "version field can't be empty in AMKOCluster object" }],
  },
  {
    given: 'a member context missing from the kubeconfig',
    report: { stage: 'member-initialisation', memberInit: { outcome: 'failed', reason: 'error in initialising member cluster contexts: x' } },
    then: [VALID, { type: 'member cluster initialisation', status: 'member cluster clients invalid', reason: 'error in initialising member cluster contexts: x' }],
  },
  { given: 'a pass that stopped after a successful member initialisation', report: { stage: 'member-initialisation', memberInit: ok }, then: [VALID, FETCHED] },
  {
    given: 'another leader among the members',
    report: {
      stage: 'member-validation',
      memberInit: ok,
      memberValidation: { outcome: 'failed', reason: 'AMKO in cluster cluster2 is also a leader, conflicting state' },
    },
    then: [VALID, FETCHED, { type: 'member cluster validation', status: 'member cluster clients invalid', reason: 'AMKO in cluster cluster2 is also a leader, conflicting state' }],
  },
  {
    given: 'the only member on another version (no valid clusters left)',
    report: {
      stage: 'member-validation',
      memberInit: ok,
      memberValidation: { outcome: 'partly-failed', failures: [{ cluster: 'cluster2', message: 'version mismatch, current AMKO: 1.4.2, AMKO in cluster cluster2: 1.5.1' }] },
    },
    then: [
      VALID,
      FETCHED,
      { type: 'member cluster validation', status: 'error in validating some member clusters', reason: 'version mismatch, current AMKO: 1.4.2, AMKO in cluster cluster2: 1.5.1' },
    ],
  },
  {
    given: 'success everywhere',
    report: { stage: 'federation', memberInit: ok, memberValidation: ok, federation: { GSLBConfig: ok, GlobalDeploymentPolicy: ok } },
    then: [VALID, FETCHED, VALIDATED, GC_OK, GDP_OK],
  },
  {
    given: 'skipped members, a client failure and per-cluster federation failures',
    report: {
      stage: 'federation',
      memberInit: { outcome: 'partly-failed', failures: [{ cluster: 'c4', message: 'error in initializing member custer context c4: bad cert' }] },
      memberValidation: {
        outcome: 'partly-failed',
        failures: [
          { cluster: 'c3', message: "no AMKOCluster object present in cluster c3, can't federate" },
          { cluster: 'c2', message: 'cluster client unavailable for cluster c2' },
        ],
      },
      federation: {
        GSLBConfig: {
          outcome: 'partly-failed',
          failures: [
            { cluster: 'c6', message: 'Could not update GSLBConfig avi-system/gc-1: conflict' },
            { cluster: 'c5', message: 'Could not update GSLBConfig avi-system/gc-1: 503' },
            { cluster: 'c5', message: 'Could not update GSLBConfig avi-system/gc-1: 503' },
          ],
        },
        GlobalDeploymentPolicy: ok,
      },
    },
    then: [
      VALID,
      { type: 'member cluster initialisation', status: "some member cluster clients couldn't be fetched", reason: 'error in initializing member custer context c4: bad cert' },
      {
        type: 'member cluster validation',
        status: 'error in validating some member clusters',
        reason: "no AMKOCluster object present in cluster c3, can't federate,cluster client unavailable for cluster c2",
      },
      {
        type: 'GSLBConfig Federation',
        status: 'error in federating to some clusters',
        reason: 'c5: Could not update GSLBConfig avi-system/gc-1: 503,c6: Could not update GSLBConfig avi-system/gc-1: conflict',
      },
      GDP_OK,
    ],
  },
  {
    given: 'a hard GSLBConfig failure that stopped the pass before GDP',
    report: {
      stage: 'federation',
      memberInit: ok,
      memberValidation: ok,
      federation: { GSLBConfig: { outcome: 'failed', reason: tooManyOnLeaderMessage('GSLBConfig') } },
    },
    then: [VALID, FETCHED, VALIDATED, { type: 'GSLBConfig Federation', status: 'failure in federation', reason: 'more than one GSLBConfig objects are present in the current cluster' }],
  },
  {
    given: 'GSLBHostRule federation enabled',
    report: { stage: 'federation', memberInit: ok, memberValidation: ok, federation: { GSLBHostRule: ok, GSLBConfig: ok, GlobalDeploymentPolicy: ok } },
    then: [VALID, FETCHED, VALIDATED, GC_OK, GDP_OK, { type: 'GSLBHostRule Federation', status: 'federated to all valid clusters successfully' }],
  },
  {
    given: 'a partly-failed step with an empty failure list',
    report: { stage: 'member-initialisation', memberInit: { outcome: 'partly-failed', failures: [] } },
    then: [VALID, FETCHED],
  },
];

describe('buildStatus', () => {
  describe('when given each reached stage', () => {
    it.each(cases)('given $given → the AMKO conditions', ({ report, then }) => {
      expect(buildStatus(report)).toEqual(then);
    });
  });

  describe('when a step succeeded', () => {
    it('writes no reason field at all (omitempty)', () => {
      const conditions = buildStatus({ stage: 'federation', memberInit: ok, memberValidation: ok, federation: { GSLBConfig: ok } });
      for (const c of conditions) expect('reason' in c).toBe(false);
    });
  });

  describe('when thousands of failures are reported', () => {
    it(`caps the reason at ${MAX_REASON_LENGTH} characters and counts the rest`, () => {
      const failures = Array.from({ length: 5000 }, (_, i) => ({ cluster: `c${String(i).padStart(4, '0')}`, message: 'Could not update GSLBHostRule avi-system/x: 503' }));
      const [, , , , , ghr] = buildStatus({ stage: 'federation', memberInit: ok, memberValidation: ok, federation: { GSLBConfig: ok, GlobalDeploymentPolicy: ok, GSLBHostRule: { outcome: 'partly-failed', failures } } });
      expect(ghr?.reason?.length).toBeLessThanOrEqual(MAX_REASON_LENGTH + 30);
      expect(ghr?.reason).toMatch(/^c0000: .*,\.\.\. and \d+ more$/);
    });
  });
});

describe('joinReasons', () => {
  const long = 'x'.repeat(MAX_REASON_LENGTH + 10);
  const cases = [
    { given: ['a', 'b'], then: 'a,b' },
    { given: [], then: '' },
    { given: [long], then: `${'x'.repeat(MAX_REASON_LENGTH)}...` },
    { given: ['a', long], then: 'a,... and 1 more' },
  ];
  it.each(cases)('joins $given.length parts AMKO-style', ({ given, then }) => {
    expect(joinReasons(given)).toBe(then);
  });
});

describe('toStepResult', () => {
  const cases = [
    { given: 'no failures and no reason', failures: [], reason: undefined, then: { outcome: 'succeeded' } },
    { given: 'an empty reason', failures: [], reason: '', then: { outcome: 'succeeded' } },
    { given: 'a reason', failures: [], reason: 'boom', then: { outcome: 'failed', reason: 'boom' } },
    { given: 'failures and a reason (failures win, as in AMKO)', failures: [{ cluster: 'c', message: 'm' }], reason: 'boom', then: { outcome: 'partly-failed', failures: [{ cluster: 'c', message: 'm' }] } },
  ];
  it.each(cases)('given $given → $then.outcome', ({ failures, reason, then }) => {
    expect(toStepResult(failures, reason)).toEqual(then);
  });
});

describe('conditionsEqual', () => {
  const a = [VALID, { type: 't', status: 's', reason: 'r' }];
  const cases = [
    { given: 'identical lists', left: a, right: [...a], then: true },
    { given: 'absent vs empty reason', left: [{ type: 't', status: 's' }], right: [{ type: 't', status: 's', reason: '' }], then: true },
    { given: 'undefined vs empty list', left: undefined, right: [], then: true },
    { given: 'different reason', left: a, right: [VALID, { type: 't', status: 's', reason: 'other' }], then: false },
    { given: 'different status', left: [VALID], right: [{ ...VALID, status: 'invalid AMKOCluster object' }], then: false },
    { given: 'different order', left: a, right: [...a].reverse(), then: false },
    { given: 'an extra condition', left: a, right: [...a, GC_OK], then: false },
    { given: 'extra unknown fields (pruned by the API server)', left: [{ ...VALID, lastTransitionTime: 'x' }], right: [VALID], then: true },
  ];
  it.each(cases)('given $given → $then', ({ left, right, then }) => {
    expect(conditionsEqual(left, right)).toBe(then);
  });
});
