/**
 * Scenario 6: a follower's API server is down (connections refused) while the leader creates,
 * updates and deletes, then back. Longer than MEMBER_CHECK_INTERVAL (30 s) in the full profile, so
 * the watcher marks the member invalid and must bring it back.
 */
import type { ChaosScenario } from './scenario.ts';

/** Writes spread over a fault: `ops` writes in `chunks` parts, `ms` in all. */
export async function spreadWrites(write: (count: number) => Promise<void>, ops: number, ms: number, hold: (ms: number) => Promise<void>, chunks = 4): Promise<void> {
  for (let i = 0; i < chunks; i += 1) {
    await write(Math.ceil(ops / chunks));
    await hold(ms / chunks);
  }
}

export const followerDown: ChaosScenario = {
  name: 'follower-down',
  fault: (p) => `follower1 API server down ${p.followerDownMs / 1000} s during ${p.followerDownOps} creates/updates/deletes`,
  async run({ federation, profile, workload, hold }) {
    const follower = federation.cluster('follower1');
    await follower.stop();
    await spreadWrites((n) => workload.mixed(n), profile.followerDownOps, profile.followerDownMs, hold);
    await follower.start();
  },
};
