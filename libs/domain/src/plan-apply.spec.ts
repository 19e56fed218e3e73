import { describe, expect, it } from 'vitest';
import {
  AMKO_UUID_ANNOTATION,
  APPLIED_AT_ANNOTATION,
  LEADER_EPOCH_ANNOTATION,
  CONTENT_HASH_ANNOTATION,
  FEDERATED_KINDS,
  hashFederatedContent,
  InvalidPayloadError,
  planApply,
  SOURCE_CLUSTER_ANNOTATION,
  SOURCE_RESOURCE_VERSION_ANNOTATION,
  toFederatedCopy,
  type ApplyPlan,
  type DesiredState,
  type FederatedKind,
  type KubeObject,
} from './index.ts';
import { GC_UUID, LEADER, leaderGC } from '../test/fixtures.ts';

const leader = leaderGC();
const present: DesiredState = { state: 'present', object: leader, resourceVersion: '1001' };
const absent: DesiredState = { state: 'absent' };
const ourCopy = (): KubeObject => ({
  ...toFederatedCopy(leader, { sourceCluster: LEADER, sourceResourceVersion: '1001' }, FEDERATED_KINDS.GSLBConfig),
  metadata: {
    ...toFederatedCopy(leader, { sourceCluster: LEADER, sourceResourceVersion: '1001' }, FEDERATED_KINDS.GSLBConfig).metadata,
    resourceVersion: '55',
    uid: 'f-uid',
  },
});
const withMeta = (object: KubeObject, metadata: Partial<KubeObject['metadata']>): KubeObject => ({ ...object, metadata: { ...object.metadata, ...metadata } });
const withAnnotations = (object: KubeObject, annotations: Record<string, string>): KubeObject =>
  withMeta(object, { annotations: { ...object.metadata.annotations, ...annotations } });
const foreign = (kind: FederatedKind, name: string, namespace = 'avi-system', annotations: Record<string, string> = {}): KubeObject => ({
  kind,
  metadata: { name, namespace, resourceVersion: '9', annotations },
  spec: {},
});

interface Case {
  readonly given: string;
  readonly desired: DesiredState;
  readonly observed: KubeObject | undefined;
  readonly kind?: FederatedKind;
  readonly then: ApplyPlan['action'];
  readonly reason: RegExp;
  readonly check?: (plan: ApplyPlan) => void;
}

