/** What a chaos scenario is, and what the driver (support/run-scenario.ts) gives it. */
import type { AppProcess, Federation } from '@amko-fed/testing';
import type { ChaosProfile } from '../profiles.ts';
import type { Supervisor } from '../support/supervisor.ts';
import type { Workload } from '../support/workload.ts';

export interface ChaosContext {
  readonly federation: Federation;
  readonly profile: ChaosProfile;
  /** The leader-side writes (the GSLBConfig, the GDP and `profile.rules` GSLBHostRules exist already). */
  readonly workload: Workload;
  /** Counts and restarts crashed app processes; add the replicas a scenario starts. */
  readonly supervisor: Supervisor;
  progress(message: string): void;
  /** Keeps a fault in place for `ms` (the fault's duration, not a wait for an effect). */
  hold(ms: number): Promise<void>;
  /** Polls the app's /readyz until it answers 200 (a crashed app is restarted by the supervisor meanwhile). */
  ready(app: AppProcess): Promise<void>;
  /** Starts a killed app again and waits until it is ready. */
  revive(app: AppProcess): Promise<void>;
}

export interface ChaosScenario {
  /** Short id for --only, e.g. `replicator-kill`. */
  readonly name: string;
  /** The fault as printed in the table, with the profile's counts. */
  fault(profile: ChaosProfile): string;
  /** The private Redis runs with AOF (`appendfsync always`). @defaultValue false */
  readonly appendOnly?: boolean;
  /** Start the watcher and the replicator with the federation (and converge before the fault). @defaultValue true */
  readonly appsRunning?: boolean;
  /**
   * Runs the writes and the fault; resolves when the fault has ended (every process it stopped is
   * started again, every injected fault cleared): the convergence clock starts then.
   */
  run(context: ChaosContext): Promise<void>;
}
