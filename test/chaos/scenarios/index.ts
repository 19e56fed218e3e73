/** Every chaos scenario, in the order of issue #9. */
import { deletesWhileDead } from './deletes-while-dead.ts';
import { followerDown } from './follower-down.ts';
import { redisDownAtStart } from './redis-down-at-start.ts';
import { redisKillAof, redisKillEmpty } from './redis-kill.ts';
import { replicatorKill } from './replicator-kill.ts';
import type { ChaosScenario } from './scenario.ts';
import { storm429, storm503, stormHang, writeStorm503 } from './storms.ts';
import { watcherKill } from './watcher-kill.ts';

export const SCENARIOS: readonly ChaosScenario[] = [
  replicatorKill,
  watcherKill,
  redisKillAof,
  redisKillEmpty,
  redisDownAtStart,
  followerDown,
  storm503,
  storm429,
  stormHang,
  writeStorm503,
  deletesWhileDead,
];
