/**
 * What every `ClusterClient` must do, as one suite run against each implementation: the real
 * client on an emulated API server (cluster-client.contract.int.spec.ts) and the in-memory fake
 * (in-memory-cluster.spec.ts). A fake that passes it may stand in for the real client in unit tests.
 */
import { FEDERATED_KINDS, type KubeObject } from '@amko-fed/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterClient } from '../cluster-client.ts';
import { clusterInformerContract } from './cluster-informer.contract.ts';

export interface ContractSubject {
  readonly client: ClusterClient;
  close(): Promise<void>;
}

const GDP = FEDERATED_KINDS.GlobalDeploymentPolicy;
const NS = 'avi-system';

function gdp(name: string, ttl: number): KubeObject {
  return { apiVersion: `${GDP.group}/${GDP.version}`, kind: GDP.kind, metadata: { name, namespace: NS }, spec: { matchRules: {}, matchClusters: [{ cluster: 'c1' }], ttl } } as KubeObject;
}
const ttlOf = (object: KubeObject | undefined): unknown => (object as { spec?: { ttl?: unknown } } | undefined)?.spec?.ttl;
const statusOf = (error: unknown): unknown => (error as { httpStatus?: unknown }).httpStatus;

export function clusterClientContract(label: string, start: () => Promise<ContractSubject>): void {
  describe(`ClusterClient contract: ${label}`, () => {
    let subject: ContractSubject;
    let client: ClusterClient;
    let n = 0;
    const fresh = (): string => `contract-${(n += 1)}`;
    beforeAll(async () => {
      subject = await start();
      client = subject.client;
    });
    afterAll(() => subject?.close());

    describe('when an object is created', () => {
      it('is returned by get and list with a resourceVersion, and a second create is a 409', async () => {
        const name = fresh();
        const created = await client.create(GDP, NS, gdp(name, 1));
        expect(created.metadata.resourceVersion).toMatch(/\S/);
        expect(ttlOf(await client.get(GDP, NS, name))).toBe(1);
        expect((await client.list(GDP, NS)).items.map((o) => o.metadata.name)).toContain(name);
        const again = await client.create(GDP, NS, gdp(name, 2)).catch((err: unknown) => err);
        expect({ status: statusOf(again), retryable: (again as { retryable?: unknown }).retryable }).toEqual({ status: 409, retryable: true });
      });
    });

    describe('when objects are listed page by page', () => {
      it('returns every object once, in pages of at most the page size', async () => {
        const names = [fresh(), fresh(), fresh(), fresh(), fresh()];
        for (const name of names) await client.create(GDP, NS, gdp(name, 1));
        const pages: string[][] = [];
        for await (const page of client.listPages(GDP, NS, 2)) pages.push(page.map((o) => o.metadata.name));
        expect(pages.every((page) => page.length <= 2)).toBe(true);
        expect(pages.length).toBeGreaterThanOrEqual(3);
        const listed = pages.flat();
        expect(new Set(listed).size).toBe(listed.length);
        expect(listed).toEqual(expect.arrayContaining(names));
        expect(listed.sort()).toEqual((await client.list(GDP, NS)).items.map((o) => o.metadata.name).sort());
      });
    });

    describe('when an object is missing', () => {
      it('reads as undefined, deletes as false, and a replace or patch is a 404', async () => {
        const name = fresh();
        expect(await client.get(GDP, NS, name)).toBeUndefined();
        expect(await client.delete(GDP, NS, name)).toBe(false);
        expect(statusOf(await client.replace(GDP, NS, name, { ...gdp(name, 1), metadata: { name, namespace: NS, resourceVersion: '1' } }).catch((err: unknown) => err))).toBe(404);
        expect(statusOf(await client.mergePatch(GDP, NS, name, { spec: { ttl: 2 } }).catch((err: unknown) => err))).toBe(404);
      });
    });

    describe('when an object is replaced', () => {
      it('takes the current resourceVersion, and refuses a stale one with a 409', async () => {
        const name = fresh();
        const created = await client.create(GDP, NS, gdp(name, 1));
        const replaced = await client.replace(GDP, NS, name, { ...gdp(name, 2), metadata: { ...created.metadata } });
        expect(ttlOf(replaced)).toBe(2);
        expect(replaced.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
        const stale = await client.replace(GDP, NS, name, { ...gdp(name, 3), metadata: { ...created.metadata } }).catch((err: unknown) => err);
        expect(statusOf(stale)).toBe(409);
        expect(ttlOf(await client.get(GDP, NS, name))).toBe(2);
      });
    });

    describe('when a write changes nothing', () => {
      it('keeps the resourceVersion, as an API server does', async () => {
        const name = fresh();
        const created = await client.create(GDP, NS, gdp(name, 1));
        const same = await client.mergePatch(GDP, NS, name, { spec: { ttl: 1 } });
        expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
      });
    });

    describe('when an object is merge-patched', () => {
      it('merges the patch into it', async () => {
        const name = fresh();
        await client.create(GDP, NS, gdp(name, 1));
        const patched = await client.mergePatch(GDP, NS, name, { metadata: { labels: { a: 'b' } }, spec: { ttl: 5 } });
        expect({ ttl: ttlOf(patched), labels: patched.metadata.labels, clusters: (patched as { spec?: { matchClusters?: unknown } }).spec?.matchClusters }).toEqual({ ttl: 5, labels: { a: 'b' }, clusters: [{ cluster: 'c1' }] });
      });
    });

    describe('when an object is deleted with a resourceVersion precondition', () => {
      it('refuses a stale one with a 409 and deletes with the current one', async () => {
        const name = fresh();
        const created = await client.create(GDP, NS, gdp(name, 1));
        await client.mergePatch(GDP, NS, name, { spec: { ttl: 2 } });
        expect(statusOf(await client.delete(GDP, NS, name, { resourceVersion: created.metadata.resourceVersion }).catch((err: unknown) => err))).toBe(409);
        const current = await client.get(GDP, NS, name);
        expect(await client.delete(GDP, NS, name, { resourceVersion: current?.metadata.resourceVersion })).toBe(true);
        expect(await client.get(GDP, NS, name)).toBeUndefined();
      });
    });

    describe('when a Lease is taken and renewed', () => {
      it('creates it once and replaces it only with the current resourceVersion', async () => {
        const name = fresh();
        expect(await client.getLease(NS, name)).toBeUndefined();
        const created = await client.createLease(NS, { metadata: { name, namespace: NS }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } });
        expect(statusOf(await client.createLease(NS, { metadata: { name, namespace: NS }, spec: { holderIdentity: 'b' } }).catch((err: unknown) => err))).toBe(409);
        const renewTime = '2026-12-05T10:00:00.123456Z';
        const renewed = await client.replaceLease(NS, name, { ...created, spec: { ...created.spec, holderIdentity: 'a', leaseDurationSeconds: 15, renewTime } });
        expect(renewed.metadata?.resourceVersion).not.toBe(created.metadata?.resourceVersion);
        expect(statusOf(await client.replaceLease(NS, name, { ...created, spec: { holderIdentity: 'b' } }).catch((err: unknown) => err))).toBe(409);
        expect((await client.getLease(NS, name))?.spec).toMatchObject({ holderIdentity: 'a', renewTime });
      });
    });

    describe('when a Secret is missing', () => {
      it('reads as undefined', async () => {
        expect(await client.getSecret(NS, fresh())).toBeUndefined();
      });
    });

    clusterInformerContract(() => client);
  });
}
