/**
 * Runtime fault injection for one emulated cluster: added latency, injected error statuses (with a
 * probability or for the next N requests) and hanging requests. Changed programmatically
 * (`cluster.faults.set(...)`) or through `POST /_emulator/faults`.
 */
import type { Verb } from './request-info.ts';

/** Which requests a fault applies to; every field omitted means all requests. */
export interface FaultMatch {
  /** Kube verbs (non-resource requests such as discovery count as `get`). */
  readonly verbs?: readonly Verb[];
  /** Resource plurals (e.g. `amkoclusters`); non-resource requests never match a resource filter. */
  readonly resources?: readonly string[];
  readonly namespaces?: readonly string[];
}

export interface ErrorFault extends FaultMatch {
  /** HTTP status to answer with, e.g. 500, 503 or 429. */
  readonly status: number;
  /** Chance per matching request, 0..1. @defaultValue 1 */
  readonly probability?: number;
  /** Only the next N matching requests fail; omitted means until cleared. */
  readonly count?: number;
  /** `Retry-After` seconds for 429 and 503. @defaultValue 1 */
  readonly retryAfterSeconds?: number;
}

export interface HangFault extends FaultMatch {
  /** Only the next N matching requests hang; omitted means until cleared. */
  readonly count?: number;
}

export interface FaultSettings {
  /** Added to every request before it is answered. */
  readonly latencyMs?: number;
  /** Added latency per verb, on top of `latencyMs`. */
  readonly latencyByVerb?: Partial<Record<Verb, number>>;
  readonly error?: ErrorFault;
  /** Accept the request and never answer it. */
  readonly hang?: HangFault | boolean;
  /**
   * A network partition from some clients: requests authenticated as one of these users get no
   * answer, their connection is dropped (as if the API server could not be reached from there);
   * every other client is served as usual. Checked before every other fault.
   */
  readonly unreachableFrom?: readonly string[];
}

export interface FaultTarget {
  readonly verb: Verb;
  readonly resource: string | undefined;
  readonly namespace: string | undefined;
  /** The authenticated user, when any. */
  readonly user?: string | undefined;
}

export type FaultDecision =
  | { readonly kind: 'none'; readonly latencyMs: number }
  | { readonly kind: 'error'; readonly latencyMs: number; readonly status: number; readonly retryAfterSeconds: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop' };

const knownKeys = new Set(['latencyMs', 'latencyByVerb', 'error', 'hang', 'unreachableFrom']);

export class FaultValidationError extends Error {
  readonly code = 'FAULT_SETTINGS_INVALID';
}

function matchesTarget(match: FaultMatch, target: FaultTarget): boolean {
  if (match.verbs && !match.verbs.includes(target.verb)) return false;
  if (match.resources && (target.resource === undefined || !match.resources.includes(target.resource))) return false;
  if (match.namespaces && (target.namespace === undefined || !match.namespaces.includes(target.namespace))) return false;
  return true;
}

export class Faults {
  #settings: FaultSettings = {};
  #errorsLeft: number | undefined;
  #hangsLeft: number | undefined;
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  /** Replaces the current fault settings. */
  set(settings: FaultSettings): void {
    for (const key of Object.keys(settings)) {
      if (!knownKeys.has(key)) throw new FaultValidationError(`unknown fault setting "${key}"`);
    }
    const error = settings.error;
    if (error && (!Number.isInteger(error.status) || error.status < 400 || error.status > 599)) {
      throw new FaultValidationError('error.status must be an HTTP status from 400 to 599');
    }
    if (error?.probability !== undefined && (error.probability < 0 || error.probability > 1)) {
      throw new FaultValidationError('error.probability must be between 0 and 1');
    }
    const from = settings.unreachableFrom;
    if (from !== undefined && (!Array.isArray(from) || !from.every((u) => typeof u === 'string' && u !== ''))) {
      throw new FaultValidationError('unreachableFrom must be a list of user names');
    }
    this.#settings = structuredClone(settings);
    this.#errorsLeft = error?.count;
    this.#hangsLeft = typeof settings.hang === 'object' ? settings.hang.count : undefined;
  }

  /** Removes every fault. */
  clear(): void {
    this.set({});
  }

  /** The current settings, with the remaining counts. */
  get(): FaultSettings & { readonly errorsLeft?: number; readonly hangsLeft?: number } {
    return {
      ...structuredClone(this.#settings),
      ...(this.#errorsLeft === undefined ? {} : { errorsLeft: this.#errorsLeft }),
      ...(this.#hangsLeft === undefined ? {} : { hangsLeft: this.#hangsLeft }),
    };
  }

  /** Decides what happens to one request (consumes one of the "next N" counts when it applies). */
  decide(target: FaultTarget): FaultDecision {
    const s = this.#settings;
    if (target.user !== undefined && s.unreachableFrom?.includes(target.user)) return { kind: 'drop' };
    const hang = s.hang === true ? {} : s.hang === false ? undefined : s.hang;
    if (hang && (this.#hangsLeft === undefined || this.#hangsLeft > 0) && matchesTarget(hang, target)) {
      if (this.#hangsLeft !== undefined) this.#hangsLeft--;
      return { kind: 'hang' };
    }
    const latencyMs = (s.latencyMs ?? 0) + (s.latencyByVerb?.[target.verb] ?? 0);
    const error = s.error;
    if (error && (this.#errorsLeft === undefined || this.#errorsLeft > 0) && matchesTarget(error, target)) {
      if (error.probability === undefined || this.#random() < error.probability) {
        if (this.#errorsLeft !== undefined) this.#errorsLeft--;
        return { kind: 'error', latencyMs, status: error.status, retryAfterSeconds: error.retryAfterSeconds ?? 1 };
      }
    }
    return { kind: 'none', latencyMs };
  }
}
