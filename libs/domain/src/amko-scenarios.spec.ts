/**
 * AMKO's federator suite scenarios (reference §9) that concern validation and status, run through
 * the pure rules chained the way the watcher chains them: validateAMKOCluster → initMembers →
 * validateMembers → buildStatus. Federation results are given (the replicators' part).
 */
import { describe, expect, it } from 'vitest';
import {
  buildStatus,
  initMembers,
  toMemberInitStep,
  toMemberValidationStep,
  validateAMKOCluster,
  validateMembers,
  type FederationResults,
  type MemberFacts,
  type StatusCondition,
  type StatusReport,
} from './index.ts';
import { amkoCluster, FOLLOWER, followerSpec, kubeconfigText, LEADER, leaderSpec, OTHER_VERSION } from '../test/fixtures.ts';

interface World {
  readonly local: Record<string, unknown>;
  readonly kubeconfig: string | undefined;
  /** What each member's avi-system holds, by context name. */
  readonly members: Readonly<Record<string, readonly unknown[]>>;
  readonly federation?: FederationResults;
}

function pass(world: World): StatusCondition[] | 'no status' {
  const local = validateAMKOCluster(world.local, [world.local]);
  let report: StatusReport;
  switch (local.outcome) {
    case 'no-object':
    case 'too-many':
      return 'no status';
    case 'follower':
      report = { stage: 'not-leader' };
      break;
    case 'invalid':
      report = { stage: 'invalid-amkocluster', reason: local.reason };
      break;
    case 'leader': {
      const init = initMembers(local.spec, world.kubeconfig, { kind: 'env' });
      const memberInit = toMemberInitStep(init);
      if (init.outcome === 'failed' || init.members.length === 0) {
        report = { stage: 'member-initialisation', memberInit };
        break;
      }
      const facts = init.members.map((m): MemberFacts => ({ observation: 'listed', cluster: m.name, amkoClusters: world.members[m.name] ?? [] }));
      const validation = validateMembers(facts, local.spec.version);
      const memberValidation = toMemberValidationStep(validation);
      if (validation.outcome === 'stop-all' || validation.valid.length === 0) {
        report = { stage: 'member-validation', memberInit, memberValidation };
        break;
      }
      report = { stage: 'federation', memberInit, memberValidation, federation: world.federation ?? { GSLBConfig: { outcome: 'succeeded' }, GlobalDeploymentPolicy: { outcome: 'succeeded' } } };
      break;
    }
    default: {
      const _exhaustive: never = local;
      return 'no status';
    }
  }
  return buildStatus(report);
}

const healthy: World = { local: amkoCluster(leaderSpec), kubeconfig: kubeconfigText([FOLLOWER]), members: { [FOLLOWER]: [amkoCluster(followerSpec)] } };
const SUCCESS = [
  { type: 'current AMKOCluster Validation', status: 'valid AMKOCluster object' },
  { type: 'member cluster initialisation', status: 'all cluster clients fetched' },
  { type: 'member cluster validation', status: 'validated all member clusters' },
  { type: 'GSLBConfig Federation', status: 'federated to all valid clusters successfully' },
  { type: 'GDP Federation', status: 'federated to all valid clusters successfully' },
];
const HEAD = SUCCESS.slice(0, 2);
const NOTHING_TO_FEDERATE =
  "error in initialising member cluster contexts: no member clusters in spec.clusters besides the current cluster cluster1, nothing to federate; add the follower cluster contexts to the AMKOCluster's spec.clusters";

interface Scenario {
  readonly given: string;
  readonly world: World;
  readonly then: StatusCondition[] | 'no status';
}

