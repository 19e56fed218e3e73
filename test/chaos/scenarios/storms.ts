/**
 * Scenarios 7 and 8: storms on one follower's API server while the leader creates, updates and
 * deletes: every request answered 503, or 429 (Retry-After 1), or left hanging (the clients' own
 * timeouts end them); and a write-only 503 storm where LIST and GET still work (so the follower
 * looks reachable while no write lands). Retries must outlast the storm.
 */
import type { FaultSettings, Verb } from '@amko-fed/kube-emulator';
import type { ChaosProfile } from '../profiles.ts';
import { spreadWrites } from './follower-down.ts';
import type { ChaosScenario } from './scenario.ts';

const WRITE_VERBS: readonly Verb[] = ['create', 'update', 'patch', 'delete'];

function storm(name: string, what: string, settings: FaultSettings, duration: (p: ChaosProfile) => number): ChaosScenario {
  return {
    name,
    fault: (p) => `${what} on follower1 for ${duration(p) / 1000} s during ${p.stormOps} creates/updates/deletes`,
    async run({ federation, profile, workload, hold }) {
      const follower = federation.cluster('follower1');
      follower.faults.set(settings);
      try {
        await spreadWrites((n) => workload.mixed(n), profile.stormOps, duration(profile), hold);
      } finally {
        follower.faults.clear();
      }
    },
  };
}

export const storm503 = storm('storm-503', '503 storm (every request)', { error: { status: 503 } }, (p) => p.stormMs);
export const storm429 = storm('storm-429', '429 storm (every request, Retry-After 1)', { error: { status: 429, retryAfterSeconds: 1 } }, (p) => p.stormMs);
export const stormHang = storm('storm-hang', 'hang storm (every request hangs)', { hang: true }, (p) => p.stormMs);
export const writeStorm503 = storm('write-storm-503', 'write-only 503 storm (create/update/patch/delete; GET/LIST work)', { error: { status: 503, verbs: WRITE_VERBS } }, (p) => p.writeStormMs);
