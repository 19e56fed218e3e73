/**
 * The real kubectl (1.32 through the /usr/bin/kubectl dispatcher) against the emulator: every
 * command is checked on kubectl's output and on the stored object (read with client-node).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvidedCluster } from './support/provider.ts';
import { startSuiteCluster, type NamespacedSuiteCluster } from './support/suite.ts';
import { clientsFor, eventually, failure, gslbConfigs, metaOf, uniqueName, type Clients } from './support/clients.ts';
import { exitOf, kubectlFor, linesOf, type Kubectl } from './support/kubectl.ts';

let suite: NamespacedSuiteCluster;
let cluster: ProvidedCluster;
let c: Clients;
let k: Kubectl;
let ns: string;

const manifest = (name: string, namespace: string, refreshInterval: number, extra = ''): string => `apiVersion: amko.vmware.com/v1alpha1
kind: GSLBConfig
metadata:
  name: ${name}
  namespace: ${namespace}
${extra}spec:
  gslbLeader:
    controllerIP: 10.10.10.10
    credentials: gslb-avi-secret
  memberClusters:
  - clusterContext: cluster1
  refreshInterval: ${refreshInterval}
`;

async function stored(name: string): Promise<{ spec: Record<string, unknown>; metadata: ReturnType<typeof metaOf> }> {
  return (await c.co.getNamespacedCustomObject({ ...gslbConfigs, namespace: ns, name })) as never;
}

beforeAll(async () => {
  suite = await startSuiteCluster(process.env, { namespace: 'kubectl' });
  ({ cluster, c, ns } = suite);
  k = await kubectlFor(cluster.kubeconfig(), cluster.contextName, process.env);
});

afterAll(async () => {
  await k?.dispose();
  await suite?.close();
});

describe('kubectl', () => {
  describe('apply -f', () => {
    it('creates, then updates, the object', async () => {
      const name = uniqueName('gc');
      const file = await k.file(`${name}.yaml`, manifest(name, ns, 60));
      const created = await k.run(['apply', '-f', file]);
      expect(created.stderr).toBe('');
      expect(created.stdout.trim()).toBe(`gslbconfig.amko.vmware.com/${name} created`);
      expect((await stored(name)).metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"refreshInterval":60');

      await k.file(`${name}.yaml`, manifest(name, ns, 90));
      const updated = await k.run(['apply', '-f', file]);
      expect(updated.stdout.trim()).toBe(`gslbconfig.amko.vmware.com/${name} configured`);
      const obj = await stored(name);
      expect(obj.spec['refreshInterval']).toBe(90);
      expect(obj.metadata.generation).toBe(2);
      expect(obj.metadata.managedFields?.map((e) => e.manager)).toContain('kubectl-client-side-apply');

      expect((await k.run(['apply', '-f', file])).stdout.trim()).toBe(`gslbconfig.amko.vmware.com/${name} unchanged`);
    });

    it('reports a schema violation from the server', async () => {
      const name = uniqueName('gc');
      const file = await k.file(`${name}.yaml`, manifest(name, ns, 60).replace('refreshInterval: 60', 'refreshInterval: often'));
      const result = await k.run(['apply', '-f', file]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('spec.refreshInterval');
      expect((await failure(c.co.getNamespacedCustomObject({ ...gslbConfigs, namespace: ns, name }))).code).toBe(404);
    });
  });

  describe('apply --server-side', () => {
    it('creates with the kubectl field manager and updates with force-conflicts', async () => {
      const name = uniqueName('gc');
      const file = await k.file(`${name}.yaml`, manifest(name, ns, 30));
      const created = await k.run(['apply', '--server-side', '-f', file]);
      expect(created.stdout.trim()).toBe(`gslbconfig.amko.vmware.com/${name} serverside-applied`);
      expect((await stored(name)).metadata.managedFields?.find((e) => e.manager === 'kubectl')?.operation).toBe('Apply');

      await c.co.patchNamespacedCustomObject(
        { ...gslbConfigs, namespace: ns, name, body: { spec: { refreshInterval: 31 } }, fieldManager: 'someone-else' },
        (await import('./support/clients.ts')).mergePatch,
      );
      const conflict = await k.run(['apply', '--server-side', '-f', file]);
      expect(conflict.code).not.toBe(0);
      expect(conflict.stderr).toContain('conflict');
      const forced = await k.run(['apply', '--server-side', '--force-conflicts', '-f', file]);
      expect(forced.stdout.trim()).toBe(`gslbconfig.amko.vmware.com/${name} serverside-applied`);
      expect((await stored(name)).spec['refreshInterval']).toBe(30);
    });
  });

  describe('get', () => {
    it('prints a table and YAML', async () => {
      const name = uniqueName('gc');
      await k.run(['apply', '-f', await k.file(`${name}.yaml`, manifest(name, ns, 60))]);
      const table = await k.run(['get', 'gc', '-n', ns]);
      const lines = table.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+AGE$/);
      expect(lines.some((l) => new RegExp(`^${name}\\s+\\d+s$`).test(l))).toBe(true);
      const yaml = await k.run(['get', 'gslbconfigs', name, '-n', ns, '-o', 'yaml']);
      expect(yaml.stdout).toContain(`name: ${name}`);
      expect(yaml.stdout).toContain('refreshInterval: 60');
      expect(yaml.stdout).toContain(`uid: ${(await stored(name)).metadata.uid}`);
    });
  });

  describe('edit', () => {
    it('sends the editor change as a merge patch', async () => {
      const name = uniqueName('gc');
      await k.run(['apply', '-f', await k.file(`${name}.yaml`, manifest(name, ns, 60))]);
      const editor = await k.file('editor.sh', '#!/bin/sh\nsed -i "s/refreshInterval: 60/refreshInterval: 75/" "$1"\n', 0o755);
      const result = await k.run(['edit', 'gslbconfig', name, '-n', ns], { env: { KUBE_EDITOR: editor } });
      expect(result.stdout.trim()).toBe(`gslbconfig.amko.vmware.com/${name} edited`);
      const obj = await stored(name);
      expect(obj.spec['refreshInterval']).toBe(75);
      expect(obj.metadata.managedFields?.map((e) => e.manager)).toContain('kubectl-edit');
    });
  });

  describe('patch --type merge', () => {
    it('patches the stored object', async () => {
      const name = uniqueName('gc');
      await k.run(['apply', '-f', await k.file(`${name}.yaml`, manifest(name, ns, 60))]);
      const result = await k.run(['patch', 'gslbconfig', name, '-n', ns, '--type', 'merge', '-p', '{"spec":{"logLevel":"DEBUG"}}']);
      expect(result.stdout.trim()).toBe(`gslbconfig.amko.vmware.com/${name} patched`);
      expect((await stored(name)).spec['logLevel']).toBe('DEBUG');
    });
  });

  describe('delete', () => {
    it('deletes an object without finalizers', async () => {
      const name = uniqueName('gc');
      await k.run(['apply', '-f', await k.file(`${name}.yaml`, manifest(name, ns, 60))]);
      const result = await k.run(['delete', 'gslbconfig', name, '-n', ns]);
      expect(result.stdout.trim()).toBe(`gslbconfig.amko.vmware.com "${name}" deleted`);
      expect((await failure(c.co.getNamespacedCustomObject({ ...gslbConfigs, namespace: ns, name }))).code).toBe(404);
    });

    it('waits while a finalizer holds the object and returns once another client removes it', async () => {
      const name = uniqueName('gc');
      await k.run(['apply', '-f', await k.file(`${name}.yaml`, manifest(name, ns, 60, '  finalizers:\n  - test.amko-fed.io/hold\n'))]);
      const deleting = k.spawn(['delete', 'gslbconfig', name, '-n', ns]);
      const exit = exitOf(deleting);
      await eventually(async () => expect((await stored(name)).metadata.deletionTimestamp).toBeTruthy());
      await c.co.patchNamespacedCustomObject(
        { ...gslbConfigs, namespace: ns, name, body: [{ op: 'remove', path: '/metadata/finalizers' }] },
      );
      const result = await exit;
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(`gslbconfig.amko.vmware.com "${name}" deleted`);
      expect((await failure(c.co.getNamespacedCustomObject({ ...gslbConfigs, namespace: ns, name }))).code).toBe(404);
    });
  });

  describe('get -w', () => {
    it('prints the current objects, then changes as they happen', async () => {
      const first = uniqueName('gc');
      await k.run(['apply', '-f', await k.file(`${first}.yaml`, manifest(first, ns, 60))]);
      const watching = k.spawn(['get', 'gslbconfigs', '-n', ns, '-w']);
      const lines = linesOf(watching);
      await eventually(() => expect(lines.some((l) => l.startsWith(first))).toBe(true));
      const second = uniqueName('gc');
      await c.co.createNamespacedCustomObject({ ...gslbConfigs, namespace: ns, body: { apiVersion: 'amko.vmware.com/v1alpha1', kind: 'GSLBConfig', metadata: { name: second }, spec: { refreshInterval: 1 } } });
      await eventually(() => expect(lines.some((l) => l.startsWith(second))).toBe(true));
      expect(lines[0]).toMatch(/^NAME\s+AGE$/);
      watching.kill('SIGTERM');
    });
  });

  describe('api-resources', () => {
    it('lists the AMKO kinds with their short names', async () => {
      const result = await k.run(['api-resources', '--api-group', 'amko.vmware.com']);
      const rows = result.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
      expect(rows).toContainEqual(['gslbconfigs', 'gc', 'amko.vmware.com/v1alpha1', 'true', 'GSLBConfig']);
      expect(rows).toContainEqual(['globaldeploymentpolicies', 'gdp', 'amko.vmware.com/v1alpha2', 'true', 'GlobalDeploymentPolicy']);
      expect(rows).toContainEqual(['amkoclusters', 'amko.vmware.com/v1alpha1', 'true', 'AMKOCluster']);
    });
  });

  describe('wait --for condition=established', () => {
    it('returns once a CRD applied with kubectl is established, and its kind is usable at once', async () => {
      const group = `${uniqueName('g')}.kubectl.amko-fed.io`;
      const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.${group}
spec:
  group: ${group}
  scope: Namespaced
  names:
    kind: Gadget
    plural: gadgets
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size:
                type: integer
`;
      const applied = await k.run(['apply', '-f', await k.file(`${group}.yaml`, crd)]);
      expect(applied.stdout.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/gadgets.${group} created`);
      const waited = await k.run(['wait', '--for', 'condition=established', `crd/gadgets.${group}`, '--timeout=20s']);
      expect(waited.stdout.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/gadgets.${group} condition met`);
      const gadget = `apiVersion: ${group}/v1\nkind: Gadget\nmetadata:\n  name: g1\n  namespace: ${ns}\nspec:\n  size: 2\n`;
      expect((await k.run(['apply', '-f', await k.file('gadget.yaml', gadget)])).stdout.trim()).toBe(`gadget.${group}/g1 created`);
      const storedGadget = await c.co.getNamespacedCustomObject({ group, version: 'v1', plural: 'gadgets', namespace: ns, name: 'g1' });
      expect((storedGadget as { spec: { size: number } }).spec.size).toBe(2);
      expect((await k.run(['delete', 'crd', `gadgets.${group}`])).code).toBe(0);
    });
  });

  describe('create secret generic --from-file', () => {
    it('stores the file content base64-encoded', async () => {
      const content = 'apiVersion: v1\nkind: Config\n# a member kubeconfig\n';
      const file = await k.file('gslb-members', content);
      const name = uniqueName('gslb-config-secret');
      const result = await k.run(['create', 'secret', 'generic', name, `--from-file=gslb-members=${file}`, '-n', ns]);
      expect(result.stdout.trim()).toBe(`secret/${name} created`);
      const secret = await c.core.readNamespacedSecret({ namespace: ns, name });
      expect(Buffer.from(secret.data?.['gslb-members'] ?? '', 'base64').toString()).toBe(content);
      expect(secret.type).toBe('Opaque');
    });
  });
});

describe('kubectl over plain HTTP', () => {
  it('applies and reads an object', async () => {
    const [plain] = await suite.provider.clusters(1, { http: true });
    if (!plain) throw new Error('no cluster');
    expect(plain.emulator === undefined || plain.emulator.url.startsWith('http://')).toBe(true);
    const pk = await kubectlFor(plain.kubeconfig(), plain.contextName, process.env);
    try {
      const name = uniqueName('gc');
      const applied = await pk.run(['apply', '-f', await pk.file('gc.yaml', manifest(name, 'avi-system', 45))]);
      expect(applied.stdout.trim()).toBe(`gslbconfig.amko.vmware.com/${name} created`);
      const got = await pk.run(['get', 'gc', name, '-n', 'avi-system', '-o', 'jsonpath={.spec.refreshInterval}']);
      expect(got.stdout).toBe('45');
      const obj = await clientsFor(plain).co.getNamespacedCustomObject({ ...gslbConfigs, namespace: 'avi-system', name });
      expect(metaOf(obj).name).toBe(name);
    } finally {
      await pk.dispose();
    }
  });
});
