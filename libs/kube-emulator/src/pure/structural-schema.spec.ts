import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyDefaults, isStructural, prune, validate, type JSONSchemaProps } from './structural-schema.ts';

const schemaOf = (file: string): JSONSchemaProps => {
  const crd = parse(readFileSync(new URL(`../../../../deploy/crds/${file}`, import.meta.url), 'utf8'));
  return crd.spec.versions[0].schema.openAPIV3Schema;
};
const gdp = schemaOf('gdp_def.yaml');
const gslbConfig = schemaOf('gslb_config_def.yaml');
const hostRule = schemaOf('gslbhostrule_def.yaml');
const amkoCluster = schemaOf('amko.vmware.com_amkoclusters.yaml');

const gdpObject = (spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'amko.vmware.com/v1alpha2',
  kind: 'GlobalDeploymentPolicy',
  metadata: { name: 'global-gdp', namespace: 'avi-system' },
  spec,
});

describe('validate', () => {
  describe('when the object matches the real AMKO schemas', () => {
    it.each([
      { name: 'GDP', schema: gdp, value: gdpObject({ matchRules: { appSelector: { label: { app: 'gslb' } } }, trafficSplit: [{ cluster: 'c1', weight: 20, priority: 0 }], ttl: 30 }) },
      { name: 'GSLBConfig', schema: gslbConfig, value: { spec: { gslbLeader: { controllerIP: '10.0.0.1' }, logLevel: 'INFO', memberClusters: [{ clusterContext: 'c1' }], refreshInterval: 1800 } } },
      { name: 'GSLBHostRule', schema: hostRule, value: { spec: { fqdn: 'a.example.com', publicIP: [{ cluster: 'c1', ip: '1.2.3.4' }], ttl: 0 } } },
      { name: 'AMKOCluster', schema: amkoCluster, value: { apiVersion: 'amko.vmware.com/v1alpha1', kind: 'AMKOCluster', metadata: {}, spec: { isLeader: true, clusters: ['a', 'b'] }, status: { conditions: [] } } },
    ])('reports nothing for a valid $name', ({ schema, value }) => {
      expect(validate(value, schema)).toEqual([]);
    });
  });

  describe('when a GDP violates its schema', () => {
    it.each([
      {
        name: 'a weight above the maximum',
        spec: { trafficSplit: [{ cluster: 'c1', weight: 25 }] },
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.trafficSplit[0].weight', message: 'Invalid value: 25: spec.trafficSplit[0].weight in body should be less than or equal to 20' }],
      },
      {
        name: 'a weight below the minimum',
        spec: { trafficSplit: [{ cluster: 'c1', weight: 1 }, { cluster: 'c2', weight: 0 }] },
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.trafficSplit[1].weight', message: 'Invalid value: 0: spec.trafficSplit[1].weight in body should be greater than or equal to 1' }],
      },
      {
        name: 'a string where an integer belongs',
        spec: { ttl: 'string' },
        causes: [{ reason: 'FieldValueTypeInvalid', field: 'spec.ttl', message: 'Invalid value: "string": spec.ttl in body must be of type integer: "string"' }],
      },
      {
        name: 'a fraction where an integer belongs',
        spec: { ttl: 1.5 },
        causes: [{ reason: 'FieldValueTypeInvalid', field: 'spec.ttl', message: 'Invalid value: "number": spec.ttl in body must be of type integer: "number"' }],
      },
      {
        name: 'an unsupported enum value',
        spec: { poolAlgorithmSettings: { lbAlgorithm: 'RANDOM' } },
        causes: [
          {
            reason: 'FieldValueNotSupported',
            field: 'spec.poolAlgorithmSettings.lbAlgorithm',
            message:
              'Unsupported value: "RANDOM": supported values: "GSLB_ALGORITHM_CONSISTENT_HASH", "GSLB_ALGORITHM_GEO", "GSLB_ALGORITHM_ROUND_ROBIN", "GSLB_ALGORITHM_TOPOLOGY"',
          },
        ],
      },
      {
        name: 'a missing required field in a nested object',
        spec: { downResponse: { fallbackIP: '1.1.1.1' } },
        causes: [{ reason: 'FieldValueRequired', field: 'spec.downResponse.type', message: 'Required value' }],
      },
      {
        name: 'a non-string label value in a map',
        spec: { matchRules: { appSelector: { label: { app: 5 } } } },
        causes: [{ reason: 'FieldValueTypeInvalid', field: 'spec.matchRules.appSelector.label.app', message: 'Invalid value: "integer": spec.matchRules.appSelector.label.app in body must be of type string: "integer"' }],
      },
    ])('reports $name', ({ spec, causes }) => {
      expect(validate(gdpObject(spec), gdp)).toEqual(causes);
    });

    it('reports a missing spec', () => {
      expect(validate({ apiVersion: 'amko.vmware.com/v1alpha2', kind: 'GlobalDeploymentPolicy', metadata: {} }, gdp)).toEqual([
        { reason: 'FieldValueRequired', field: 'spec', message: 'Required value' },
      ]);
    });

    it('collects every violation in one pass', () => {
      const causes = validate(gdpObject({ ttl: 90000, trafficSplit: [{ weight: 25, priority: 101 }], poolAlgorithmSettings: { hashMask: 0 }, controlPlaneHmOnly: 'yes' }), gdp);
      expect(causes.map((c) => c.field).sort()).toEqual([
        'spec.controlPlaneHmOnly',
        'spec.poolAlgorithmSettings.hashMask',
        'spec.trafficSplit[0].priority',
        'spec.trafficSplit[0].weight',
        'spec.ttl',
      ]);
    });
  });

  describe('when a GSLBHostRule list item lacks required fields', () => {
    it('reports each missing field with its index', () => {
      expect(validate({ spec: { publicIP: [{ cluster: 'c1', ip: 'x' }, {}] } }, hostRule)).toEqual([
        { reason: 'FieldValueRequired', field: 'spec.publicIP[1].cluster', message: 'Required value' },
        { reason: 'FieldValueRequired', field: 'spec.publicIP[1].ip', message: 'Required value' },
      ]);
    });
  });

  describe('when generic keywords are checked', () => {
    it.each([
      { name: 'maxLength', schema: { type: 'string', maxLength: 3 }, value: 'abcd', cause: { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 3 bytes' } },
      { name: 'maxLength counts characters', schema: { type: 'string', maxLength: 2 }, value: 'éé', cause: undefined },
      { name: 'minLength', schema: { type: 'string', minLength: 3 }, value: 'ab', cause: { reason: 'FieldValueInvalid', message: 'Invalid value: "ab": spec.x in body should be at least 3 chars long' } },
      { name: 'pattern', schema: { type: 'string', pattern: '^[a-z]+$' }, value: 'A1', cause: { reason: 'FieldValueInvalid', message: "Invalid value: \"A1\": spec.x in body should match '^[a-z]+$'" } },
      { name: 'pattern ok', schema: { type: 'string', pattern: '^[a-z]+$' }, value: 'abc', cause: undefined },
      { name: 'exclusiveMaximum', schema: { type: 'number', maximum: 5, exclusiveMaximum: true }, value: 5, cause: { reason: 'FieldValueInvalid', message: 'Invalid value: 5: spec.x in body should be less than 5' } },
      { name: 'exclusiveMinimum', schema: { type: 'number', minimum: 0.5, exclusiveMinimum: true }, value: 0.5, cause: { reason: 'FieldValueInvalid', message: 'Invalid value: 0.5: spec.x in body should be greater than 0.5' } },
      { name: 'an integer is a number', schema: { type: 'number' }, value: 3, cause: undefined },
      { name: 'multipleOf', schema: { type: 'integer', multipleOf: 5 }, value: 12, cause: { reason: 'FieldValueInvalid', message: 'Invalid value: 12: spec.x in body should be a multiple of 5' } },
      { name: 'minItems', schema: { type: 'array', items: { type: 'string' }, minItems: 2 }, value: ['a'], cause: { reason: 'FieldValueInvalid', message: 'Invalid value: 1: spec.x in body should have at least 2 items' } },
      { name: 'maxItems', schema: { type: 'array', items: { type: 'string' }, maxItems: 1 }, value: ['a', 'b'], cause: { reason: 'FieldValueTooMany', message: 'Too many: 2: must have at most 1 items' } },
      { name: 'uniqueItems', schema: { type: 'array', items: { type: 'object' }, uniqueItems: true }, value: [{ a: 1, b: 2 }, { b: 2, a: 1 }], cause: { reason: 'FieldValueInvalid', message: 'Invalid value: "": spec.x in body shouldn\'t contain duplicates' } },
      { name: 'format date-time', schema: { type: 'string', format: 'date-time' }, value: 'yesterday', cause: { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "yesterday": spec.x in body must be of type date-time: "yesterday"' } },
      { name: 'format date-time ok', schema: { type: 'string', format: 'date-time' }, value: '2024-05-01T10:00:00Z', cause: undefined },
      { name: 'format int32', schema: { type: 'integer', format: 'int32' }, value: 2 ** 31, cause: { reason: 'FieldValueTypeInvalid', message: 'Invalid value: 2147483648: spec.x in body must be of type int32: "2147483648"' } },
      { name: 'format int64 ok', schema: { type: 'integer', format: 'int64' }, value: 2 ** 40, cause: undefined },
      { name: 'null not nullable', schema: { type: 'object' }, value: null, cause: { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "null": spec.x in body must be of type object: "null"' } },
      { name: 'null nullable', schema: { type: 'object', nullable: true }, value: null, cause: undefined },
      { name: 'int-or-string int', schema: { 'x-kubernetes-int-or-string': true }, value: 8080, cause: undefined },
      { name: 'int-or-string string', schema: { 'x-kubernetes-int-or-string': true }, value: 'http', cause: undefined },
      { name: 'int-or-string bool', schema: { 'x-kubernetes-int-or-string': true }, value: true, cause: { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean"' } },
      { name: 'preserve-unknown without type', schema: { 'x-kubernetes-preserve-unknown-fields': true }, value: { anything: [1] }, cause: undefined },
      { name: 'enum of numbers', schema: { type: 'integer', enum: [1, 2] }, value: 3, cause: { reason: 'FieldValueNotSupported', message: 'Unsupported value: 3: supported values: "1", "2"' } },
      { name: 'boolean type', schema: { type: 'boolean' }, value: 'true', cause: { reason: 'FieldValueTypeInvalid', message: 'Invalid value: "string": spec.x in body must be of type boolean: "string"' } },
      { name: 'anyOf', schema: { type: 'string', anyOf: [{ pattern: '^a' }, { pattern: '^b' }] }, value: 'c', cause: { reason: 'FieldValueInvalid', message: 'Invalid value: "": spec.x in body must validate at least one schema (anyOf)' } },
      { name: 'not', schema: { type: 'string', not: { enum: ['x'] } }, value: 'x', cause: { reason: 'FieldValueInvalid', message: 'Invalid value: "": spec.x in body must not validate the schema (not)' } },
    ])('checks $name', ({ schema, value, cause }) => {
      const causes = validate({ spec: { x: value } }, { type: 'object', properties: { spec: { type: 'object', properties: { x: schema as JSONSchemaProps } } } });
      expect(causes).toEqual(cause ? [{ ...cause, field: 'spec.x' }] : []);
    });

    it('validates additionalProperties values and forbids extras when it is false', () => {
      const schema: JSONSchemaProps = { type: 'object', additionalProperties: { type: 'integer' } };
      expect(validate({ a: 1, b: 'x' }, schema).map((c) => c.field)).toEqual(['b']);
      expect(validate({ a: 1 }, { type: 'object', properties: {}, additionalProperties: false })).toEqual([
        { reason: 'FieldValueInvalid', field: '', message: 'Invalid value: "a": a in body is a forbidden property' },
      ]);
    });

    it('prefixes fields with the given path', () => {
      expect(validate({ conditions: 'x' }, amkoCluster.properties?.['status'] as JSONSchemaProps, 'status')[0]?.field).toBe('status.conditions');
    });
  });
});

describe('prune', () => {
  describe('when the object has fields the schema does not declare', () => {
    it('drops them and reports their paths', () => {
      const input = gdpObject({ ttl: 5, foo: 1, trafficSplit: [{ cluster: 'a', bar: true }], matchRules: { appSelector: { label: { app: 'x' }, baz: 1 } } });
      const { value, unknownFields } = prune(input, gdp);
      expect(value).toEqual(gdpObject({ ttl: 5, trafficSplit: [{ cluster: 'a' }], matchRules: { appSelector: { label: { app: 'x' } } } }));
      expect(unknownFields).toEqual(['spec.foo', 'spec.trafficSplit[0].bar', 'spec.matchRules.appSelector.baz']);
    });

    it('drops undeclared status fields, as a real API server does for AMKOCluster', () => {
      const { value, unknownFields } = prune({ status: { conditions: [{ type: 'a', status: 'True', reason: 'r', message: 'dropped' }], extra: 1 } }, amkoCluster);
      expect(value).toEqual({ status: { conditions: [{ type: 'a', status: 'True', reason: 'r' }] } });
      expect(unknownFields).toEqual(['status.conditions[0].message', 'status.extra']);
    });

    it('keeps apiVersion, kind and all of metadata at the root', () => {
      const input = { apiVersion: 'v', kind: 'K', metadata: { name: 'n', whatever: 1 }, top: 1 };
      expect(prune(input, { type: 'object', properties: {} })).toEqual({ value: { apiVersion: 'v', kind: 'K', metadata: { name: 'n', whatever: 1 } }, unknownFields: ['top'] });
    });

    it('prunes apiVersion and kind when the value is not a resource root', () => {
      expect(prune({ apiVersion: 'v', kind: 'K' }, { type: 'object', properties: {} }, { isRoot: false }).unknownFields).toEqual(['apiVersion', 'kind']);
    });

    it('keeps everything under x-kubernetes-preserve-unknown-fields but still prunes declared children', () => {
      const schema: JSONSchemaProps = {
        type: 'object',
        properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: {} } } } },
      };
      expect(prune({ spec: { free: { a: 1 }, known: { x: 1 } } }, schema)).toEqual({ value: { spec: { free: { a: 1 }, known: {} } }, unknownFields: ['spec.known.x'] });
    });

    it('keeps embedded resources whole at their own root', () => {
      const schema: JSONSchemaProps = { type: 'object', properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: {} } } };
      expect(prune({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, junk: 1 } }, schema).value).toEqual({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } });
    });

    it('leaves its input untouched', () => {
      const input = gdpObject({ foo: 1 });
      prune(input, gdp);
      expect(input).toEqual(gdpObject({ foo: 1 }));
    });
  });
});

