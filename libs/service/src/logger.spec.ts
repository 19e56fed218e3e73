import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  describe('when a log line carries secrets', () => {
    it('censors tokens, passwords and kubeconfigs at any depth the paths name', () => {
      const { lines, stream } = capture();
      const logger = createLogger({ name: 't', level: 'info', destination: stream });
      logger.info({ token: 'tok-1', user: { password: 'pw-2' }, kubeconfig: 'users: [token: tok-3]', cluster: 'c1' }, 'Connected');
      const text = lines.join('');
      expect(text).not.toMatch(/tok-1|pw-2|tok-3/);
      expect(text).toContain('"cluster":"c1"');
      expect(text).toContain('[redacted]');
    });
  });

  describe('when the format is pretty', () => {
    it('writes human-readable lines instead of JSON, still censoring secrets', () => {
      const { lines, stream } = capture();
      const logger = createLogger({ name: 'replicator', level: 'info', pretty: true, destination: stream });
      logger.info({ cluster: 'c1', password: 'pw-9' }, 'Applied GSLBConfig');
      const text = lines.join('');
      expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(replicator\): Applied GSLBConfig\n/);
      expect(text).toContain('cluster: "c1"');
      expect(text).not.toContain('pw-9');
      expect(text).not.toContain('{"level"');
    });

    it('honours the level', () => {
      const { lines, stream } = capture();
      const logger = createLogger({ name: 'watcher', level: 'warn', pretty: true, destination: stream });
      logger.info('Not shown');
      logger.warn('Could not delete GlobalDeploymentPolicy');
      expect(lines.join('')).toMatch(/^\[[\d:.]+\] WARN \(watcher\): Could not delete GlobalDeploymentPolicy\n$/);
    });
  });
});
