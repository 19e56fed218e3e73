import { describe, expect, it } from 'vitest';
import { InvalidJobPayloadError } from '../errors/invalid-job-payload-error.ts';
import { decodeJob, deduplicationIdOf, encodeJob } from './job-codec.ts';

const valid = { cluster: 'follower-1', objectKey: 'GSLBConfig/avi-system/gc-1', seq: 7 } as const;

describe('job codec', () => {
  describe('when the payload is valid', () => {
    it('decodes it unchanged', () => {
      expect(decodeJob({ ...valid, reason: 'resync' })).toEqual({ ok: true, job: { ...valid, reason: 'resync' } });
    });

    it('accepts seq 0 and no reason', () => {
      const result = decodeJob({ ...valid, seq: 0 });
      expect(result.ok && result.job).toEqual({ ...valid, seq: 0 });
    });

    it('drops unknown fields so newer producers stay compatible', () => {
      const result = decodeJob({ ...valid, traceId: 'x' });
      expect(result.ok && result.job).toEqual(valid);
    });

    it('encodes to a plain object without an undefined reason', () => {
      expect(Object.keys(encodeJob({ ...valid, reason: undefined }))).toEqual(['cluster', 'objectKey', 'seq']);
    });

    it('accepts any kubeconfig context name as the cluster', () => {
      expect(decodeJob({ ...valid, cluster: 'arn:aws:eks:us-east-1:1:cluster/site3' })).toMatchObject({ ok: true });
    });

    it('builds the dedup id <cluster>/<objectKey>', () => {
      expect(deduplicationIdOf(valid)).toBe('follower-1/GSLBConfig/avi-system/gc-1');
    });

    it('encodes a context name with ":" in the dedup id, as in Redis keys', () => {
      expect(deduplicationIdOf({ ...valid, cluster: 'arn:aws:eks:us-east-1:1:cluster/site3' })).toBe('arn%3Aaws%3Aeks%3Aus-east-1%3A1%3Acluster/site3/GSLBConfig/avi-system/gc-1');
    });
  });

  describe('when the payload is invalid', () => {
    const bad: [string, unknown][] = [
      ['not an object', 'GSLBConfig/avi-system/gc-1'],
      ['null', null],
      ['missing cluster', { objectKey: valid.objectKey, seq: 1 }],
      ['empty cluster', { ...valid, cluster: '' }],
      ['cluster with a newline', { ...valid, cluster: 'site\nthree' }],
      ['unknown kind', { ...valid, objectKey: 'Secret/avi-system/s' }],
      ['object key with two parts', { ...valid, objectKey: 'GSLBConfig/gc-1' }],
      ['object key with empty name', { ...valid, objectKey: 'GSLBConfig/avi-system/' }],
      ['negative seq', { ...valid, seq: -1 }],
      ['fractional seq', { ...valid, seq: 1.5 }],
      ['seq as string', { ...valid, seq: '7' }],
      ['unknown reason', { ...valid, reason: 'because' }],
    ];

    it.each(bad)('rejects %s with a terminal InvalidJobPayloadError', (_label, payload) => {
      const result = decodeJob(payload);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toBeInstanceOf(InvalidJobPayloadError);
      expect(result.error.code).toBe('INVALID_JOB_PAYLOAD');
      expect(result.error.retryable).toBe(false);
      expect(result.error.issues.length).toBeGreaterThan(0);
      expect(result.error.cause).toBeDefined();
    });

    it('throws from encodeJob', () => {
      expect(() => encodeJob({ ...valid, seq: -1 })).toThrow(InvalidJobPayloadError);
    });

    it('does not echo payload values in the message', () => {
      const result = decodeJob({ ...valid, cluster: 'token-abc123\nsecret' });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).not.toContain('abc123');
    });
  });
});