describe('applyDefaults', () => {
  describe('when list items lack defaulted fields', () => {
    it('fills GDP trafficSplit weight 1 and priority 10', () => {
      expect(applyDefaults(gdpObject({ trafficSplit: [{ cluster: 'a' }, { cluster: 'b', weight: 5 }] }), gdp)).toEqual(
        gdpObject({ trafficSplit: [{ cluster: 'a', weight: 1, priority: 10 }, { cluster: 'b', weight: 5, priority: 10 }] }),
      );
    });

    it('fills GSLBHostRule trafficSplit priority 1', () => {
      expect(applyDefaults({ spec: { trafficSplit: [{ cluster: 'a' }] } }, hostRule)).toEqual({ spec: { trafficSplit: [{ cluster: 'a', weight: 1, priority: 1 }] } });
    });
  });

  describe('when defaults are nested or values are null', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          default: {},
          properties: {
            replicas: { type: 'integer', default: 1 },
            mode: { type: 'string' },
            opt: { type: 'string', nullable: true, default: 'd' },
            labels: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string', default: 'x' } } } },
          },
        },
      },
    };

    it('defaults inside a defaulted object', () => {
      expect(applyDefaults({}, schema)).toEqual({ spec: { replicas: 1, opt: 'd' } });
    });

    it('replaces a non-nullable null by its default and drops one without a default', () => {
      expect(applyDefaults({ spec: { replicas: null, mode: null } }, schema)).toEqual({ spec: { replicas: 1, opt: 'd' } });
    });

    it('keeps a nullable null', () => {
      expect(applyDefaults({ spec: { opt: null } }, schema)).toEqual({ spec: { replicas: 1, opt: null } });
    });

    it('defaults inside additionalProperties values', () => {
      expect(applyDefaults({ spec: { labels: { a: {} } } }, schema)).toEqual({ spec: { replicas: 1, opt: 'd', labels: { a: { v: 'x' } } } });
    });

    it('does not overwrite set values or touch its input', () => {
      const input = { spec: { replicas: 3 } };
      expect(applyDefaults(input, schema)).toEqual({ spec: { replicas: 3, opt: 'd' } });
      expect(input).toEqual({ spec: { replicas: 3 } });
    });
  });
});

