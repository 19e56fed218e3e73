/**
 * Test builders for the watcher's unit tests: leader objects as the informers deliver them (and as
 * the watcher keeps them: `toLeaderObject`), the copies the replicator writes into a follower (the
 * domain's copy rule), and a logger whose lines a test can read.
 */
import {
  apiVersionOf,
  AVI_SYSTEM_NAMESPACE,
  FEDERATED_KINDS,
  toFederatedCopy,
  type FederatedKind,
  type KubeObject,
  type ObjectKey,
} from '@amko-fed/domain';
import { pino, type Logger } from 'pino';
import { toLeaderObject, type LeaderObject } from '../capture/leader-object.ts';

export const LEADER_CONTEXT = 'cluster1';

export interface RawObjectOptions {
  readonly spec?: Record<string, unknown>;
  readonly annotations?: Record<string, string>;
  readonly resourceVersion?: string;
}

/** A federated object of `kind` named `name` in avi-system, as the leader's API server returns it. */
export function rawObject(kind: FederatedKind, name: string, options: RawObjectOptions = {}): KubeObject {
  const info = FEDERATED_KINDS[kind];
  return {
    apiVersion: apiVersionOf(info),
    kind: info.kind,
    metadata: {
      name,
      namespace: AVI_SYSTEM_NAMESPACE,
      resourceVersion: options.resourceVersion ?? '1',
      generation: 1,
      ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
    },
    spec: options.spec ?? { ttl: 30 },
  } as KubeObject;
}

/** The watcher's record of a leader object (what capture keeps in the leader view). */
export function leaderObject(kind: FederatedKind, name: string, options: RawObjectOptions = {}): LeaderObject {
  const object = toLeaderObject(kind, rawObject(kind, name, options));
  if (object === undefined) throw new TypeError(`not a valid ${kind}: ${name}`);
  return object;
}

/** The object key of `kind`/avi-system/`name`. */
export function keyOf(kind: FederatedKind, name: string): ObjectKey {
  return `${kind}/${AVI_SYSTEM_NAMESPACE}/${name}`;
}

/** What the replicator writes into a follower for the leader's `raw` object (with our provenance). */
export function followerCopy(raw: KubeObject): KubeObject {
  const kind = raw.kind as FederatedKind;
  const copy = toFederatedCopy(raw, { sourceCluster: LEADER_CONTEXT, sourceResourceVersion: raw.metadata.resourceVersion ?? '' }, FEDERATED_KINDS[kind]);
  return copy as unknown as KubeObject;
}

/** A pino logger (level `debug`) whose lines are kept as parsed JSON objects. */
export function recordingLogger(): { readonly logger: Logger; readonly lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  // pino writes each line synchronously to any object with a write(string) method.
  const sink = {
    write(line: string) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  return { logger: pino({ level: 'debug' }, sink), lines };
}

/** A pino logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
