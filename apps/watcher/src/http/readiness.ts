/**
 * Readiness of a watcher replica: Redis answers, the Lease is either held or known to be held by
 * another replica (standby is a healthy state), and, while federating, the informers have listed.
 */
import type { RedisReadiness } from '@amko-fed/queue';
import type { ReadinessCheck } from '@amko-fed/service';
import { ElectionState } from '../election/lease-elector.ts';
import type { SessionHealth } from '../session/leader-session.ts';

export interface WatcherHealth {
  readonly ready: boolean;
  readonly checks: readonly ReadinessCheck[];
  /** `standby`, `starting`, or the role decided from the AMKOCluster while holding the Lease. */
  readonly role: string;
  readonly lease: ElectionState;
  readonly validFollowers?: readonly string[];
  /** Resyncs completed while leading. */
  readonly resyncs?: number;
}

export function readinessChecks(input: {
  /** The answer of the stores' readiness check (StoreHealth.readiness). */
  readonly redis: RedisReadiness;
  readonly lease: ElectionState;
  readonly leaseError: string | undefined;
  readonly session: SessionHealth | undefined;
}): WatcherHealth {
  const { redis } = input;
  const leaseOk = input.lease === ElectionState.Leading || input.lease === ElectionState.Standby;
  const checks: ReadinessCheck[] = [
    { name: 'redis', ok: redis.ready, detail: redis.ready ? undefined : redis.reason },
    { name: 'lease', ok: leaseOk, detail: leaseOk ? input.lease : (input.leaseError ?? 'lease state not known yet') },
    {
      name: 'informers',
      ok: input.session === undefined || input.session.synced,
      detail: input.session === undefined ? 'standby' : input.session.synced ? 'synced' : 'listing leader objects',
    },
  ];
  return {
    ready: checks.every((c) => c.ok),
    checks,
    role: input.lease === ElectionState.Leading ? (input.session?.role ?? 'starting') : input.lease,
    lease: input.lease,
    ...(input.session === undefined ? {} : { validFollowers: input.session.validFollowers, resyncs: input.session.resyncs }),
  };
}