const scenarios: Scenario[] = [
  { given: 'leader and follower, both healthy: success on all five conditions', world: healthy, then: SUCCESS },
  {
    given: 'an empty version',
    world: { ...healthy, local: amkoCluster({ ...leaderSpec, version: '' }) },
    then: [{ type: 'current AMKOCluster Validation', status: 'invalid AMKOCluster object', reason: "version field can't be empty in AMKOCluster object" }],
  },
  {
    given: 'clusters without the current context (AMKO fails; we do not require it, as the docs say)',
    world: { ...healthy, local: amkoCluster({ ...leaderSpec, clusters: [FOLLOWER] }) },
    then: SUCCESS,
  },
  ...[
    { what: 'no clusters field', spec: { isLeader: true, clusterContext: LEADER, version: leaderSpec.version } },
    { what: 'an empty clusters list (AMKO: "current cluster context cluster1 not part of member clusters")', spec: { ...leaderSpec, clusters: [] } },
    { what: 'clusters holding only the current context', spec: { ...leaderSpec, clusters: [LEADER] } },
  ].map(({ what, spec }): Scenario => ({
    given: `${what}: nothing is federated and the status says so`,
    world: { ...healthy, local: amkoCluster(spec) },
    then: [HEAD[0]!, { type: 'member cluster initialisation', status: 'member cluster clients invalid', reason: NOTHING_TO_FEDERATE }],
  })),
  {
    // AMKO's exact input: its own context is then just another member, whose AMKOCluster (this
    // very object) is a leader, so the pass stops safely and says which context it tripped on.
    given: 'clusterContext "invalid-context" while clusters still lists the leader itself',
    world: {
      ...healthy,
      local: amkoCluster({ ...leaderSpec, clusterContext: 'invalid-context' }),
      kubeconfig: kubeconfigText([LEADER, FOLLOWER]),
      members: { [LEADER]: [amkoCluster({ ...leaderSpec, clusterContext: 'invalid-context' })], [FOLLOWER]: [amkoCluster(followerSpec)] },
    },
    then: [...HEAD, { type: 'member cluster validation', status: 'member cluster clients invalid', reason: 'AMKO in cluster cluster1 is also a leader, conflicting state' }],
  },
  {
    given: 'an extra invalid-cluster that the kubeconfig lacks',
    world: { ...healthy, local: amkoCluster({ ...leaderSpec, clusters: [LEADER, FOLLOWER, 'invalid-cluster'] }) },
    then: [
      HEAD[0]!,
      {
        type: 'member cluster initialisation',
        status: 'member cluster clients invalid',
        reason: 'error in initialising member cluster contexts: error in building context config for kubernetes cluster invalid-cluster: context "invalid-cluster" does not exist',
      },
    ],
  },
  {
    given: 'the follower on another version',
    world: { ...healthy, members: { [FOLLOWER]: [amkoCluster({ ...followerSpec, version: OTHER_VERSION })] } },
    then: [...HEAD, { type: 'member cluster validation', status: 'error in validating some member clusters', reason: 'version mismatch, current AMKO: 1.4.2, AMKO in cluster cluster2: 1.5.1' }],
  },
  {
    given: 'no AMKOCluster on the follower',
    world: { ...healthy, members: { [FOLLOWER]: [] } },
    then: [...HEAD, { type: 'member cluster validation', status: 'error in validating some member clusters', reason: "no AMKOCluster object present in cluster cluster2, can't federate" }],
  },
  {
    given: 'both clusters leaders',
    world: { ...healthy, members: { [FOLLOWER]: [amkoCluster({ ...followerSpec, isLeader: true })] } },
    then: [...HEAD, { type: 'member cluster validation', status: 'member cluster clients invalid', reason: 'AMKO in cluster cluster2 is also a leader, conflicting state' }],
  },
  {
    given: 'this cluster is a follower',
    world: { ...healthy, local: amkoCluster(followerSpec) },
    then: [{ type: 'current AMKOCluster Validation', status: "won't federate objects", reason: 'AMKO not a leader' }],
  },
  { given: 'no GSLB_CONFIG', world: { ...healthy, kubeconfig: undefined }, then: [HEAD[0]!, { type: 'member cluster initialisation', status: 'member cluster clients invalid', reason: 'error in fetching the GSLB_CONFIG env variable, this contains the members kube config, check gslb-config-secret' }] },
];

describe('AMKO federator scenarios', () => {
  describe('when a pass runs over each situation of AMKO’s suite', () => {
    it.each(scenarios)('given $given → its conditions', ({ world, then }) => {
      expect(pass(world)).toEqual(then);
    });
  });

  describe('when the member problem is fixed (recovery)', () => {
    const broken: World[] = [
      { ...healthy, members: { [FOLLOWER]: [amkoCluster({ ...followerSpec, version: OTHER_VERSION })] } },
      { ...healthy, members: { [FOLLOWER]: [] } },
      { ...healthy, members: { [FOLLOWER]: [amkoCluster({ ...followerSpec, isLeader: true })] } },
    ];
    it.each(broken.map((world, i) => ({ i, world })))('returns to success on all five conditions (case $i)', ({ world }) => {
      expect(pass(world)).not.toEqual(SUCCESS);
      expect(pass({ ...world, members: healthy.members })).toEqual(SUCCESS);
    });
  });
});
