import { describe, expect, it } from 'vitest';
import { parseReplayRequest } from './replay-request.ts';

describe('parseReplayRequest', () => {
  describe('when the body is valid', () => {
    it.each([
      [undefined, { cluster: undefined, kind: undefined, objectKey: undefined, allObjects: false }],
      [{}, { cluster: undefined, kind: undefined, objectKey: undefined, allObjects: false }],
      [{ kind: 'gdp' }, { cluster: undefined, kind: 'GlobalDeploymentPolicy', objectKey: undefined, allObjects: false }],
      [{ kind: 'GSLBConfigs' }, { cluster: undefined, kind: 'GSLBConfig', objectKey: undefined, allObjects: false }],
      [{ cluster: 'arn:aws:eks:us-east-1:123456789012:cluster/site3' }, { cluster: 'arn:aws:eks:us-east-1:123456789012:cluster/site3', kind: undefined, objectKey: undefined, allObjects: false }],
      [{ cluster: 'site four {DR}', allObjects: true }, { cluster: 'site four {DR}', kind: undefined, objectKey: undefined, allObjects: true }],
      [{ cluster: 'c2', allObjects: true, kind: 'ghr' }, { cluster: 'c2', kind: 'GSLBHostRule', objectKey: undefined, allObjects: true }],
      [{ objectKey: 'GSLBConfig/avi-system/gc-1', kind: 'gc' }, { cluster: undefined, kind: 'GSLBConfig', objectKey: 'GSLBConfig/avi-system/gc-1', allObjects: false }],
    ])('reads %j', (body, request) => {
      expect(parseReplayRequest(body)).toEqual({ ok: true, request });
    });
  });

  describe('when the body is invalid', () => {
    it.each([
      [[], /^body: must be a JSON object/],
      [{ cluster: 42 }, /^cluster: must be a string/],
      [{ cluster: 'a\nb' }, /^cluster: is not a valid cluster \(context\) name \(non-empty, no control characters/],
      [{ cluster: '' }, /^cluster: is not a valid cluster/],
      [{ kind: 'pods' }, /^kind: "pods" is not a federated kind; use GSLBConfig \(gc\)/],
      [{ objectKey: 'Pod/default/x' }, /^objectKey: must be <Kind>\/<namespace>\/<name>/],
      [{ allObjects: 1 }, /^allObjects: must be true or false/],
      [{ allObjects: true }, /^cluster: is required with allObjects/],
      [{ kind: 'gdp', objectKey: 'GSLBConfig/avi-system/gc-1' }, /^kind: GlobalDeploymentPolicy does not match objectKey/],
      [{ clusters: ['a'] }, /^body: unknown field\(s\) clusters; use cluster, kind, objectKey, allObjects/],
    ])('names the field for %j', (body, problem) => {
      const parsed = parseReplayRequest(body);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problems.some((p) => problem.test(p))).toBe(true);
    });
  });
});
