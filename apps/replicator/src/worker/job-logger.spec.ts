import { Writable } from 'node:stream';
import { createLogger } from '@amko-fed/service';
import { describe, expect, it } from 'vitest';
import { createJobLogger } from './job-logger.ts';

function capture(level: string): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ name: 'test', level, destination }), lines };
}

describe('createJobLogger', () => {
  describe('when a line is logged at an enabled level', () => {
    it('carries the follower bindings, the job bindings and the fields, with redaction', () => {
      const { logger, lines } = capture('info');
      const job = createJobLogger(logger.child({ component: 'worker', cluster: 'c2' }), { jobId: '7', objectKey: 'GSLBConfig/avi-system/gc-1' });
      job.info({ seq: 3, reason: 'spec differs', authorization: 'Bearer t0k3n' }, 'Updated GSLBConfig');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ component: 'worker', cluster: 'c2', jobId: '7', objectKey: 'GSLBConfig/avi-system/gc-1', seq: 3, msg: 'Updated GSLBConfig', level: 30 });
      expect(JSON.stringify(lines)).not.toContain('t0k3n');
    });
  });

  describe('when the level is disabled', () => {
    it('writes nothing', () => {
      const { logger, lines } = capture('warn');
      const job = createJobLogger(logger, { jobId: '1' });
      job.debug({ seq: 1 }, 'x');
      job.info({ seq: 1 }, 'y');
      job.warn({ seq: 1 }, 'z');
      expect(lines.map((l) => l['msg'])).toEqual(['z']);
    });
  });
});
