import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { normalizeCrd, servedResourcesOf, validateCrd, type CrdObject } from './crd.ts';

type Crd = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test fixtures are mutated freely

const loadCrd = (file: string): Crd => parse(readFileSync(new URL(`../../../../deploy/crds/${file}`, import.meta.url), 'utf8'));
const FILES = ['amko.vmware.com_amkoclusters.yaml', 'gdp_def.yaml', 'gslb_config_def.yaml', 'gslbhostrule_def.yaml'];
const now = new Date('2025-03-04T05:06:07.890Z');

const mutated = (change: (crd: Crd) => void): Crd => {
  const crd = loadCrd('gdp_def.yaml');
  change(crd);
  return crd;
};

describe('validateCrd', () => {
  describe('when given the real AMKO CRDs', () => {
    it.each(FILES)('accepts %s', (file) => {
      expect(validateCrd(loadCrd(file))).toEqual([]);
    });
  });

  describe('when a CRD is invalid', () => {
    it.each([
      {
        name: 'a name that is not plural.group',
        crd: mutated((c) => (c.metadata.name = 'gdps.amko.vmware.com')),
        causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value: "gdps.amko.vmware.com": must be spec.names.plural+"."+spec.group' }],
      },
      {
        name: 'a missing group',
        crd: mutated((c) => delete c.spec.group),
        causes: [{ reason: 'FieldValueRequired', field: 'spec.group', message: 'Required value' }],
      },
      {
        name: 'a group without a dot',
        crd: mutated((c) => {
          c.spec.group = 'amko';
          c.metadata.name = 'globaldeploymentpolicies.amko';
        }),
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.group', message: 'Invalid value: "amko": should be a domain with at least one dot' }],
      },
      {
        name: 'an unknown scope',
        crd: mutated((c) => (c.spec.scope = 'Global')),
        causes: [{ reason: 'FieldValueNotSupported', field: 'spec.scope', message: 'Unsupported value: "Global": supported values: "Cluster", "Namespaced"' }],
      },
      {
        name: 'a missing scope',
        crd: mutated((c) => delete c.spec.scope),
        causes: [{ reason: 'FieldValueRequired', field: 'spec.scope', message: 'Required value' }],
      },
      {
        name: 'a missing kind',
        crd: mutated((c) => delete c.spec.names.kind),
        causes: [{ reason: 'FieldValueRequired', field: 'spec.names.kind', message: 'Required value' }],
      },
      {
        name: 'a missing plural',
        crd: mutated((c) => delete c.spec.names.plural),
        causes: [{ reason: 'FieldValueRequired', field: 'spec.names.plural', message: 'Required value' }],
      },
      {
        name: 'listKind equal to kind',
        crd: mutated((c) => (c.spec.names.listKind = 'GlobalDeploymentPolicy')),
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.names.listKind', message: 'Invalid value: "GlobalDeploymentPolicy": kind and listKind may not be the same' }],
      },
      {
        name: 'no storage version',
        crd: mutated((c) => (c.spec.versions[0].storage = false)),
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.versions', message: 'Invalid value: []interface {}{"v1alpha2"}: must have exactly one version marked as storage version' }],
      },
      {
        name: 'two storage versions',
        crd: mutated((c) => c.spec.versions.push({ ...structuredClone(c.spec.versions[0]), name: 'v1' })),
        causes: [
          { reason: 'FieldValueInvalid', field: 'spec.versions', message: 'Invalid value: []interface {}{"v1alpha2", "v1"}: must have exactly one version marked as storage version' },
        ],
      },
      {
        name: 'a duplicate version name',
        crd: mutated((c) => c.spec.versions.push({ ...structuredClone(c.spec.versions[0]), storage: false })),
        causes: [{ reason: 'FieldValueDuplicate', field: 'spec.versions[1].name', message: 'Duplicate value: "v1alpha2"' }],
      },
      {
        name: 'no versions',
        crd: mutated((c) => (c.spec.versions = [])),
        causes: [{ reason: 'FieldValueRequired', field: 'spec.versions', message: 'Required value: must have exactly one version marked as storage version' }],
      },
      {
        name: 'a version without a schema',
        crd: mutated((c) => delete c.spec.versions[0].schema),
        causes: [{ reason: 'FieldValueRequired', field: 'spec.versions[0].schema.openAPIV3Schema', message: 'Required value: schemas are required' }],
      },
      {
        name: 'a non-structural schema',
        crd: mutated((c) => delete c.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.ttl.type),
        causes: [
          {
            reason: 'FieldValueRequired',
            field: 'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[ttl].type',
            message: 'Required value: must not be empty for specified object fields',
          },
        ],
      },
      {
        name: 'a printer column of an unknown type',
        crd: mutated((c) => (c.spec.versions[0].additionalPrinterColumns = [{ name: 'TTL', type: 'duration', jsonPath: '.spec.ttl' }])),
        causes: [
          {
            reason: 'FieldValueNotSupported',
            field: 'spec.versions[0].additionalPrinterColumns[0].type',
            message: 'Unsupported value: "duration": supported values: "integer", "number", "string", "boolean", "date"',
          },
        ],
      },
    ])('reports $name', ({ crd, causes }) => {
      expect(validateCrd(crd)).toEqual(causes);
    });

    it('reports an upper-case plural with the DNS label message', () => {
      const causes = validateCrd(
        mutated((c) => {
          c.spec.names.plural = 'GDPs';
          c.metadata.name = 'GDPs.amko.vmware.com';
        }),
      );
      expect(causes).toHaveLength(1);
      expect(causes[0]?.field).toBe('spec.names.plural');
      expect(causes[0]?.message).toMatch(/^Invalid value: "GDPs": a lowercase RFC 1123 label must consist of/);
    });

    it('reports a body that is not an object', () => {
      expect(validateCrd('nope').map((c) => c.field)).toEqual(['metadata.name', 'spec', 'spec.group', 'spec.scope', 'spec.names.plural', 'spec.names.kind', 'spec.versions']);
    });
  });
});

