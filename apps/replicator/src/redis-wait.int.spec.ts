/**
 * Issue #9 (1): a replicator that starts while Redis is unreachable must wait for it (serving
 * /healthz, and a /readyz that says Redis is the problem) instead of exiting, which in Kubernetes
 * meant a CrashLoopBackOff after every Redis maintenance.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@amko-fed/service';
import { freePort, startTestRedis, type TestRedis } from '@amko-fed/testing';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, GC_KEY, gslbConfig, replicatorFixture, specOf, type ReplicatorFixture } from '../test/fixture.ts';
import { createReplicatorAdapters } from './adapters.ts';
import { loadConfig } from './config.ts';
import { createReplicator, type Replicator } from './replicator.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

interface Readiness {
  readonly status: number;
  readonly checks: readonly { name: string; ok: boolean; detail?: string }[];
}

async function readyz(replicator: Replicator): Promise<Readiness> {
  const response = await fetch(`${replicator.url ?? ''}/readyz`);
  const body = (await response.json()) as { checks: Readiness['checks'] };
  return { status: response.status, checks: body.checks };
}

/** A replicator built from the fixture's environment, not started, logging into `lines`. */
function replicatorFor(fx: ReplicatorFixture, lines: string[], overrides: Record<string, string> = {}): Replicator {
  const config = loadConfig(fx.env(overrides));
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ name: 'replicator', level: 'debug', destination });
  return createReplicator({ config, logger, adapters: createReplicatorAdapters(config, logger) });
}

/** Settles `promise` into a readable outcome, so that a start that fails ends the test at once. */
function track(promise: Promise<void>): { readonly error: () => unknown; readonly done: Promise<void> } {
  let error: unknown;
  const done = promise.catch((err: unknown) => {
    error = err ?? new Error('start() rejected');
  });
  return { error: () => error, done };
}

/** Counts of the handles that keep a process alive: sockets and timers. */
function openHandles(): { sockets: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  return { sockets: info.filter((r) => r === 'TCPSocketWrap' || r === 'TCPWRAP').length, timers: info.filter((r) => r === 'Timeout').length };
}

describe('replicator start', () => {
  describe('when Redis is unreachable at start', () => {
    let redis: TestRedis;
    let fx: ReplicatorFixture;
    let redisUp = true;

    beforeAll(async () => {
      redis = await startTestRedis();
      fx = await replicatorFixture({ followers: ['follower1'], redisUrl: redis.url });
      await redis.stop();
      redisUp = false;
    });
    afterAll(async () => {
      if (!redisUp) await redis.restart();
      await fx.close();
      await redis.dispose();
    });

    it('stays up and not ready naming Redis, then follows the registry and applies jobs once Redis is up', async () => {
      const lines: string[] = [];
      const replicator = replicatorFor(fx, lines);
      const starting = track(replicator.start());
      try {
        await eventually(() => replicator.url ?? starting.error(), (v) => v !== undefined, 20_000, 'HTTP server listening');
        expect(starting.error()).toBeUndefined();
        expect((await fetch(`${replicator.url ?? ''}/healthz`)).status).toBe(200);
        const waiting = await eventually(() => readyz(replicator), (r) => r.status === 503);
        const redisCheck = waiting.checks.find((c) => c.name === 'redis');
        expect(redisCheck?.ok).toBe(false);
        expect(redisCheck?.detail).toMatch(/ECONNREFUSED|reconnecting|connecting/);
        await eventually(() => lines.join(''), (text) => text.includes('Waiting for Redis') || starting.error() !== undefined, 20_000, 'a log line saying the replicator waits for Redis');
        expect(starting.error()).toBeUndefined();

        await redis.restart();
        redisUp = true;
        await eventually(() => readyz(replicator), (r) => r.status === 200, 30_000, 'ready once Redis is up');
        await starting.done;
        expect(starting.error()).toBeUndefined();
        await fx.publishMembers();
        await fx.upsert(gslbConfig(11));
        const applied = await eventually(async () => specOf(await fx.followerObject('follower1', GC_KEY))?.['refreshInterval'], (v) => v === 11, 20_000, 'job applied');
        expect(applied).toBe(11);
      } finally {
        await replicator.stop();
      }
    });

    it('stops promptly while waiting and leaves no connection or timer behind', async () => {
      // A port nobody listens on: the fixture's own connection (to the private Redis) stays as it is.
      const nowhere = `redis://127.0.0.1:${await freePort()}`;
      const before = openHandles();
      const lines: string[] = [];
      const replicator = replicatorFor(fx, lines, { REDIS_URL: nowhere });
      const starting = track(replicator.start());
      await eventually(() => lines.join(''), (text) => text.includes('Waiting for Redis') || starting.error() !== undefined, 20_000, 'waiting for Redis');
      expect(starting.error()).toBeUndefined();

      await replicator.stop();
      await starting.done;
      expect(starting.error()).toBeUndefined();
      const after = await eventually(openHandles, (h) => h.sockets <= before.sockets && h.timers <= before.timers, 10_000, 'handles back to what they were');
      expect(after.sockets).toBeLessThanOrEqual(before.sockets);
      expect(lines.join('')).not.toContain('Replicator started');
    });
  });
});

describe('replicator process', () => {
  describe('when Redis is unreachable at start', () => {
    it('keeps running, waits for Redis without logging its password, and exits cleanly on SIGTERM', async () => {
      const fx = await replicatorFixture({ followers: ['follower1'] });
      const [redisPort, httpPort] = await Promise.all([freePort(), freePort()]);
      const password = 'pw-redis-91c3e7';
      const env = { ...fx.env({ REDIS_URL: `redis://:${password}@127.0.0.1:${redisPort}`, HTTP_PORT: String(httpPort), LOG_LEVEL: 'info' }), PATH: process.env['PATH'] ?? '' };
      const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let exitCode: number | null | undefined;
      void exited.then((code) => (exitCode = code));
      try {
        await eventually(() => ({ output, exitCode }), (s) => s.output.includes('Waiting for Redis') || s.exitCode !== undefined, 20_000, 'waiting or exited');
        expect(exitCode).toBeUndefined();
        const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
        expect(ready.status).toBe(503);
        expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);
        expect(exitCode).toBeUndefined();
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(output).toContain(`redis://:***@127.0.0.1:${redisPort}`);
        expect(output).not.toContain(password);
        expect(output).not.toContain('Could not start the replicator');
      } finally {
        child.kill('SIGKILL');
        await fx.close();
      }
    });
  });
});
