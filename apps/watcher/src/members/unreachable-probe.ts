/**
 * Members whose AMKOCluster list failed in the last member check (down, timing out, refusing) are
 * probed with that one LIST every second instead of waiting for the next periodic member check
 * (MEMBER_CHECK_INTERVAL, 30 s by default). As soon as one answers, a member check runs: the member
 * is published valid again, the replicator restarts its worker and promotes its delayed jobs, and
 * the watcher resyncs it, so a follower back from an outage converges in about a second instead of
 * up to a full check interval later (ARCHITECTURE §7: within 5 s). Costs one LIST per unreachable
 * member per second, like the replicator's own catch-up probe.
 */

export interface UnreachableProbeOptions {
  /** @defaultValue 1_000 */
  readonly intervalMs?: number;
  /** Whether `cluster` answers now (never throws: a failure is `false`). */
  readonly answers: (cluster: string) => Promise<boolean>;
  /** One of the probed members answered: run a member check (which calls `watch` again). */
  readonly onAnswer: () => void;
}

export interface UnreachableProbe {
  /** Probes exactly these members from now on (none: probing stops). */
  watch(clusters: readonly string[]): void;
  stop(): void;
}

export const UNREACHABLE_PROBE_MS = 1_000;

export function createUnreachableProbe(options: UnreachableProbeOptions): UnreachableProbe {
  const intervalMs = options.intervalMs ?? UNREACHABLE_PROBE_MS;
  let clusters: readonly string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let probing = false;
  let stopped = false;

  function arm(): void {
    clearTimeout(timer);
    timer = undefined;
    if (stopped || probing || clusters.length === 0) return;
    timer = setTimeout(() => void tick(), intervalMs);
    timer.unref();
  }

  async function tick(): Promise<void> {
    probing = true;
    const probed = clusters;
    let answered = false;
    try {
      const results = await Promise.all(probed.map((cluster) => options.answers(cluster).catch(() => false)));
      answered = results.some(Boolean);
    } finally {
      probing = false;
    }
    if (stopped) return;
    if (answered) {
      clusters = [];
      options.onAnswer();
    }
    arm();
  }

  return {
    watch(next) {
      clusters = [...next];
      if (!probing) arm();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
