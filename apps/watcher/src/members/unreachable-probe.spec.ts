import { describe, expect, it } from 'vitest';
import { createUnreachableProbe } from './unreachable-probe.ts';

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe('createUnreachableProbe', () => {
  describe('when an unreachable member starts answering', () => {
    it('probes only the watched members until one answers, then asks for one member check', async () => {
      const asked: string[] = [];
      let checks = 0;
      const probe = createUnreachableProbe({
        intervalMs: 5,
        answers: (cluster) => {
          asked.push(cluster);
          return Promise.resolve(cluster === 'cluster3' && asked.filter((c) => c === 'cluster3').length >= 3);
        },
        onAnswer: () => {
          checks += 1;
        },
      });
      probe.watch(['cluster2', 'cluster3']);
      await until(() => checks === 1);
      const asksAtCheck = asked.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(asked.length).toBe(asksAtCheck);
      expect(new Set(asked)).toEqual(new Set(['cluster2', 'cluster3']));
      expect(checks).toBe(1);
      probe.stop();
    });
  });

  describe('when a probe fails with an error or nothing is watched', () => {
    it('treats the error as no answer, and stops probing once told to watch nothing or stopped', async () => {
      let asked = 0;
      const probe = createUnreachableProbe({
        intervalMs: 5,
        answers: () => {
          asked += 1;
          return Promise.reject(new Error('ECONNREFUSED'));
        },
        onAnswer: () => {
          throw new Error('no member answered');
        },
      });
      probe.watch(['cluster2']);
      await until(() => asked >= 3);
      probe.watch([]);
      const afterEmpty = asked;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(asked - afterEmpty).toBeLessThanOrEqual(1);
      probe.watch(['cluster2']);
      await until(() => asked >= afterEmpty + 3);
      probe.stop();
      const afterStop = asked;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(asked - afterStop).toBeLessThanOrEqual(1);
    });
  });
});
