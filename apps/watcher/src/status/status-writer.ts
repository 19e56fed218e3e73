/**
 * The single writer of AMKOCluster `/status`. Changes only schedule a write; at most one write per
 * STATUS_DEBOUNCE, computed from the state at that moment. The status is a JSON merge patch of
 * `conditions` (the whole list replaced, as AMKO does) and is skipped when the object already shows
 * the same conditions.
 */
import { AMKO_CLUSTER_KIND, conditionsEqual, type AMKOClusterCondition } from '@amko-fed/domain';
import type { ClusterClient } from '@amko-fed/kube';
import type { Logger } from 'pino';
import type { StatusTarget } from '../role/decide-role.ts';
import type { StatusPlan } from './status-plan.ts';

export interface StatusWriter {
  /** Something the status depends on changed. */
  schedule(): void;
  /** What an AMKOCluster currently shows (from watches and lists). */
  observe(target: StatusTarget, conditions: readonly AMKOClusterCondition[] | undefined): void;
  /** Writes now if a write is scheduled (tests and shutdown of a leader). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const keyOf = (t: StatusTarget): string => `${t.namespace}/${t.name}`;

export function createStatusWriter(options: {
  readonly client: ClusterClient;
  readonly debounceMs: number;
  readonly logger: Logger;
  /** The conditions to show now; undefined when nothing should be written. */
  plan(): StatusPlan | undefined;
}): StatusWriter {
  const logger = options.logger.child({ component: 'status' });
  const known = new Map<string, readonly AMKOClusterCondition[] | undefined>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let failures = 0;
  let stopped = false;

  async function write(): Promise<void> {
    timer = undefined;
    const plan = options.plan();
    if (plan === undefined || stopped) return;
    // StatusCondition is an interface; spread copies are plain object types, as conditionsEqual wants.
    const conditions = plan.conditions.map((c) => ({ ...c }));
    for (const target of plan.targets) {
      if (conditionsEqual(known.get(keyOf(target)), conditions)) continue;
      try {
        const updated = await options.client.patchStatus(AMKO_CLUSTER_KIND, target.namespace, target.name, { conditions: plan.conditions });
        const status = (updated as { status?: { conditions?: AMKOClusterCondition[] } }).status;
        known.set(keyOf(target), status?.conditions ?? conditions);
        failures = 0;
        logger.info({ amkoCluster: keyOf(target), conditions: plan.conditions }, 'Updated AMKOCluster status');
      } catch (err) {
        failures += 1;
        const retryInMs = Math.min(10_000, options.debounceMs * 2 ** Math.min(failures, 5));
        logger.warn({ err, amkoCluster: keyOf(target), retryInMs }, 'Could not update AMKOCluster status');
        schedule(retryInMs);
      }
    }
  }

  function schedule(delayMs = options.debounceMs): void {
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      writing = writing.then(write);
    }, delayMs);
  }

  return {
    schedule: () => schedule(),
    observe(target, conditions) {
      known.set(keyOf(target), conditions);
      // Someone else may have changed it: compare with the plan at the next write.
      schedule();
    },
    async flush() {
      if (timer !== undefined) {
        clearTimeout(timer);
        writing = writing.then(write);
      }
      await writing;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await writing;
    },
  };
}
