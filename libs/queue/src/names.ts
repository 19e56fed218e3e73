/**
 * Names in Redis: the deployment-wide key prefix, follower queue names and our own key builders.
 *
 * Every key of one deployment starts with the same prefix, and the prefix carries a Redis Cluster
 * hash tag (`{amko-fed}`), so all keys hash to one slot and Lua scripts / MULTI that touch several
 * of them also work on Redis Cluster. BullMQ gets the same prefix, so its keys are
 * `<prefix>:follower.<context>:<suffix>` and ours are `<prefix>:fed:<name>`.
 *
 * A context name can be any string (`arn:aws:eks:…`, `…:6443/kube:admin`, spaces, braces): where it
 * becomes part of a queue name or key it is encoded with the domain's `encodeClusterName`
 * (percent-encoding outside `[A-Za-z0-9._@/-]`, the identity for such names), so `:` (BullMQ's
 * separator), braces (hash tags), whitespace and `%` never reach a key (ADR 0010).
 */
import { assertClusterName, decodeClusterName, encodeClusterName, InvalidNameError } from '@amko-fed/domain';

/** @defaultValue used when no prefix is configured. */
export const DEFAULT_KEY_PREFIX = '{amko-fed}';

/** Queue names of follower queues start with this. */
export const FOLLOWER_QUEUE_PREFIX = 'follower.';

/**
 * `follower.<encoded context>`: the BullMQ queue of one follower cluster. The context must pass the
 * domain's cluster-name rule (`assertClusterName`); it is encoded (`encodeClusterName`), so the
 * queue name holds no `:`, braces or whitespace. Show `clusterOfQueueName(name)` to people, never
 * the queue name.
 */
export function followerQueueName(cluster: string): string {
  assertClusterName(cluster);
  return `${FOLLOWER_QUEUE_PREFIX}${encodeClusterName(cluster)}`;
}

/** The cluster (decoded, as written) of a follower queue name, or undefined for any other name. */
export function clusterOfQueueName(queueName: string): string | undefined {
  if (!queueName.startsWith(FOLLOWER_QUEUE_PREFIX)) return undefined;
  return decodeClusterName(queueName.slice(FOLLOWER_QUEUE_PREFIX.length));
}

/**
 * The hash tag Redis Cluster would use for a key starting with `prefix`: the text between the
 * first `{` and the next `}`, when non-empty.
 */
export function hashTagOf(prefix: string): string | undefined {
  const open = prefix.indexOf('{');
  if (open < 0) return undefined;
  const close = prefix.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return undefined;
  return prefix.slice(open + 1, close);
}

/**
 * Throws `InvalidNameError` unless `prefix` can prefix every key of a deployment: non-empty,
 * no whitespace or `:` at the end, and a non-empty Redis Cluster hash tag.
 */
export function assertKeyPrefix(prefix: string): void {
  if (prefix === '' || /\s/.test(prefix)) {
    throw new InvalidNameError('key prefix', 'must be non-empty and contain no whitespace');
  }
  if (prefix.endsWith(':')) {
    throw new InvalidNameError('key prefix', 'must not end with ":" (one is added between the prefix and each key)');
  }
  if (hashTagOf(prefix) === undefined) {
    throw new InvalidNameError(
      'key prefix',
      `${JSON.stringify(prefix)} must contain a Redis Cluster hash tag such as {amko-fed}, so that all keys share one slot`,
    );
  }
}

/** The keys this library owns (BullMQ owns `<prefix>:follower.*`). */
export interface FederationKeys {
  /** String: the last assigned event sequence number (INCR). */
  readonly seq: string;
  /**
   * String: the id of this Redis data set (a UUID), written when the data set is first used and
   * again when the watcher rebuilds it; a missing or different id means Redis lost its data.
   */
  readonly incarnation: string;
  /** Stream: the capped, append-only events log. */
  readonly events: string;
  /** Hash: objectKey → projection entry JSON (latest state or tombstone). */
  readonly projection: string;
  /**
   * Hash: objectKey → `<seq>:<ms>:<previous seq>`: when, on Redis's own clock (ms), the projection
   * entry took that seq, and the seq it replaced (0: the object had no entry). The result record
   * reads it for burst coalescing; losing it only makes that check cautious.
   */
  readonly changes: string;
  /** String: the member registry document (JSON). */
  readonly members: string;
  /** Pub/sub channel announcing a new member registry revision. */
  readonly membersChannel: string;
  /** Set: clusters that have a results hash. */
  readonly resultClusters: string;
  /** Hash per cluster (`…:results:cluster:<encoded context>`): objectKey → latest result record JSON. */
  resultsOf(cluster: string): string;
  /** Stream: every recorded result (and `cleared` markers), capped. */
  readonly resultsStream: string;
  /** List per object (`…:history:<objectKey>`): its history entries as JSON, newest first. */
  historyOf(objectKey: string): string;
  /** Sorted set: objectKey → time (ms) of its newest history entry. */
  readonly historyIndex: string;
}

/** Key builders for one deployment prefix (validated). */
export function federationKeys(prefix: string = DEFAULT_KEY_PREFIX): FederationKeys {
  assertKeyPrefix(prefix);
  const base = `${prefix}:fed:`;
  return {
    seq: `${base}seq`,
    incarnation: `${base}incarnation`,
    events: `${base}events`,
    projection: `${base}projection`,
    changes: `${base}projection:changes`,
    members: `${base}members`,
    membersChannel: `${base}members:changed`,
    resultClusters: `${base}results:clusters`,
    resultsOf: (cluster: string) => {
      assertClusterName(cluster);
      return `${base}results:cluster:${encodeClusterName(cluster)}`;
    },
    resultsStream: `${base}results:stream`,
    // Object keys hold no braces (kubernetes names cannot), so they never move the hash tag.
    historyOf: (objectKey: string) => `${base}history:${objectKey}`,
    historyIndex: `${base}history:index`,
  };
}
