/**
 * Scenario 5: both apps start while Redis is down (a node restart where Redis comes up last). The
 * objects exist on the leader only; the apps are started, the leader writes more, and Redis starts
 * (empty) after a while. A workload may wait for Redis, not exit: an exit counts as a crash (the
 * supervisor restarts it, as Kubernetes would).
 */
import type { ChaosScenario } from './scenario.ts';

export const redisDownAtStart: ChaosScenario = {
  name: 'redis-down-at-start',
  appsRunning: false,
  fault: (p) => `watcher and replicator start while Redis is down; Redis starts ${p.redisDownAtStartMs / 1000} s later`,
  async run({ federation, profile, workload, hold }) {
    const redis = federation.redis;
    if (redis === undefined) throw new Error('the scenario needs the private redis-server');
    await redis.kill('SIGKILL');
    await federation.app('replicator').start({ waitReady: false });
    await federation.app('watcher').start({ waitReady: false });
    await workload.mixed(10);
    await hold(profile.redisDownAtStartMs);
    await redis.start({ empty: true });
  },
};
