import { describe, expect, it } from 'vitest';
import { decideLease, heldLeaseSpec, isLeaseExpired, LeaseAction, mustStepDown, observeLease } from './lease-rules.ts';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const held = (holder: string, renewTime = '2026-11-22T10:00:00.000000Z', leaseTransitions = 0) => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  renewTime,
  acquireTime: '2026-11-22T09:00:00.000000Z',
  leaseTransitions,
});

describe('lease rules', () => {
  describe('when no Lease exists', () => {
    it('creates it', () => {
      expect(decideLease(undefined, 'w1', T0)).toEqual({ action: LeaseAction.Create });
    });
  });

  describe('when we hold the Lease', () => {
    it('renews it, keeping the acquire time and transitions', () => {
      const observation = observeLease(undefined, held('w1', undefined, 3), T0, 15_000);
      expect(decideLease(observation, 'w1', T0 + 60_000)).toEqual({ action: LeaseAction.Renew });
      expect(heldLeaseSpec(LeaseAction.Renew, held('w1', undefined, 3), 'w1', T0, 15_000)).toEqual({
        holderIdentity: 'w1',
        leaseDurationSeconds: 15,
        acquireTimeMs: Date.parse('2026-11-22T09:00:00Z'),
        renewTimeMs: T0,
        leaseTransitions: 3,
      });
    });
  });

  describe('when another replica holds it', () => {
    const observation = observeLease(undefined, held('w2'), T0, 15_000);

    it('waits while it has been renewed within the duration', () => {
      expect(decideLease(observation, 'w1', T0 + 14_999)).toEqual({ action: LeaseAction.Wait, holder: 'w2', expiresAtMs: T0 + 15_000 });
    });

    it('takes it over once it was not renewed for the whole duration, counting a transition', () => {
      expect(decideLease(observation, 'w1', T0 + 15_000)).toEqual({ action: LeaseAction.TakeOver });
      expect(heldLeaseSpec(LeaseAction.TakeOver, held('w2', undefined, 4), 'w1', T0 + 15_000, 15_000)).toMatchObject({
        holderIdentity: 'w1',
        acquireTimeMs: T0 + 15_000,
        leaseTransitions: 5,
      });
    });

    it('restarts the expiry clock whenever the holder renews', () => {
      const renewed = observeLease(observation, held('w2', '2026-11-22T10:00:10.000000Z'), T0 + 10_000, 15_000);
      expect(renewed.observedAtMs).toBe(T0 + 10_000);
      expect(isLeaseExpired(renewed, T0 + 20_000)).toBe(false);
      expect(isLeaseExpired(renewed, T0 + 25_000)).toBe(true);
    });

    it('judges expiry by our own observation, not by the holder\'s clock', () => {
      // The holder's renewTime says "one hour ago" (clock skew), but we just saw it change.
      const skewed = observeLease(undefined, held('w2', '2026-11-22T09:00:00.000000Z'), T0, 15_000);
      expect(isLeaseExpired(skewed, T0 + 1_000)).toBe(false);
    });

    it('keeps the observation time while the record is unchanged', () => {
      expect(observeLease(observation, held('w2'), T0 + 9_000, 15_000)).toBe(observation);
    });

    it('uses the Lease\'s own duration', () => {
      const short = observeLease(undefined, { ...held('w2'), leaseDurationSeconds: 2 }, T0, 15_000);
      expect(isLeaseExpired(short, T0 + 2_000)).toBe(true);
    });
  });

  describe('when the Lease was released', () => {
    it('is free at once', () => {
      const released = observeLease(undefined, { holderIdentity: '', leaseDurationSeconds: 1 }, T0, 15_000);
      expect(isLeaseExpired(released, T0)).toBe(true);
      expect(decideLease(released, 'w1', T0)).toEqual({ action: LeaseAction.TakeOver });
    });
  });

  describe('when the holder cannot renew', () => {
    it('steps down after the renew deadline, before anyone may take over', () => {
      expect(mustStepDown(T0, T0 + 9_999, 10_000)).toBe(false);
      expect(mustStepDown(T0, T0 + 10_000, 10_000)).toBe(true);
    });
  });
});
