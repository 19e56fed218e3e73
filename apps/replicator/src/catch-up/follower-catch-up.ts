/**
 * Catch-up after an outage (ARCHITECTURE §4, §7: a follower back from an outage converges within
 * 5 s). While a follower is unreachable its jobs wait in `delayed` for backoff delays of up to
 * RETRY_CAP, and new events for the same objects are deduplicated into those delayed jobs. So as
 * soon as a job sees the follower unavailable, a probe runs every PROBE_INTERVAL_MS (one cheap LIST
 * of AMKOClusters); when the follower answers (or any job succeeds), its delayed jobs are promoted
 * to waiting instead of sleeping out their backoff.
 *
 * An answer is not proof that writes work (issue #9: a follower answering 503 to writes only made a
 * job spend its 12 attempts in 9 s, one per probe). So promotions back off too
 * (promotion-backoff.ts): the first after a failure is immediate, and each one that is followed by
 * another unavailable failure doubles the wait before the next, from RETRY_BASE up to RETRY_CAP, as
 * a job's own retries do. Until then the follower stays "unreachable" and the next probe is
 * scheduled for when a promotion is allowed.
 */
import type { Logger } from 'pino';
import { decidePromotion, evolvePromotion, INITIAL_PROMOTION_STATE, type PromotionPolicy, type PromotionState } from './promotion-backoff.ts';

export const PROBE_INTERVAL_MS = 1_000;

export interface FollowerCatchUpOptions {
  /** Resolves when the follower answers (a FencedLeaderError counts as an answer). */
  readonly probe: (cluster: string) => Promise<void>;
  /** Moves the follower's delayed jobs to waiting; returns how many there were. */
  readonly promote: (cluster: string) => Promise<number>;
  /** How far apart promotions must be (see promotion-backoff.ts). */
  readonly policy: PromotionPolicy;
  readonly logger: Logger;
  /** @defaultValue PROBE_INTERVAL_MS */
  readonly intervalMs?: number;
  /** Milliseconds of the clock the promotion rule runs on. @defaultValue Date.now */
  readonly now?: () => number;
}

export interface FollowerCatchUp {
  /** Reported by every attempt that talked to the follower. */
  reachability(cluster: string, reachable: boolean): void;
  /** Clusters currently considered unreachable. */
  unreachable(): string[];
  /** Stops probing a cluster (its worker stopped). */
  forget(cluster: string): void;
  stop(): void;
}

export function createFollowerCatchUp(options: FollowerCatchUpOptions): FollowerCatchUp {
  const logger = options.logger.child({ component: 'catch-up' });
  const intervalMs = options.intervalMs ?? PROBE_INTERVAL_MS;
  const now = options.now ?? Date.now;
  /** Followers being probed (unreachable until a promotion), with the pending probe. */
  const probes = new Map<string, NodeJS.Timeout>();
  const states = new Map<string, PromotionState>();
  let stopped = false;

  const stateOf = (cluster: string): PromotionState => states.get(cluster) ?? INITIAL_PROMOTION_STATE;

  /** Promotes the follower's delayed jobs if the rule allows it now; returns when it will otherwise. */
  function answered(cluster: string): number | undefined {
    if (!probes.has(cluster)) return undefined;
    const at = now();
    const decision = decidePromotion(stateOf(cluster), at, options.policy);
    if (decision.type === 'wait') return decision.until;
    clearTimeout(probes.get(cluster));
    probes.delete(cluster);
    states.set(cluster, evolvePromotion(stateOf(cluster), { type: 'promoted', at }, options.policy));
    options.promote(cluster).then(
      (promoted) => logger.info({ cluster, promoted }, 'Follower is reachable again; retrying its delayed jobs now'),
      (err: unknown) => logger.warn({ cluster, err }, 'Could not promote the delayed jobs of a follower that is reachable again'),
    );
    return undefined;
  }

  function schedule(cluster: string, delayMs: number): void {
    const timer = setTimeout(() => {
      const onAnswer = (): void => {
        if (stopped || !probes.has(cluster)) return;
        const until = answered(cluster);
        if (until === undefined) return;
        const { failedPromotions } = stateOf(cluster);
        logger.info({ cluster, failedPromotions, retryInMs: until - now() }, 'Follower answers, but its jobs failed again after the last catch-up; retrying them on their backoff');
        schedule(cluster, until - now());
      };
      options.probe(cluster).then(onAnswer, (err: unknown) => {
        if ((err as { code?: unknown }).code === 'FENCED_LEADER') return onAnswer();
        if (!stopped && probes.has(cluster)) schedule(cluster, intervalMs);
        return undefined;
      });
    }, Math.max(0, delayMs));
    timer.unref();
    probes.set(cluster, timer);
  }

  return {
    reachability(cluster, reachable) {
      if (stopped) return;
      if (reachable) {
        answered(cluster);
        return;
      }
      const at = now();
      const state = evolvePromotion(stateOf(cluster), { type: 'unavailable', at }, options.policy);
      states.set(cluster, state);
      if (probes.has(cluster)) return;
      if (state.lastPromotionAt === undefined) logger.warn({ cluster }, 'Follower is unreachable; probing it until it answers');
      const decision = decidePromotion(state, at, options.policy);
      schedule(cluster, Math.max(intervalMs, decision.type === 'wait' ? decision.until - at : 0));
    },
    unreachable: () => [...probes.keys()],
    forget(cluster) {
      clearTimeout(probes.get(cluster));
      probes.delete(cluster);
      states.delete(cluster);
    },
    stop() {
      stopped = true;
      for (const timer of probes.values()) clearTimeout(timer);
      probes.clear();
      states.clear();
    },
  };
}