describe('isStructural', () => {
  describe('when given the real AMKO schemas', () => {
    it.each([gdp, gslbConfig, hostRule, amkoCluster].map((schema, i) => ({ i, schema })))('accepts schema #$i', ({ schema }) => {
      expect(isStructural(schema)).toEqual([]);
    });
  });

  describe('when a schema is not structural', () => {
    it.each([
      { name: 'a root that is not an object', schema: { type: 'string' }, problems: ['type: Invalid value: "string": must be object at the root'] },
      {
        name: 'a property without type',
        schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } },
        problems: ['properties[spec].type: Required value: must not be empty for specified object fields'],
      },
      { name: 'an array without items', schema: { type: 'object', properties: { l: { type: 'array' } } }, problems: ['properties[l].items: Required value: must be specified'] },
      {
        name: 'properties with additionalProperties',
        schema: { type: 'object', properties: { m: { type: 'object', properties: {}, additionalProperties: { type: 'string' } } } },
        problems: ['properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive'],
      },
      {
        name: 'preserve-unknown-fields false',
        schema: { type: 'object', properties: { m: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } } },
        problems: ['properties[m].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined'],
      },
      { name: 'an unknown type', schema: { type: 'object', properties: { m: { type: 'map' } } }, problems: ['properties[m].type: Unsupported value: "map": supported values: "object", "array", "string", "integer", "number", "boolean"'] },
    ])('reports $name', ({ schema, problems }) => {
      expect(isStructural(schema as JSONSchemaProps)).toEqual(problems);
    });

    it('allows a missing type under int-or-string and preserve-unknown-fields', () => {
      const schema: JSONSchemaProps = { type: 'object', properties: { port: { 'x-kubernetes-int-or-string': true }, raw: { 'x-kubernetes-preserve-unknown-fields': true } } };
      expect(isStructural(schema)).toEqual([]);
    });
  });
});
