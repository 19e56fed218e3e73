/**
 * Leader election rules over a coordination.k8s.io/v1 Lease, as pure functions (time is an
 * argument). Like client-go's leaderelection, expiry is judged by when THIS process last saw the
 * lease record change, never by comparing another node's renewTime with our clock, so clock skew
 * between replicas cannot make two of them leaders.
 */
import type { LeaseSpec } from '@amko-fed/kube';

/** The fields of a Lease spec the rules read (times as the API returns them: RFC 3339 MicroTime text). */
export type LeaseRecord = Pick<LeaseSpec, 'holderIdentity' | 'leaseDurationSeconds' | 'acquireTime' | 'renewTime' | 'leaseTransitions'>;

/** What this process saw of the lease and when (its own monotonic-enough clock). */
export interface LeaseObservation {
  /** Identity of the record: holder, renew time and transitions. */
  readonly fingerprint: string;
  readonly holderIdentity: string;
  readonly durationMs: number;
  readonly observedAtMs: number;
}

export const LeaseAction = {
  /** No Lease exists: create it, holding it. */
  Create: 'create',
  /** We hold it: renew it. */
  Renew: 'renew',
  /** Free or expired: take it over (a new transition). */
  TakeOver: 'take-over',
  /** Someone else holds it and it has not expired. */
  Wait: 'wait',
} as const;
export type LeaseAction = (typeof LeaseAction)[keyof typeof LeaseAction];

export type LeaseDecision =
  | { readonly action: typeof LeaseAction.Create }
  | { readonly action: typeof LeaseAction.Renew }
  | { readonly action: typeof LeaseAction.TakeOver }
  | { readonly action: typeof LeaseAction.Wait; readonly holder: string; readonly expiresAtMs: number };

/** Updates the observation: a changed record restarts the expiry clock at `nowMs`. */
export function observeLease(
  previous: LeaseObservation | undefined,
  record: LeaseRecord,
  nowMs: number,
  defaultDurationMs: number,
): LeaseObservation {
  const holderIdentity = record.holderIdentity ?? '';
  const fingerprint = `${holderIdentity}|${record.renewTime ?? ''}|${record.leaseTransitions ?? 0}`;
  if (previous !== undefined && previous.fingerprint === fingerprint) return previous;
  const seconds = record.leaseDurationSeconds;
  const durationMs = seconds !== undefined && seconds > 0 ? seconds * 1000 : defaultDurationMs;
  return { fingerprint, holderIdentity, durationMs, observedAtMs: nowMs };
}

/** A lease without a holder is free; otherwise it expires `durationMs` after we last saw it change. */
export function isLeaseExpired(observation: LeaseObservation, nowMs: number): boolean {
  if (observation.holderIdentity === '') return true;
  return nowMs >= observation.observedAtMs + observation.durationMs;
}

/** Can `identity` take or keep the lease? */
export function decideLease(
  observation: LeaseObservation | undefined,
  identity: string,
  nowMs: number,
): LeaseDecision {
  if (observation === undefined) return { action: LeaseAction.Create };
  if (observation.holderIdentity === identity) return { action: LeaseAction.Renew };
  if (isLeaseExpired(observation, nowMs)) return { action: LeaseAction.TakeOver };
  return { action: LeaseAction.Wait, holder: observation.holderIdentity, expiresAtMs: observation.observedAtMs + observation.durationMs };
}

/** The spec to write for a decision to hold the lease (`Create`, `Renew`, `TakeOver`). */
export function heldLeaseSpec(
  action: typeof LeaseAction.Create | typeof LeaseAction.Renew | typeof LeaseAction.TakeOver,
  previous: LeaseRecord | undefined,
  identity: string,
  nowMs: number,
  durationMs: number,
): { holderIdentity: string; leaseDurationSeconds: number; acquireTimeMs: number; renewTimeMs: number; leaseTransitions: number } {
  const leaseDurationSeconds = Math.max(1, Math.ceil(durationMs / 1000));
  const transitions = previous?.leaseTransitions ?? 0;
  const previousAcquire = previous?.acquireTime === undefined ? Number.NaN : new Date(previous.acquireTime).getTime();
  switch (action) {
    case LeaseAction.Create:
      return { holderIdentity: identity, leaseDurationSeconds, acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: 0 };
    case LeaseAction.Renew:
      return {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTimeMs: Number.isNaN(previousAcquire) ? nowMs : previousAcquire,
        renewTimeMs: nowMs,
        leaseTransitions: transitions,
      };
    case LeaseAction.TakeOver:
      return { holderIdentity: identity, leaseDurationSeconds, acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: transitions + 1 };
    default: {
      const _exhaustive: never = action;
      throw new TypeError('unknown lease action');
    }
  }
}

/**
 * Whether a holder that could not renew must consider the lease lost: after `renewDeadlineMs`
 * without a successful renewal (client-go's RenewDeadline), so that it stops acting before
 * another replica may take over.
 */
export function mustStepDown(lastRenewedAtMs: number, nowMs: number, renewDeadlineMs: number): boolean {
  return nowMs - lastRenewedAtMs >= renewDeadlineMs;
}
