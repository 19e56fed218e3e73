import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initMembers, KubeconfigSourceKind, memberNames, noMembersFailure, readKubeconfig, type KubeconfigSource, type MemberInitialisation } from './index.ts';
import { allStrings, FOLLOWER, kubeconfigText, LEADER, SECRET_SENTINELS } from '../test/fixtures.ts';

const spec = (clusters: string[], clusterContext = LEADER) => ({ clusterContext, clusters });
const ENV: KubeconfigSource = { kind: KubeconfigSourceKind.Env };
const FILE: KubeconfigSource = { kind: KubeconfigSourceKind.File, path: '/etc/amko/gslb-members' };
const SECRET: KubeconfigSource = { kind: KubeconfigSourceKind.Secret, namespace: 'avi-system', name: 'gslb-config-secret', key: 'gslb-members' };
const CTX_ERR = 'error in initialising member cluster contexts: ';
const NOTHING_TO_FEDERATE = `${CTX_ERR}no member clusters in spec.clusters besides the current cluster ${LEADER}, nothing to federate; add the follower cluster contexts to the AMKOCluster's spec.clusters`;

interface Case {
  readonly given: string;
  readonly spec: { clusterContext?: string; clusters?: string[] };
  readonly kubeconfig: string | undefined;
  /** Where the kubeconfig text came from. @defaultValue GSLB_CONFIG */
  readonly source?: KubeconfigSource;
  readonly then: MemberInitialisation['outcome'];
  readonly members?: string[];
  readonly missing?: string[];
  readonly reason?: string;
}

