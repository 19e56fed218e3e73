import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from './redis.ts';
import { findOnPath } from './find-on-path.ts';

/** One command over RESP; returns the raw reply line(s) (enough for SET, GET and DBSIZE). */
async function command(url: string, ...args: string[]): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port: Number(port) });
    let reply = '';
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      const complete = reply.startsWith('$') && !reply.startsWith('$-1') ? reply.split('\r\n').length >= 3 : reply.endsWith('\r\n');
      if (complete) {
        socket.destroy();
        resolve(reply.trimEnd());
      }
    });
    socket.on('error', reject);
  });
}

const hasRedisServer = (await findOnPath('redis-server')) !== undefined;
let redis: TestRedis | undefined;
afterEach(async () => {
  await redis?.dispose();
  redis = undefined;
});

describe.runIf(hasRedisServer)('startTestRedis (private redis-server)', () => {
  describe('when a server with AOF is killed with -9 and started again', () => {
    it('serves every acknowledged write on the same URL', async () => {
      redis = await startTestRedis({ appendOnly: true });
      expect(await command(redis.url, 'SET', 'k', 'kept')).toBe('+OK');
      await redis.kill();
      expect(redis.running).toBe(false);
      await expect(command(redis.url, 'PING')).rejects.toThrow();
      await redis.start();
      expect(redis.running).toBe(true);
      expect(await command(redis.url, 'GET', 'k')).toBe('$4\r\nkept');
    });
  });

  describe('when a server with AOF is started again empty', () => {
    it('has lost its data', async () => {
      redis = await startTestRedis({ appendOnly: true });
      await command(redis.url, 'SET', 'k', 'kept');
      await redis.kill();
      await redis.start({ empty: true });
      expect(await command(redis.url, 'DBSIZE')).toBe(':0');
    });
  });

  describe('when a server without AOF is killed with -9 and started again', () => {
    it('comes back empty', async () => {
      redis = await startTestRedis();
      await command(redis.url, 'SET', 'k', 'lost');
      await redis.kill();
      await redis.start();
      expect(await command(redis.url, 'DBSIZE')).toBe(':0');
    });
  });
});
