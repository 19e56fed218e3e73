/** What run.ts gives every scenario, and what a scenario is. */
import type { AppSettings, Federation } from '@amko-fed/testing';
import type { ScenarioResult } from '../support/figures.ts';

export interface ScenarioContext {
  /** Registers a federation being started, so that an interrupted run (Ctrl-C) stops it. */
  track(starting: Promise<Federation>): Promise<Federation>;
  /** Settings of the app processes (e.g. NODE_OPTIONS given on the command line); spread into startFederation. */
  readonly apps: { readonly watcher: AppSettings & { readonly env: Readonly<Record<string, string>> }; readonly replicator: AppSettings & { readonly env: Readonly<Record<string, string>> } };
  /** Progress lines (stderr). */
  progress(message: string): void;
}

export interface Scenario {
  readonly name: string;
  /** One line: what it does. */
  readonly describe: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}
