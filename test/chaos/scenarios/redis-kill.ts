/**
 * Scenarios 3 and 4: kill -9 of Redis during creates, updates and deletes on the leader. Each
 * round: writes while Redis runs, kill -9, writes while it is down, Redis started again on the same
 * port; the next round waits until both apps are ready again. With AOF (`appendfsync always`) Redis
 * comes back with every acknowledged write; without, it comes back EMPTY (queues, projection,
 * results and events lost): the federation must notice the loss and converge from the clusters.
 */
import type { ChaosScenario } from './scenario.ts';

function redisKill(appendOnly: boolean): ChaosScenario {
  return {
    name: appendOnly ? 'redis-kill-aof' : 'redis-kill-empty',
    appendOnly,
    fault: (p) =>
      `kill -9 Redis x${p.redisKills} ${appendOnly ? 'with AOF' : 'without AOF (restarts EMPTY)'}, down ${p.redisDownMs / 1000} s each, during ${p.redisOps} creates/updates/deletes`,
    async run({ federation, profile, workload, hold, ready }) {
      const redis = federation.redis;
      if (redis === undefined) throw new Error('the scenario needs the private redis-server');
      const perRound = Math.ceil(profile.redisOps / profile.redisKills);
      for (let round = 1; round <= profile.redisKills; round += 1) {
        if (round > 1) await Promise.all([ready(federation.app('watcher')), ready(federation.app('replicator'))]);
        await workload.mixed(Math.ceil(perRound / 2));
        await redis.kill('SIGKILL');
        await workload.mixed(Math.floor(perRound / 2));
        await hold(profile.redisDownMs);
        await redis.start({ empty: !appendOnly });
      }
    },
  };
}

export const redisKillAof = redisKill(true);
export const redisKillEmpty = redisKill(false);