const cases: Case[] = [
  {
    given: 'the follower lacks the object',
    desired: present,
    observed: undefined,
    then: 'create',
    reason: /^GSLBConfig avi-system\/test-gc is missing on the follower$/,
    check: (plan) => expect(plan.action === 'create' && plan.body).toEqual(toFederatedCopy(leader, { sourceCluster: LEADER, sourceResourceVersion: '1001' }, FEDERATED_KINDS.GSLBConfig)),
  },
  { given: 'the follower holds our up-to-date copy', desired: present, observed: ourCopy(), then: 'noop', reason: /is up to date/ },
  {
    given: 'content matches but provenance is stale (older leader resourceVersion, other source)',
    desired: present,
    observed: withAnnotations(ourCopy(), { [SOURCE_RESOURCE_VERSION_ANNOTATION]: '1', [SOURCE_CLUSTER_ANNOTATION]: 'old-leader', [CONTENT_HASH_ANNOTATION]: 'stale' }),
    then: 'noop',
    reason: /is up to date/,
  },
  {
    given: 'content matches and the follower has extra labels and annotations of its own',
    desired: present,
    observed: withMeta(withAnnotations(ourCopy(), { 'site/x': 'y' }), { labels: { a: 'b' } }),
    then: 'noop',
    reason: /is up to date/,
  },
  {
    given: 'an object made by AMKO or by hand with the same content and no provenance',
    desired: present,
    observed: { ...leaderGC(), metadata: { ...leaderGC().metadata, annotations: { [AMKO_UUID_ANNOTATION]: GC_UUID } } },
    then: 'noop',
    reason: /is up to date/,
  },
  {
    given: 'the follower spec drifted (edited on the follower)',
    desired: present,
    observed: { ...ourCopy(), spec: { ...(leader.spec as object), refreshInterval: 999 } },
    then: 'update',
    reason: /differs from the leader/,
    check: (plan) => {
      expect(plan.action === 'update' && plan.body.spec).toEqual(leader.spec);
      expect(plan.action === 'update' && plan.body.metadata.resourceVersion).toBe('55');
    },
  },
  {
    given: 'the spec drifted but the hash annotation still claims the leader hash',
    desired: present,
    observed: withAnnotations({ ...ourCopy(), spec: { logLevel: 'DEBUG' } }, { [CONTENT_HASH_ANNOTATION]: hashFederatedContent(leader, FEDERATED_KINDS.GSLBConfig) }),
    then: 'update',
    reason: /differs from the leader/,
  },
  {
    given: 'the uuid annotation differs',
    desired: present,
    observed: withAnnotations(ourCopy(), { [AMKO_UUID_ANNOTATION]: 'other' }),
    then: 'update',
    reason: /differs from the leader/,
    check: (plan) => expect(plan.action === 'update' && plan.body.metadata.annotations[AMKO_UUID_ANNOTATION]).toBe(GC_UUID),
  },
  {
    given: 'the leader changed (refreshInterval → 999, as in AMKO’s suite)',
    desired: { state: 'present', object: leaderGC({ spec: { refreshInterval: 999 } }), resourceVersion: '1002' },
    observed: ourCopy(),
    then: 'update',
    reason: /differs from the leader/,
    check: (plan) => expect(plan.action === 'update' && plan.body.metadata.annotations[SOURCE_RESOURCE_VERSION_ANNOTATION]).toBe('1002'),
  },
  {
    given: 'the follower object is being deleted',
    desired: present,
    observed: withMeta(ourCopy(), { deletionTimestamp: '2026-02-01T00:00:00Z' }),
    then: 'create',
    reason: /is being deleted on the follower; re-creating it once the deletion completes/,
  },
  { given: 'neither side has the object', desired: absent, observed: undefined, then: 'noop', reason: /^absent on the leader and on the follower$/ },
  {
    given: 'an extra GSLBConfig alt-test-gc in avi-system, not ours (AMKO consolidation)',
    desired: absent,
    observed: foreign('GSLBConfig', 'alt-test-gc'),
    then: 'delete',
    reason: /GSLBConfig avi-system\/alt-test-gc is not on the leader; GSLBConfig in avi-system mirrors the leader exactly/,
    check: (plan) => expect(plan).toMatchObject({ name: 'alt-test-gc', namespace: 'avi-system', resourceVersion: '9' }),
  },
  {
    given: 'an extra GDP alt-test-gdp in avi-system, not ours',
    desired: absent,
    observed: foreign('GlobalDeploymentPolicy', 'alt-test-gdp'),
    kind: 'GlobalDeploymentPolicy',
    then: 'delete',
    reason: /mirrors the leader exactly/,
  },
  { given: 'our copy after the leader deleted its GSLBConfig', desired: absent, observed: ourCopy(), then: 'delete', reason: /mirrors the leader exactly/ },
  {
    given: 'a GSLBConfig outside avi-system that is not ours',
    desired: absent,
    observed: foreign('GSLBConfig', 'gc', 'elsewhere'),
    then: 'noop',
    reason: /GSLBConfig elsewhere\/gc is not on the leader and was not created by amko-federation, left alone/,
  },
  {
    given: 'a GSLBHostRule that is not ours',
    desired: absent,
    observed: foreign('GSLBHostRule', 'ghr-1'),
    kind: 'GSLBHostRule',
    then: 'noop',
    reason: /not created by amko-federation, left alone/,
  },
  {
    given: 'a GSLBHostRule with an empty source-cluster annotation',
    desired: absent,
    observed: foreign('GSLBHostRule', 'ghr-1', 'avi-system', { [SOURCE_CLUSTER_ANNOTATION]: '' }),
    kind: 'GSLBHostRule',
    then: 'noop',
    reason: /left alone/,
  },
  {
    given: 'a GSLBHostRule we federated',
    desired: absent,
    observed: foreign('GSLBHostRule', 'ghr-1', 'tenant-a', { [SOURCE_CLUSTER_ANNOTATION]: LEADER }),
    kind: 'GSLBHostRule',
    then: 'delete',
    reason: /GSLBHostRule tenant-a\/ghr-1 is not on the leader; it was federated from cluster1/,
  },
  {
    given: 'a GSLBHostRule federated by a previous leader',
    desired: absent,
    observed: foreign('GSLBHostRule', 'ghr-1', 'avi-system', { [SOURCE_CLUSTER_ANNOTATION]: 'old-leader' }),
    kind: 'GSLBHostRule',
    then: 'delete',
    reason: /federated from old-leader/,
  },
  {
    given: 'a follower object already being deleted while the leader has none',
    desired: absent,
    observed: withMeta(foreign('GSLBConfig', 'alt-test-gc'), { deletionTimestamp: '2026-02-01T00:00:00Z' }),
    then: 'noop',
    reason: /is already being deleted on the follower/,
  },
];

