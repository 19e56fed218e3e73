import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath, freePort, isolatedPrefix } from '@amko-fed/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, redisFixture } from '../test/redis-fixture.ts';
import { checkEvictionPolicy, checkRedisReady, createRedisConnection } from './connection.ts';
import { createFederationLog } from './federation-log.ts';
import { createFollowerQueues } from './follower-queues.ts';
import { createMemberRegistry } from './member-registry.ts';
import { hashTagOf } from './names.ts';
import { createResultsStore } from './results-store.ts';

const fixture = redisFixture(isolatedPrefix('conn'));
afterAll(() => fixture.close());

describe('redis connection', () => {
  describe('when Redis is reachable', () => {
    it('reports ready', async () => {
      const connection = fixture.connect('client');
      await eventually(() => connection.status, (s) => s === 'ready');
      expect(await checkRedisReady(connection)).toEqual({ ready: true });
    });

    it('finds the noeviction policy BullMQ needs', async () => {
      expect(await checkEvictionPolicy(fixture.connect('client'))).toEqual({ policy: 'noeviction', warning: undefined });
    });
  });

  describe('when the connection is not established', () => {
    it('reports not ready without waiting', async () => {
      const connection = createRedisConnection(fixture.url, { role: 'client', lazyConnect: true });
      expect(await checkRedisReady(connection)).toEqual({ ready: false, reason: 'connection is wait' });
      connection.disconnect();
    });
  });

  describe('when given a Sentinel URL', () => {
    let sentinel: ChildProcess | undefined;
    let dir = '';
    let sentinelPort = 0;

    beforeAll(async () => {
      const binary = await findOnPath('redis-server');
      if (binary === undefined) throw new Error('the Sentinel test needs the redis-server binary on PATH');
      const master = new URL(fixture.url);
      sentinelPort = await freePort();
      dir = await mkdtemp(join(tmpdir(), 'amko-fed-sentinel-'));
      const config = join(dir, 'sentinel.conf');
      await writeFile(
        config,
        [`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor amko ${master.hostname} ${master.port} 1`, ''].join('\n'),
      );
      sentinel = spawn(binary, [config, '--sentinel'], { stdio: 'ignore' });
    });

    afterAll(async () => {
      const running = sentinel;
      if (running && running.exitCode === null) {
        await new Promise<void>((resolve) => {
          running.once('exit', () => resolve());
          running.kill('SIGTERM');
        });
      }
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reaches the master the sentinels name', async () => {
      const direct = fixture.connect('client');
      const key = `${fixture.prefix}:sentinel-probe`;
      await direct.set(key, 'via-master');
      const connectionErrors: Error[] = [];
      const viaSentinel = createRedisConnection(`redis-sentinel://127.0.0.1:${sentinelPort}/amko`, {
        role: 'client',
        overrides: { sentinelRetryStrategy: () => 50 },
        // The sentinel may still be starting: ioredis retries, the errors only say so.
        onError: (error) => connectionErrors.push(error),
      });
      try {
        await eventually(() => viaSentinel.status, (s) => s === 'ready');
        expect(await viaSentinel.get(key)).toBe('via-master');
        expect(await checkRedisReady(viaSentinel)).toEqual({ ready: true });
        expect(connectionErrors.every((e) => /sentinel/i.test(e.message))).toBe(true);
      } finally {
        await viaSentinel.quit();
      }
    });
  });
});

describe('key layout', () => {
  describe('when every component wrote under one prefix', () => {
    it('puts all keys, BullMQ included, under the prefix and its hash tag', async () => {
      const prefix = isolatedPrefix('layout');
      const redis = fixture.connect('client');
      const queues = createFollowerQueues({ connection: redis, prefix });
      try {
        await queues.enqueue({ cluster: 'f1', objectKey: 'GSLBConfig/avi-system/gc', seq: 1 });
        await createFederationLog({ redis, prefix }).appendEvent({
          op: 'upsert', objectKey: 'GSLBConfig/avi-system/gc', kind: 'GSLBConfig', resourceVersion: '1',
          contentHash: 'h', object: {}, source: 'watch',
        });
        await createMemberRegistry({ redis, prefix }).publishMembers({ leader: 'l', members: [{ cluster: 'f1', state: 'valid' }] });
        await createResultsStore({ redis, prefix }).recordResult({
          cluster: 'f1', objectKey: 'GSLBConfig/avi-system/gc', outcome: 'created', seq: 1, attempts: 1, at: new Date().toISOString(),
        });
      } finally {
        await queues.close();
      }
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, page] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[[\]*?\\]/g, '\\$&')}*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...page);
      } while (cursor !== '0');
      expect(keys.some((k) => k.startsWith(`${prefix}:follower.f1:`))).toBe(true);
      expect(keys.some((k) => k.startsWith(`${prefix}:fed:`))).toBe(true);
      expect(new Set(keys.map(hashTagOf))).toEqual(new Set([hashTagOf(prefix)]));
    });
  });
});
