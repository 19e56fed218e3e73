/**
 * Lease-based leader election between watcher replicas (coordination.k8s.io/v1 Lease in the pod's
 * namespace). Acquire and renew are conditional writes (resourceVersion), so only one replica can
 * win a round; the holder renews every duration/3 and steps down when it could not renew for 2/3
 * of the duration, before anybody else may take over. `stop()` releases the lease so a standby
 * takes over at once.
 */
import { ConflictError } from '@amko-fed/domain';
import { microTime, type ClusterClient, type Lease } from '@amko-fed/kube';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { decideLease, heldLeaseSpec, LeaseAction, mustStepDown, observeLease, type LeaseObservation } from './lease-rules.ts';

export const ElectionState = { Unknown: 'unknown', Standby: 'standby', Leading: 'leading' } as const;
export type ElectionState = (typeof ElectionState)[keyof typeof ElectionState];

export interface LeaseElectorOptions {
  readonly client: ClusterClient;
  readonly namespace: string;
  /** @defaultValue amko-federation-watcher */
  readonly name?: string;
  readonly identity: string;
  readonly durationMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when this replica becomes the leader (must not block). */
  onStartedLeading(): void;
  /** Called when it stops being the leader; awaited before the lease is released or retried. */
  onStoppedLeading(): Promise<void>;
}

export interface LeaseElector {
  start(): void;
  /** Stops campaigning, stops leading (awaiting `onStoppedLeading`) and releases the lease. */
  stop(): Promise<void>;
  state(): ElectionState;
  /** The last failure to read or write the lease, while it persists. */
  lastError(): string | undefined;
}

export const LEASE_NAME = 'amko-federation-watcher';

export function createLeaseElector(options: LeaseElectorOptions): LeaseElector {
  const { client, namespace, identity, durationMs, clock } = options;
  const name = options.name ?? LEASE_NAME;
  const logger = options.logger.child({ component: 'election', lease: `${namespace}/${name}` });
  const retryMs = Math.max(100, Math.floor(durationMs / 3));
  const renewDeadlineMs = Math.floor((durationMs * 2) / 3);
  let state: ElectionState = ElectionState.Unknown;
  let observation: LeaseObservation | undefined;
  let lastRenewedAtMs = 0;
  let error: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let inFlight: Promise<void> = Promise.resolve();
  let waitingFor: string | undefined;

  const leaseBody = (spec: ReturnType<typeof heldLeaseSpec> | undefined, resourceVersion?: string): Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec:
      spec === undefined
        ? { holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(clock().getTime()) }
        : {
            holderIdentity: spec.holderIdentity,
            leaseDurationSeconds: spec.leaseDurationSeconds,
            acquireTime: microTime(spec.acquireTimeMs),
            renewTime: microTime(spec.renewTimeMs),
            leaseTransitions: spec.leaseTransitions,
          },
  });

  async function becomeStandby(holder: string | undefined): Promise<void> {
    if (state === ElectionState.Leading) {
      state = ElectionState.Standby;
      logger.warn({ holder }, 'Lost lease, stopping leader work');
      await options.onStoppedLeading();
    }
    state = ElectionState.Standby;
    if (holder !== undefined && holder !== waitingFor) logger.info({ holder }, 'Standing by, lease held by another replica');
    waitingFor = holder;
  }

  function becomeLeader(action: LeaseAction): void {
    lastRenewedAtMs = clock().getTime();
    waitingFor = undefined;
    if (state === ElectionState.Leading) return;
    state = ElectionState.Leading;
    logger.info({ identity, action }, 'Acquired lease');
    options.onStartedLeading();
  }

  async function tick(): Promise<void> {
    const now = clock().getTime();
    let lease: Lease | undefined;
    try {
      lease = await client.getLease(namespace, name);
    } catch (err) {
      return onFailure(err, now);
    }
    observation = lease === undefined ? undefined : observeLease(observation, lease.spec ?? {}, now, durationMs);
    const decision = decideLease(observation, identity, now);
    if (decision.action === LeaseAction.Wait) return becomeStandby(decision.holder);
    const spec = heldLeaseSpec(decision.action, lease?.spec, identity, now, durationMs);
    try {
      if (decision.action === LeaseAction.Create) await client.createLease(namespace, leaseBody(spec));
      else await client.replaceLease(namespace, name, leaseBody(spec, lease?.metadata?.resourceVersion));
      error = undefined;
      becomeLeader(decision.action);
    } catch (err) {
      // Another replica wrote first: read again on the next round.
      if (err instanceof ConflictError && state !== ElectionState.Leading) return becomeStandby(undefined);
      return onFailure(err, now);
    }
  }

  async function onFailure(err: unknown, now: number): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    if (error !== message) logger.warn({ err }, 'Could not read or write the lease');
    error = message;
    if (state === ElectionState.Leading && mustStepDown(lastRenewedAtMs, now, renewDeadlineMs)) {
      await becomeStandby(undefined);
    } else if (state !== ElectionState.Leading) {
      state = state === ElectionState.Standby ? ElectionState.Standby : ElectionState.Unknown;
    }
  }

  function schedule(delayMs: number): void {
    if (!running) return;
    timer = setTimeout(() => {
      inFlight = tick()
        .catch((err: unknown) => logger.error({ err }, 'Lease election round failed'))
        .finally(() => schedule(retryMs));
    }, delayMs);
  }

  async function release(): Promise<void> {
    try {
      const lease = await client.getLease(namespace, name);
      if (lease?.spec?.holderIdentity !== identity) return;
      await client.replaceLease(namespace, name, leaseBody(undefined, lease.metadata?.resourceVersion));
      logger.info('Released lease');
    } catch (err) {
      logger.warn({ err }, 'Could not release the lease; it expires on its own');
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await inFlight;
      if (state === ElectionState.Leading) {
        state = ElectionState.Standby;
        await options.onStoppedLeading();
        await release();
      }
      state = ElectionState.Unknown;
    },
    state: () => state,
    lastError: () => error,
  };
}