describe('planApply', () => {
  describe('when given each leader/follower situation', () => {
    it.each(cases)('given $given → $then', ({ desired, observed, kind, then, reason, check }) => {
      const plan = planApply({ desired, observed, kindInfo: FEDERATED_KINDS[kind ?? 'GSLBConfig'], sourceCluster: LEADER });
      expect(plan.action).toBe(then);
      expect(plan.reason).toMatch(reason);
      check?.(plan);
    });
  });

  describe('when the observed object is another object than the desired one', () => {
    it('throws InvalidPayloadError (terminal) instead of overwriting it', () => {
      const other = withMeta(ourCopy(), { name: 'other-gc' });
      expect(() => planApply({ desired: present, observed: other, kindInfo: FEDERATED_KINDS.GSLBConfig, sourceCluster: LEADER })).toThrow(InvalidPayloadError);
    });
  });

  describe('when an update is applied and planned again', () => {
    it('converges: the second plan is a noop', () => {
      const drifted = { ...ourCopy(), spec: { logLevel: 'DEBUG' } };
      const first = planApply({ desired: present, observed: drifted, kindInfo: FEDERATED_KINDS.GSLBConfig, sourceCluster: LEADER });
      if (first.action !== 'update') throw new Error('expected an update');
      const second = planApply({ desired: present, observed: first.body, kindInfo: FEDERATED_KINDS.GSLBConfig, sourceCluster: LEADER });
      expect(second.action).toBe('noop');
    });
  });

  describe('when the leader has an epoch (leadership epochs)', () => {
    const NOW = '2026-12-06T04:00:00.000Z';
    const plan = (observed: KubeObject | undefined, epoch = 3) =>
      planApply({ desired: present, observed, kindInfo: FEDERATED_KINDS.GSLBConfig, sourceCluster: LEADER, epoch, now: NOW });
    const annotationsOf = (result: ApplyPlan) => (result.action === 'create' || result.action === 'update' ? result.body.metadata.annotations : undefined);

    it('stamps a created copy with the epoch and the time', () => {
      const created = plan(undefined);
      expect(created.action).toBe('create');
      expect(annotationsOf(created)).toMatchObject({ [LEADER_EPOCH_ANNOTATION]: '3', [APPLIED_AT_ANNOTATION]: NOW, [SOURCE_CLUSTER_ANNOTATION]: LEADER });
    });

    it.each([
      ['a copy from before epochs', {}],
      ['a copy of an earlier leadership', { [LEADER_EPOCH_ANNOTATION]: '2' }],
    ])('re-stamps %s whose content is up to date', (_, annotations) => {
      const restamp = plan(withAnnotations(ourCopy(), annotations));
      expect(restamp.action).toBe('update');
      expect(restamp.reason).toMatch(/is up to date but was written .*; re-stamping it at epoch 3$/);
      expect(annotationsOf(restamp)).toMatchObject({ [LEADER_EPOCH_ANNOTATION]: '3', [APPLIED_AT_ANNOTATION]: NOW });
    });

    it('leaves a copy that already carries this epoch alone', () => {
      expect(plan(withAnnotations(ourCopy(), { [LEADER_EPOCH_ANNOTATION]: '3' })).action).toBe('noop');
    });

    it('converges: a re-stamped copy plans a noop next time', () => {
      const first = plan(ourCopy());
      if (first.action !== 'update') throw new Error('expected an update');
      expect(plan(first.body).action).toBe('noop');
    });

    it('stamps nothing without an epoch (a watcher from before epochs)', () => {
      const created = planApply({ desired: present, observed: undefined, kindInfo: FEDERATED_KINDS.GSLBConfig, sourceCluster: LEADER });
      expect(annotationsOf(created)).not.toHaveProperty(LEADER_EPOCH_ANNOTATION);
      expect(annotationsOf(created)).not.toHaveProperty(APPLIED_AT_ANNOTATION);
    });
  });
});