describe('normalizeCrd', () => {
  describe('when names are incomplete', () => {
    it('defaults singular to the lower-case kind and listKind to <Kind>List', () => {
      const crd = mutated((c) => {
        delete c.spec.names.singular;
        delete c.spec.names.listKind;
      });
      const out = normalizeCrd(crd, now);
      expect(out.spec.names).toMatchObject({ singular: 'globaldeploymentpolicy', listKind: 'GlobalDeploymentPolicyList' });
      expect(crd.spec.names.singular).toBeUndefined();
    });
  });

  describe('when a CRD is accepted', () => {
    it('sets acceptedNames, storedVersions and the Established conditions', () => {
      const out = normalizeCrd(loadCrd('amko.vmware.com_amkoclusters.yaml'), now);
      expect(out.status).toEqual({
        acceptedNames: { plural: 'amkoclusters', singular: 'amkocluster', kind: 'AMKOCluster', listKind: 'AMKOClusterList' },
        storedVersions: ['v1alpha1'],
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: '2025-03-04T05:06:07Z' },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: '2025-03-04T05:06:07Z' },
        ],
      });
      expect(out.spec.conversion).toEqual({ strategy: 'None' });
      expect(out.apiVersion).toBe('apiextensions.k8s.io/v1');
    });

    it('keeps short names in acceptedNames', () => {
      expect(normalizeCrd(loadCrd('gdp_def.yaml'), now).status.acceptedNames.shortNames).toEqual(['gdp']);
    });

    it('keeps transition times and adds a new storage version on update', () => {
      const first = normalizeCrd(loadCrd('gdp_def.yaml'), now);
      const next = structuredClone(first);
      next.spec.versions[0]!.storage = false;
      next.spec.versions.push({ ...structuredClone(next.spec.versions[0]!), name: 'v1', storage: true });
      const out = normalizeCrd(next, new Date('2026-01-01T00:00:00Z'));
      expect(out.status.storedVersions).toEqual(['v1alpha2', 'v1']);
      expect(out.status.conditions.map((c) => c.lastTransitionTime)).toEqual(['2025-03-04T05:06:07Z', '2025-03-04T05:06:07Z']);
    });
  });
});

describe('servedResourcesOf', () => {
  describe('when given the real CRDs', () => {
    it('describes AMKOCluster with its status subresource', () => {
      const [resource, ...rest] = servedResourcesOf(normalizeCrd(loadCrd('amko.vmware.com_amkoclusters.yaml'), now));
      expect(rest).toEqual([]);
      expect(resource).toMatchObject({
        group: 'amko.vmware.com',
        version: 'v1alpha1',
        kind: 'AMKOCluster',
        plural: 'amkoclusters',
        singular: 'amkocluster',
        shortNames: [],
        categories: [],
        namespaced: true,
        statusSubresource: true,
        printerColumns: [],
        listKind: 'AMKOClusterList',
        storage: true,
      });
      expect(resource?.schema?.properties?.['spec']?.type).toBe('object');
    });

    it('describes GDP without a status subresource and with its short name', () => {
      const [resource] = servedResourcesOf(normalizeCrd(loadCrd('gdp_def.yaml'), now));
      expect(resource).toMatchObject({ version: 'v1alpha2', kind: 'GlobalDeploymentPolicy', shortNames: ['gdp'], statusSubresource: false });
    });
  });

  describe('when a CRD has several versions', () => {
    it('lists only served ones, with their printer columns and cluster scope', () => {
      const crd = normalizeCrd(
        mutated((c) => {
          c.spec.scope = 'Cluster';
          c.spec.versions[0].additionalPrinterColumns = [{ name: 'TTL', type: 'integer', jsonPath: '.spec.ttl', priority: 1 }];
          c.spec.versions.push({ ...structuredClone(c.spec.versions[0]), name: 'v1', storage: false, served: false });
          c.spec.versions.push({ ...structuredClone(c.spec.versions[0]), name: 'v1beta1', storage: false, served: true, additionalPrinterColumns: undefined });
        }),
        now,
      ) as CrdObject;
      const served = servedResourcesOf(crd);
      expect(served.map((r) => [r.version, r.storage, r.namespaced, r.printerColumns.length])).toEqual([
        ['v1alpha2', true, false, 1],
        ['v1beta1', false, false, 0],
      ]);
    });
  });
});
