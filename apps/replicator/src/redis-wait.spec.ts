/**
 * The wait for Redis at start, over a RedisHealth that answers as the test says: given how the two
 * connections answer, then whether the wait ends, and what it logs. No case pauses: each is decided
 * at the first check (a stop during it makes the pause that follows end at once).
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { RedisHealth } from './adapters.ts';
import { redisWaitDelay, waitForRedis } from './redis-wait.ts';

function recordingLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }), lines };
}

/** Answers with `answers` in turn (the last one repeats); `onCheck` sees the check number. */
function health(answers: readonly [string | undefined, string | undefined][], onCheck: (check: number) => void = () => undefined): RedisHealth {
  let check = 0;
  const next = (): [string | undefined, string | undefined] => answers[Math.min(check, answers.length - 1)] ?? [undefined, undefined];
  return {
    target: 'redis://:***@redis:6379',
    async problem() {
      onCheck(check);
      return next()[0];
    },
    async workerProblem() {
      const answer = next()[1];
      check += 1;
      return answer;
    },
  };
}

describe('waitForRedis', () => {
  describe('when both connections answer at the first check', () => {
    it('resolves true without logging', async () => {
      const { logger, lines } = recordingLogger();
      expect(await waitForRedis(health([[undefined, undefined]]), logger, new AbortController().signal)).toBe(true);
      expect(lines).toEqual([]);
    });
  });

  describe('when only the worker connection does not answer and start is stopped', () => {
    it('logs that it waits, naming the worker connection and the redacted URL, and resolves false', async () => {
      const { logger, lines } = recordingLogger();
      const stop = new AbortController();
      const redis = health([[undefined, 'worker connection: connection is reconnecting']], (check) => check === 0 && stop.abort());
      expect(await waitForRedis(redis, logger, stop.signal)).toBe(false);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
        msg: 'Waiting for Redis before taking up replication', redis: 'redis://:***@redis:6379', reason: 'worker connection: connection is reconnecting', checks: 1,
      });
    });
  });

  describe('when start is stopped before the first check', () => {
    it('resolves false at once', async () => {
      const { logger } = recordingLogger();
      expect(await waitForRedis(health([['down', undefined]]), logger, AbortSignal.abort())).toBe(false);
    });
  });
});

describe('redisWaitDelay', () => {
  it.each([
    [0, 100],
    [1, 200],
    [5, 3_200],
    [6, 5_000],
    [1_000, 5_000],
  ])('after check %i pauses %i ms', (attempt, ms) => {
    expect(redisWaitDelay(attempt)).toBe(ms);
  });
});