const cases: Case[] = [
  { given: 'the leader and one follower', spec: spec([LEADER, FOLLOWER]), kubeconfig: kubeconfigText([FOLLOWER]), then: 'initialised', members: [FOLLOWER] },
  {
    given: 'clusters without the current context (our difference: not required)',
    spec: spec([FOLLOWER]),
    kubeconfig: kubeconfigText([FOLLOWER]),
    then: 'initialised',
    members: [FOLLOWER],
  },
  {
    given: 'duplicates in clusters',
    spec: spec(['c3', FOLLOWER, LEADER, 'c3', FOLLOWER]),
    kubeconfig: kubeconfigText([FOLLOWER, 'c3']),
    then: 'initialised',
    members: ['c3', FOLLOWER],
  },
  { given: 'no clusters field', spec: { clusterContext: LEADER }, kubeconfig: kubeconfigText(), then: 'failed', members: [], reason: NOTHING_TO_FEDERATE },
  { given: 'an empty clusters list', spec: spec([]), kubeconfig: kubeconfigText(), then: 'failed', members: [], reason: NOTHING_TO_FEDERATE },
  { given: 'only the current context', spec: spec([LEADER]), kubeconfig: kubeconfigText([FOLLOWER]), then: 'failed', members: [], reason: NOTHING_TO_FEDERATE },
  { given: 'only the current context, twice', spec: spec([LEADER, LEADER]), kubeconfig: kubeconfigText([FOLLOWER]), then: 'failed', reason: NOTHING_TO_FEDERATE },
  {
    given: 'no member and no members kubeconfig (the empty list is reported: no kubeconfig is needed to federate to nobody)',
    spec: spec([]),
    kubeconfig: undefined,
    then: 'failed',
    reason: NOTHING_TO_FEDERATE,
  },
  {
    given: 'no member and no clusterContext',
    spec: { clusters: [] },
    kubeconfig: kubeconfigText(),
    then: 'failed',
    reason: `${CTX_ERR}no member clusters in spec.clusters, nothing to federate; add the follower cluster contexts to the AMKOCluster's spec.clusters`,
  },
  {
    given: 'an extra invalid-cluster missing from the kubeconfig (AMKO suite)',
    spec: spec([LEADER, FOLLOWER, 'invalid-cluster']),
    kubeconfig: kubeconfigText([FOLLOWER]),
    then: 'failed',
    members: [FOLLOWER],
    missing: ['invalid-cluster'],
    reason: `${CTX_ERR}error in building context config for kubernetes cluster invalid-cluster: context "invalid-cluster" does not exist`,
  },
  {
    given: 'two missing contexts (reason names the first, missing lists both)',
    spec: spec(['gone-1', FOLLOWER, 'gone-2']),
    kubeconfig: kubeconfigText([FOLLOWER]),
    then: 'failed',
    missing: ['gone-1', 'gone-2'],
    reason: `${CTX_ERR}error in building context config for kubernetes cluster gone-1: context "gone-1" does not exist`,
  },
  {
    given: 'an empty member name',
    spec: spec(['']),
    kubeconfig: kubeconfigText([FOLLOWER]),
    then: 'failed',
    missing: [''],
    reason: `${CTX_ERR}error in building context config for kubernetes cluster : context "" does not exist`,
  },
  {
    given: 'no GSLB_CONFIG',
    spec: spec([LEADER, FOLLOWER]),
    kubeconfig: undefined,
    then: 'failed',
    reason: 'error in fetching the GSLB_CONFIG env variable, this contains the members kube config, check gslb-config-secret',
  },
  {
    given: 'an empty GSLB_CONFIG',
    spec: spec([LEADER, FOLLOWER]),
    kubeconfig: '  \n',
    then: 'failed',
    reason: 'error in fetching the GSLB_CONFIG env variable, this contains the members kube config, check gslb-config-secret',
  },
  {
    given: 'a kubeconfig that is not YAML',
    spec: spec([FOLLOWER]),
    kubeconfig: 'users:\n- name: u\n  user: {token: TOKEN-SENTINEL-9f8e7d\n',
    then: 'failed',
    reason: `${CTX_ERR}members kubeconfig (GSLB_CONFIG) is not valid YAML: BAD_INDENT at line 4, column 1`,
  },
  {
    given: 'a kubeconfig whose contexts is a map',
    spec: spec([FOLLOWER]),
    kubeconfig: 'contexts: {cluster2: {cluster: c}}\n',
    then: 'failed',
    reason: `${CTX_ERR}invalid members kubeconfig (GSLB_CONFIG): contexts: expected array, received object`,
  },
  {
    given: 'a context entry without a name',
    spec: spec([FOLLOWER]),
    kubeconfig: 'contexts:\n- context: {cluster: c, user: u}\n',
    then: 'failed',
    reason: `${CTX_ERR}invalid members kubeconfig (GSLB_CONFIG): contexts[0].name: required string, missing`,
  },
  {
    given: 'a kubeconfig that is a bare string (e.g. a pasted token)',
    spec: spec([FOLLOWER]),
    kubeconfig: 'TOKEN-SENTINEL-9f8e7d',
    then: 'failed',
    reason: `${CTX_ERR}invalid members kubeconfig (GSLB_CONFIG): (root): expected object, received string`,
  },
  {
    given: 'a GSLB_CONFIG_FILE that is not YAML (the file is named, not GSLB_CONFIG)',
    spec: spec([FOLLOWER]),
    kubeconfig: 'users:\n- name: u\n  user: {token: TOKEN-SENTINEL-9f8e7d\n',
    source: FILE,
    then: 'failed',
    reason: `${CTX_ERR}members kubeconfig (GSLB_CONFIG_FILE /etc/amko/gslb-members) is not valid YAML: BAD_INDENT at line 4, column 1`,
  },
  {
    given: 'a GSLB_CONFIG_FILE that is not a kubeconfig',
    spec: spec([FOLLOWER]),
    kubeconfig: 'contexts: {cluster2: {cluster: c}}\n',
    source: FILE,
    then: 'failed',
    reason: `${CTX_ERR}invalid members kubeconfig (GSLB_CONFIG_FILE /etc/amko/gslb-members): contexts: expected array, received object`,
  },
  {
    given: 'an empty GSLB_CONFIG_FILE (not AMKO\'s GSLB_CONFIG message)',
    spec: spec([FOLLOWER]),
    kubeconfig: '',
    source: FILE,
    then: 'failed',
    reason: `${CTX_ERR}members kubeconfig (GSLB_CONFIG_FILE /etc/amko/gslb-members) is empty`,
  },
  {
    given: 'a gslb-config-secret whose key is not a kubeconfig (read through the API)',
    spec: spec([FOLLOWER]),
    kubeconfig: 'TOKEN-SENTINEL-9f8e7d',
    source: SECRET,
    then: 'failed',
    reason: `${CTX_ERR}invalid members kubeconfig (secret avi-system/gslb-config-secret key gslb-members): (root): expected object, received string`,
  },
  {
    given: 'no gslb-config-secret either (AMKO\'s message: nothing configured)',
    spec: spec([FOLLOWER]),
    kubeconfig: undefined,
    source: SECRET,
    then: 'failed',
    reason: 'error in fetching the GSLB_CONFIG env variable, this contains the members kube config, check gslb-config-secret',
  },
  {
    given: 'a context whose cluster entry is missing',
    spec: spec([FOLLOWER]),
    kubeconfig: 'contexts:\n- name: cluster2\n  context: {cluster: nowhere, user: u}\nusers:\n- name: u\n',
    then: 'failed',
    members: [],
    missing: [],
    reason: `${CTX_ERR}error in building context config for kubernetes cluster cluster2: invalid configuration: the cluster of context "cluster2" was not found`,
  },
  {
    given: 'a context whose cluster has no server and whose user is missing',
    spec: spec([FOLLOWER]),
    kubeconfig: 'clusters:\n- name: k\n  cluster: {}\ncontexts:\n- name: cluster2\n  context: {cluster: k, user: ghost}\n',
    then: 'failed',
    reason: `${CTX_ERR}error in building context config for kubernetes cluster cluster2: invalid configuration: [the user of context "cluster2" was not found, no server found for the cluster of context "cluster2"]`,
  },
  {
    given: 'a context that names neither cluster nor user',
    spec: spec([FOLLOWER]),
    kubeconfig: 'contexts:\n- name: cluster2\n  context: {}\n',
    then: 'failed',
    reason: `${CTX_ERR}error in building context config for kubernetes cluster cluster2: invalid configuration: [user was not specified for context "cluster2", cluster was not specified for context "cluster2"]`,
  },
  {
    given: 'a malformed spec (clusters is a string)',
    spec: { clusterContext: LEADER, clusters: 'cluster2' as unknown as string[] },
    kubeconfig: kubeconfigText(),
    then: 'failed',
    reason: `${CTX_ERR}invalid AMKOCluster spec: clusters: expected array, received string`,
  },
];

