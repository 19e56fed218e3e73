/**
 * The two built-in objects the watcher reads and writes besides the AMKO kinds, as the API server
 * sends them in JSON: a coordination.k8s.io/v1 Lease (leader election) and a v1 Secret (the
 * members kubeconfig). Plain JSON, no classes: times are RFC 3339 strings as they travel, a
 * Lease's `acquireTime`/`renewTime` a MicroTime with six fractional digits
 * (`2026-12-06T18:40:00.123456Z`), a Secret's `data` base64.
 */

export interface ObjectMeta {
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
  readonly resourceVersion?: string | undefined;
  readonly uid?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

export interface LeaseSpec {
  readonly holderIdentity?: string | undefined;
  readonly leaseDurationSeconds?: number | undefined;
  /** MicroTime: RFC 3339 with microseconds. */
  readonly acquireTime?: string | undefined;
  /** MicroTime: RFC 3339 with microseconds. */
  readonly renewTime?: string | undefined;
  readonly leaseTransitions?: number | undefined;
}

export interface Lease {
  readonly apiVersion?: 'coordination.k8s.io/v1' | undefined;
  readonly kind?: 'Lease' | undefined;
  readonly metadata?: ObjectMeta | undefined;
  readonly spec?: LeaseSpec | undefined;
}

export interface Secret {
  readonly apiVersion?: 'v1' | undefined;
  readonly kind?: 'Secret' | undefined;
  readonly metadata?: ObjectMeta | undefined;
  readonly type?: string | undefined;
  /** Base64 values. */
  readonly data?: Readonly<Record<string, string>> | undefined;
}

/** A Kubernetes MicroTime for `ms` since the epoch: `2026-12-06T18:40:00.123000Z` (the API server keeps microseconds). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
