/**
 * What an attempt leaves behind (job-outcome.ts), over the in-memory results store and log of
 * `@amko-fed/queue/testing`, the real metrics and a line-recording logger: given how an attempt
 * ended, then the result record, the metrics, the log line and the error handed to BullMQ.
 */
import { ErrorCode, FencedLeaderError, SchemaRejectedError, UnavailableError, type ObjectKey, type ProjectionState } from '@amko-fed/domain';
import { createInMemoryStores } from '@amko-fed/queue/testing';
import { UnrecoverableError } from 'bullmq';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { metricValue } from '../../test/unit-worker.ts';
import { createSecretRedactor } from '../clusters/secret-redactor.ts';
import { createReplicatorMetrics } from '../metrics/metrics.ts';
import { ApplyOutcome } from './apply-object.ts';
import { AttemptFailedError } from './errors/attempt-failed-error.ts';
import { createJobLogger } from './job-logger.ts';
import { createJobOutcomes, type Attempt } from './job-outcome.ts';

const CLUSTER = 'follower1';
const KEY = 'GSLBConfig/avi-system/gc-1' as ObjectKey;
const SECRET = 'members-password-93b1';
const ENQUEUED_MS = Date.parse('2026-12-05T16:00:00.000Z');

async function outcomesWorld(options: { readonly maxAttempts?: number } = {}) {
  let now = ENQUEUED_MS + 1_000;
  const clock = (): Date => new Date(now);
  const stores = createInMemoryStores({ clock });
  const metrics = createReplicatorMetrics({ queueDepth: { clusters: () => [], counts: (cluster) => stores.queues.counts(cluster) }, processMetrics: false });
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const outcomes = createJobOutcomes(CLUSTER, { results: stores.results, redact: createSecretRedactor([SECRET]), metrics, clock, maxAttempts: options.maxAttempts ?? 3 });
  /** An attempt of a job enqueued at ENQUEUED_MS, started `now`. */
  const attempt = (fields: { attemptsMade?: number; jobAttempts?: number; objectKey?: ObjectKey | undefined; data?: unknown } = {}): Attempt & { objectKey: ObjectKey } => {
    const objectKey = 'objectKey' in fields ? fields.objectKey : KEY;
    return {
      job: { id: '7', data: fields.data ?? { cluster: CLUSTER, objectKey: KEY, seq: 1 }, attemptsMade: fields.attemptsMade ?? 0, timestamp: ENQUEUED_MS, opts: { attempts: fields.jobAttempts ?? 3 } },
      logger: createJobLogger(logger, { jobId: '7', objectKey }),
      startedMs: now,
      objectKey: objectKey as ObjectKey,
      kind: 'GSLBConfig',
    };
  };
  const projected = async (): Promise<ProjectionState> => {
    await stores.log.appendEvent({ op: 'upsert', objectKey: KEY, kind: 'GSLBConfig', resourceVersion: '10', contentHash: 'hash-1', object: { metadata: { name: 'gc-1', namespace: 'avi-system' } }, source: 'watch' });
    const entry = stores.log.projected(KEY);
    if (entry === undefined) throw new Error('no projection entry');
    return entry;
  };
  const metric = (name: string, labels: Record<string, string>): Promise<number> => metricValue(metrics, name, labels);
  return { stores, outcomes, attempt, projected, metric, lines, advance: (ms: number) => void (now += ms) };
}

