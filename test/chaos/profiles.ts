/**
 * The two profiles of the same scenarios: `full` (npm run chaos: the counts of issue #9, about
 * 10–20 minutes on a 2-core machine) and `short` (CI: fewer kills and writes, shorter outages).
 * Deadlines are functional limits, not targets: the measured convergence time is printed, never
 * asserted against a small bound.
 */
export interface ChaosProfile {
  readonly name: 'full' | 'short';
  /** GSLBHostRules at the start; with the GSLBConfig and the GDP they are the federated objects. */
  readonly rules: number;
  /** Scenario 1: kill -9 of the replicator this many times during `replicatorUpdates` updates. */
  readonly replicatorKills: number;
  readonly replicatorUpdates: number;
  /** Scenario 2: kill -9 of the Lease-holding watcher (of 2 replicas) this many times during `watcherUpdates` updates. */
  readonly watcherKills: number;
  readonly watcherUpdates: number;
  /** Scenarios 3 and 4: kill -9 of Redis this many times during `redisOps` creates, updates and deletes. */
  readonly redisKills: number;
  readonly redisOps: number;
  /** How long Redis stays down after each kill. */
  readonly redisDownMs: number;
  /** Scenario 5: how long Redis is down after both apps started. */
  readonly redisDownAtStartMs: number;
  /** Scenario 6: how long a follower's API server is down, and the writes meanwhile. */
  readonly followerDownMs: number;
  readonly followerDownOps: number;
  /** Scenario 7: each storm (503, 429, hang) on a follower, and the writes meanwhile. */
  readonly stormMs: number;
  readonly stormOps: number;
  /** Scenario 8: the write-only 503 storm. */
  readonly writeStormMs: number;
  /** Scenario 9: GSLBHostRules deleted while the replicator is dead. */
  readonly deletesWhileDead: number;
  /** How long a scenario may take to converge after its fault ended (and before it starts). */
  readonly convergeDeadlineMs: number;
}

export const FULL: ChaosProfile = {
  name: 'full',
  rules: 48,
  replicatorKills: 20,
  replicatorUpdates: 300,
  watcherKills: 10,
  watcherUpdates: 200,
  redisKills: 5,
  redisOps: 150,
  redisDownMs: 3_000,
  redisDownAtStartMs: 20_000,
  followerDownMs: 60_000,
  followerDownOps: 100,
  stormMs: 30_000,
  stormOps: 60,
  writeStormMs: 60_000,
  deletesWhileDead: 24,
  convergeDeadlineMs: 120_000,
};

export const SHORT: ChaosProfile = {
  name: 'short',
  rules: 18,
  replicatorKills: 5,
  replicatorUpdates: 60,
  watcherKills: 3,
  watcherUpdates: 45,
  redisKills: 2,
  redisOps: 40,
  redisDownMs: 1_000,
  redisDownAtStartMs: 5_000,
  followerDownMs: 15_000,
  followerDownOps: 30,
  stormMs: 6_000,
  stormOps: 20,
  writeStormMs: 12_000,
  deletesWhileDead: 8,
  convergeDeadlineMs: 60_000,
};

export const PROFILES: Readonly<Record<ChaosProfile['name'], ChaosProfile>> = { full: FULL, short: SHORT };
