import './provided-context.ts';
export { startTestRedis, isolatedPrefix, freePort, type TestRedis, type RedisOptions, type RedisStartOptions } from './redis.ts';
export { findOnPath } from './find-on-path.ts';
export { eventually, eventuallyPasses } from './eventually.ts';
export * from './harness/index.ts';
export { startRedisCluster, parseClusterNodes, type TestRedisCluster, type RedisClusterOptions, type ClusterNode, type Failover } from './redis-cluster.ts';
export { startRedisSentinel, type TestRedisSentinel, type RedisSentinelOptions } from './redis-sentinel.ts';
export { startFreezingProxy, type FreezingProxy } from './freezing-proxy.ts';
