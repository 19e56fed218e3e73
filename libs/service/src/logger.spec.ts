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
});