describe('createJobOutcomes', () => {
  describe('succeeded', () => {
    describe('when the follower was changed', () => {
      it('records the outcome with seq, hash, attempt number and times, observes latency and logs in Kubernetes style', async () => {
        const world = await outcomesWorld();
        const entry = await world.projected();
        const attempt = world.attempt({ attemptsMade: 1 });
        world.advance(20);
        expect(await world.outcomes.succeeded(attempt, entry, { outcome: ApplyOutcome.updated, reason: 'spec differs', replans: 0 })).toEqual({ returned: { outcome: 'updated', seq: entry.seq }, projectedSeq: entry.seq });
        expect(await world.stores.results.readResult(CLUSTER, KEY)).toEqual({
          cluster: CLUSTER, objectKey: KEY, outcome: 'updated', seq: entry.seq, contentHash: 'hash-1', attempts: 2,
          at: new Date(ENQUEUED_MS + 1_020).toISOString(), enqueuedAt: new Date(ENQUEUED_MS).toISOString(),
        });
        expect(await world.metric('amko_fed_replicator_applies_total', { cluster: CLUSTER, outcome: 'updated' })).toBe(1);
        expect(await world.metric('amko_fed_replicator_apply_duration_seconds_sum', { cluster: CLUSTER })).toBeCloseTo(0.02);
        expect(await world.metric('amko_fed_replicator_event_to_applied_seconds_count', { cluster: CLUSTER })).toBe(1);
        expect(world.lines.join('')).toContain('"msg":"Updated GSLBConfig"');
      });
    });

    describe('when a resync or a replay enqueued the job (a drift repair)', () => {
      it.each(['resync', 'replay'])('counts a %s repair and keeps it out of the leader-change latency', async (reason) => {
        const world = await outcomesWorld();
        const entry = await world.projected();
        world.advance(90_000); // the drift was found long after the leader change
        await world.outcomes.succeeded(world.attempt({ data: { cluster: CLUSTER, objectKey: KEY, seq: entry.seq, reason } }), entry, { outcome: ApplyOutcome.updated, reason: 'spec differs', replans: 0 });
        expect(await world.metric('amko_fed_replicator_drift_repairs_total', { cluster: CLUSTER, reason })).toBe(1);
        expect(await world.metric('amko_fed_replicator_event_to_applied_seconds_count', { cluster: CLUSTER })).toBe(0);
      });

      it('observes a watched leader change (reason event) as latency, not as a repair', async () => {
        const world = await outcomesWorld();
        const entry = await world.projected();
        await world.outcomes.succeeded(world.attempt({ data: { cluster: CLUSTER, objectKey: KEY, seq: entry.seq, reason: 'event' } }), entry, { outcome: ApplyOutcome.updated, reason: 'spec differs', replans: 0 });
        expect(await world.metric('amko_fed_replicator_event_to_applied_seconds_count', { cluster: CLUSTER })).toBe(1);
        expect(await world.metric('amko_fed_replicator_drift_repairs_total', { cluster: CLUSTER, reason: 'resync' })).toBe(0);
      });
    });

    describe('when an attempt leaves the follower in sync', () => {
      it('sets the last successful apply time, and a failure leaves it alone', async () => {
        const world = await outcomesWorld({ maxAttempts: 5 });
        const entry = await world.projected();
        await world.outcomes.succeeded(world.attempt(), entry, { outcome: ApplyOutcome.noop, reason: 'equal', replans: 0 });
        const first = (ENQUEUED_MS + 1_000) / 1000;
        expect(await world.metric('amko_fed_replicator_last_successful_apply_timestamp_seconds', { cluster: CLUSTER })).toBe(first);
        world.advance(5_000);
        await world.outcomes.failed(world.attempt(), entry, 'update', new Error('connect ECONNREFUSED'));
        expect(await world.metric('amko_fed_replicator_last_successful_apply_timestamp_seconds', { cluster: CLUSTER })).toBe(first);
      });
    });

    describe('when the leader\'s state was a deletion', () => {
      it('records the outcome without a content hash', async () => {
        const world = await outcomesWorld();
        await world.stores.log.appendEvent({ op: 'delete', objectKey: KEY, kind: 'GSLBConfig', resourceVersion: '11', source: 'watch' });
        const entry = world.stores.log.projected(KEY) as ProjectionState;
        await world.outcomes.succeeded(world.attempt(), entry, { outcome: ApplyOutcome.deleted, reason: 'absent on the leader', replans: 0 });
        const result = await world.stores.results.readResult(CLUSTER, KEY);
        expect(result).toMatchObject({ outcome: 'deleted', seq: entry.seq });
        expect(result).not.toHaveProperty('contentHash');
      });
    });

    describe('when nothing had to change', () => {
      it('records "noop", logs at debug only and observes no event-to-applied latency', async () => {
        const world = await outcomesWorld();
        const entry = await world.projected();
        await world.outcomes.succeeded(world.attempt(), entry, { outcome: ApplyOutcome.noop, reason: 'equal', replans: 0 });
        expect((await world.stores.results.readResult(CLUSTER, KEY))?.outcome).toBe('noop');
        expect(await world.metric('amko_fed_replicator_event_to_applied_seconds_count', { cluster: CLUSTER })).toBe(0);
        expect(world.lines.join('')).toContain('"level":20');
        expect(world.lines.join('')).toContain('GSLBConfig is up to date');
      });
    });

    describe('when the projection no longer holds the state (Redis lost the data set)', () => {
      it('records nothing and says so at debug level', async () => {
        const world = await outcomesWorld();
        const entry = await world.projected();
        world.stores.log.loseData();
        await world.outcomes.succeeded(world.attempt(), entry, { outcome: ApplyOutcome.created, reason: 'absent', replans: 0 });
        expect(await world.stores.results.readResult(CLUSTER, KEY)).toBeUndefined();
        expect(world.lines.join('')).toContain('Result not recorded');
      });
    });
  });

  describe('skipped', () => {
    describe('when the projection has no entry for the object', () => {
      it('returns "noop" at the job\'s seq and counts a noop attempt', async () => {
        const world = await outcomesWorld();
        await world.projected();
        expect(await world.outcomes.skipped(world.attempt(), 1)).toEqual({ outcome: 'noop', seq: 1 });
        expect(await world.metric('amko_fed_replicator_applies_total', { cluster: CLUSTER, outcome: 'noop' })).toBe(1);
      });
    });
  });

  describe('failed', () => {
    describe('when the error is retryable and attempts remain', () => {
      it('records "failed" with the attempt number, counts a retry and hands BullMQ a retryable error', async () => {
        const world = await outcomesWorld();
        const entry = await world.projected();
        const error = await world.outcomes.failed(world.attempt({ attemptsMade: 1 }), entry, 'apply', new UnavailableError('replace on follower1: 503'));
        expect(error).toBeInstanceOf(AttemptFailedError);
        expect(await world.stores.results.readResult(CLUSTER, KEY)).toMatchObject({ outcome: 'failed', seq: entry.seq, attempts: 2, errorCode: ErrorCode.Unavailable });
        expect(await world.metric('amko_fed_replicator_retries_total', { cluster: CLUSTER })).toBe(1);
        expect(world.lines.join('')).toContain('Could not apply GSLBConfig; will retry');
      });
    });

    describe('when it is the last attempt', () => {
      it('gives up: "gave up after N attempts", an UnrecoverableError, no retry counted', async () => {
        const world = await outcomesWorld({ maxAttempts: 3 });
        const entry = await world.projected();
        const error = await world.outcomes.failed(world.attempt({ attemptsMade: 2 }), entry, 'delete', new UnavailableError('delete on follower1: 503'));
        expect(error).toBeInstanceOf(UnrecoverableError);
        expect((await world.stores.results.readResult(CLUSTER, KEY))?.errorMessage).toBe('gave up after 3 attempts: delete on follower1: 503');
        expect(await world.metric('amko_fed_replicator_retries_total', { cluster: CLUSTER })).toBe(0);
        expect(world.lines.join('')).toContain('Could not delete GSLBConfig; giving up');
      });

      it('counts the job\'s own attempt budget when it is smaller than RETRY_ATTEMPTS', async () => {
        const world = await outcomesWorld({ maxAttempts: 10 });
        const entry = await world.projected();
        expect(await world.outcomes.failed(world.attempt({ attemptsMade: 1, jobAttempts: 2 }), entry, 'apply', new UnavailableError('x'))).toBeInstanceOf(UnrecoverableError);
      });
    });

    describe('when the error is terminal', () => {
      it.each([
        ['a schema rejection', new SchemaRejectedError('replace: spec.ttl: Invalid value', { status: 422 }), 'failed', ErrorCode.SchemaRejected],
        ['a fenced leader', new FencedLeaderError(CLUSTER), 'fenced', ErrorCode.FencedLeader],
      ])('%s fails at the first attempt with its outcome and code', async (_name, thrown, outcome, code) => {
        const world = await outcomesWorld();
        const entry = await world.projected();
        expect(await world.outcomes.failed(world.attempt(), entry, 'apply', thrown)).toBeInstanceOf(UnrecoverableError);
        expect(await world.stores.results.readResult(CLUSTER, KEY)).toMatchObject({ outcome, errorCode: code, attempts: 1 });
        expect(await world.metric('amko_fed_replicator_applies_total', { cluster: CLUSTER, outcome })).toBe(1);
      });
    });

    describe('when the message carries a credential', () => {
      it('redacts it in the record, the BullMQ error and the log line', async () => {
        const world = await outcomesWorld();
        const entry = await world.projected();
        const error = await world.outcomes.failed(world.attempt(), entry, 'apply', new UnavailableError(`dial https://admin:${SECRET}@follower1:6443 refused`));
        expect((await world.stores.results.readResult(CLUSTER, KEY))?.errorMessage).not.toContain(SECRET);
        expect(error.message).not.toContain(SECRET);
        expect(error.message).toContain('[redacted]');
        expect(world.lines.join('')).not.toContain(SECRET);
      });
    });

    describe('when the attempt failed before the projection was read', () => {
      it('records the failure at the job\'s seq', async () => {
        const world = await outcomesWorld();
        await world.projected();
        await world.outcomes.failed(world.attempt({ data: { cluster: CLUSTER, objectKey: KEY, seq: 1 } }), undefined, 'apply', new UnavailableError('no client'));
        expect((await world.stores.results.readResult(CLUSTER, KEY))?.seq).toBe(1);
      });
    });

    describe('when the payload named no object', () => {
      it('records nothing but still counts the failed attempt', async () => {
        const world = await outcomesWorld();
        await world.outcomes.failed(world.attempt({ objectKey: undefined, data: { garbage: true } }), undefined, 'apply', new UnavailableError('x'));
        expect(await world.stores.results.readResults(CLUSTER)).toEqual([]);
        expect(await world.metric('amko_fed_replicator_applies_total', { cluster: CLUSTER, outcome: 'failed' })).toBe(1);
      });
    });
  });
});
