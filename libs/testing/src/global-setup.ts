/**
 * vitest globalSetup for integration tests: one Redis for the whole run (REDIS_URL when set,
 * else a private redis-server, else testcontainers). Tests read it with `inject('redisUrl')`
 * and isolate themselves with `isolatedPrefix()`.
 */
import type { TestProject } from 'vitest/node';
import './provided-context.ts';
import { startTestRedis, type TestRedis } from './redis.ts';

let redis: TestRedis | undefined;

export async function setup(project: TestProject): Promise<void> {
  redis = await startTestRedis({ url: process.env['REDIS_URL'] });
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.dispose();
}