describe('initMembers', () => {
  describe('when given each member initialisation scenario', () => {
    it.each(cases)('given $given → $then', (c) => {
      const result = initMembers(c.spec, c.kubeconfig, c.source ?? ENV);
      expect(result.outcome).toBe(c.then);
      if (c.members !== undefined) expect(result.members.map((m) => m.name)).toEqual(c.members);
      if (c.missing !== undefined) expect(result.missing).toEqual(c.missing);
      if (c.reason !== undefined) expect(result.outcome === 'failed' && result.reason).toBe(c.reason);
    });
  });

  describe('when a member resolves', () => {
    it('returns what the kube adapter needs: context, cluster, server, user, namespace', () => {
      const text = `${kubeconfigText([FOLLOWER])}`.replace('    user: cluster2-user', '    user: cluster2-user\n    namespace: avi-system');
      const result = initMembers(spec([LEADER, FOLLOWER]), text, ENV);
      expect(result.members).toEqual([
        { name: FOLLOWER, contextName: FOLLOWER, clusterName: 'cluster2-cluster', server: 'https://cluster2.example:6443', userName: 'cluster2-user', namespace: 'avi-system' },
      ]);
    });
    it('accepts a JSON kubeconfig', () => {
      const json = JSON.stringify({
        clusters: [{ name: 'k', cluster: { server: 'https://k' } }],
        contexts: [{ name: FOLLOWER, context: { cluster: 'k', user: 'u' } }],
        users: [{ name: 'u', user: { token: 'TOKEN-SENTINEL-9f8e7d' } }],
      });
      expect(initMembers(spec([FOLLOWER]), json, ENV).outcome).toBe('initialised');
    });
  });

  describe('when the members have the context names oc login, EKS and people write', () => {
    const kubeconfigOf = (names: readonly string[]): string =>
      JSON.stringify({
        clusters: names.map((name, i) => ({ name: `${name}-cluster`, cluster: { server: `https://site${i}.example:6443` } })),
        contexts: names.map((name) => ({ name, context: { cluster: `${name}-cluster`, user: 'u' } })),
        users: [{ name: 'u', user: { token: 'TOKEN-SENTINEL-9f8e7d' } }],
      });

    it('resolves each under its name as written', () => {
      const names = ['avi-system/api-ocp2-example-com:6443/kube:admin', 'arn:aws:eks:us-east-1:123456789012:cluster/site3', 'site four', 'tag{east}', `l${'x'.repeat(249)}`];
      const result = initMembers(spec(names, 'gke_proj_europe-west1_site2'), kubeconfigOf(names), ENV);
      expect(result.outcome).toBe('initialised');
      expect(result.members.map((m) => m.contextName)).toEqual(names);
    });

    it('fails with a reason that names the problem and the fix for a name no queue can carry', () => {
      const result = initMembers(spec(['site\nthree'], LEADER), kubeconfigOf(['site\nthree']), ENV);
      expect(result.outcome).toBe('failed');
      expect(result.outcome === 'failed' && result.reason).toBe(
        `${CTX_ERR}error in building context config for kubernetes cluster site\nthree: the context name must not contain control characters (newline, tab, …); rename the context in the gslb-config-secret kubeconfig and in AMKOCluster spec.clusters`,
      );
    });
  });

  describe('when the kubeconfig contains credentials', () => {
    const broken: { given: string; text: string }[] = [
      { given: 'a valid kubeconfig with a missing context', text: kubeconfigText([FOLLOWER]) },
      { given: 'a YAML error on the token line', text: kubeconfigText([FOLLOWER]).replace('token: TOKEN-SENTINEL-9f8e7d', 'token: TOKEN-SENTINEL-9f8e7d: x: y') },
      { given: 'an unterminated flow map around the key data', text: 'users:\n- name: u\n  user: {client-key-data: CLIENT-KEY-DATA-SENTINEL, password: PASSWORD-SENTINEL-1a2b3c\n' },
      { given: 'a token where a context list belongs', text: 'contexts: TOKEN-SENTINEL-9f8e7d\n' },
      { given: 'a secret used as a context name type error', text: 'contexts:\n- name: {token: TOKEN-SENTINEL-9f8e7d}\n' },
      { given: 'a duplicate key next to the cert data', text: 'users:\n- name: u\n  user:\n    client-certificate-data: CLIENT-CERT-DATA-SENTINEL\n    client-certificate-data: CA-DATA-SENTINEL\n' },
      { given: 'a tab-indented block with the exec args', text: 'users:\n- name: u\n  user:\n\texec: {args: [EXEC-ARG-SENTINEL]}\n' },
      { given: 'a token pasted as the user reference of the context', text: 'contexts:\n- name: cluster2\n  context: {cluster: TOKEN-SENTINEL-9f8e7d, user: PASSWORD-SENTINEL-1a2b3c}\n' },
      { given: 'two documents', text: `${kubeconfigText([FOLLOWER])}---\ntoken: TOKEN-SENTINEL-9f8e7d\n` },
    ];
    it.each(broken)('never reveals a credential, given $given', ({ text }) => {
      const result = initMembers(spec([LEADER, FOLLOWER, 'invalid-cluster']), text, FILE);
      const strings = allStrings(result).join('\n');
      for (const secret of SECRET_SENTINELS) expect(strings).not.toContain(secret);
      expect(result.outcome).toBe('failed');
    });
  });

  describe('when given arbitrary input (property)', () => {
    it('never throws on arbitrary specs and texts', () => {
      fc.assert(
        fc.property(fc.anything(), fc.option(fc.string(), { nil: undefined }), (anySpec, text) => {
          const result = initMembers(anySpec as Parameters<typeof initMembers>[0], text, ENV);
          expect(['initialised', 'failed']).toContain(result.outcome);
        }),
      );
    });
    it('never throws on arbitrary YAML-ish kubeconfigs and never echoes a credential', () => {
      const secret = fc.constantFrom(...SECRET_SENTINELS);
      // Mostly well-formed kubeconfigs whose every string may be a credential (so that resolution
      // gets far enough to report on references), plus shape-broken and truncated variants.
      const text = fc.oneof(secret, fc.constantFrom('u', 'k', FOLLOWER), fc.string());
      const user = fc.record({ name: text, user: fc.dictionary(fc.constantFrom('token', 'password', 'client-key-data'), text) });
      const context = fc.record({
        name: fc.oneof(fc.constant(FOLLOWER), text),
        context: fc.record({ cluster: text, user: text, namespace: text }, { requiredKeys: [] }),
      });
      const cluster = fc.record({ name: text, cluster: fc.record({ server: text, 'certificate-authority-data': secret }, { requiredKeys: [] }) });
      const wellFormed = fc.record({ users: fc.array(user), contexts: fc.array(context, { minLength: 1 }), clusters: fc.array(cluster) }, { requiredKeys: [] });
      const broken = fc.dictionary(fc.constantFrom('users', 'contexts', 'clusters', 'current-context'), fc.oneof(secret, fc.anything()));
      const mangle = fc.oneof(
        { weight: 4, arbitrary: fc.constant((s: string) => s) },
        { weight: 1, arbitrary: fc.constant((s: string) => s.slice(0, Math.floor(s.length / 2))) },
        { weight: 1, arbitrary: fc.constant((s: string) => s.replace(/,/g, ': ')) },
        { weight: 1, arbitrary: fc.constant((s: string) => `${s}\n\t- ]`) },
      );
      fc.assert(
        fc.property(fc.oneof({ weight: 3, arbitrary: wellFormed }, { weight: 1, arbitrary: broken }), mangle, (config, cut) => {
          const result = initMembers(spec([FOLLOWER]), cut(JSON.stringify(config) ?? ''), ENV);
          const strings = allStrings(result.outcome === 'failed' ? { reason: result.reason, missing: result.missing } : result.missing).join('\n');
          for (const s of SECRET_SENTINELS) expect(strings).not.toContain(s);
        }),
        { numRuns: 500 },
      );
    });
  });
});

describe('noMembersFailure', () => {
  it.each([
    { given: { clusterContext: LEADER }, then: 'failed' },
    { given: spec([]), then: 'failed' },
    { given: spec([LEADER]), then: 'failed' },
    { given: spec([LEADER, FOLLOWER]), then: undefined },
  ])('is $then for $given, without any kubeconfig', ({ given, then }) => {
    const result = noMembersFailure(given);
    expect(result?.outcome).toBe(then);
    if (result !== undefined) expect(result).toEqual(initMembers(given, undefined, ENV));
  });
});

describe('memberNames', () => {
  const cases = [
    { given: { clusterContext: 'a', clusters: ['a', 'b', 'c'] }, then: ['b', 'c'] },
    { given: { clusterContext: 'a', clusters: ['b', 'a', 'b'] }, then: ['b'] },
    { given: { clusterContext: 'a' }, then: [] },
    { given: { clusters: ['b'] }, then: ['b'] },
  ];
  it.each(cases)('derives $then from $given', ({ given, then }) => {
    expect(memberNames(given)).toEqual(then);
  });
});

describe('readKubeconfig', () => {
  describe('when the YAML declares null lists (empty kubeconfig skeleton)', () => {
    it('reads them as empty', () => {
      const result = readKubeconfig('apiVersion: v1\nclusters: null\ncontexts: null\nusers: null\n');
      expect(result.ok).toBe(true);
    });
  });
  describe('when the text is only a comment', () => {
    it('says the kubeconfig is empty, naming where it came from', () => {
      expect(readKubeconfig('# nothing\n', ENV)).toEqual({ ok: false, reason: 'members kubeconfig (GSLB_CONFIG) is empty' });
      expect(readKubeconfig('# nothing\n', FILE)).toEqual({ ok: false, reason: 'members kubeconfig (GSLB_CONFIG_FILE /etc/amko/gslb-members) is empty' });
      expect(readKubeconfig('# nothing\n', SECRET)).toEqual({ ok: false, reason: 'members kubeconfig (secret avi-system/gslb-config-secret key gslb-members) is empty' });
      expect(readKubeconfig('# nothing\n')).toEqual({ ok: false, reason: 'members kubeconfig is empty' });
    });
  });
  describe('when aliases explode (billion laughs)', () => {
    it('refuses without echoing the input', () => {
      const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]'].join('\n');
      const result = readKubeconfig(bomb, ENV);
      expect(result).toEqual({ ok: false, reason: 'members kubeconfig (GSLB_CONFIG) could not be read as YAML' });
    });
  });
});
