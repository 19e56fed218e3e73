/**
 * Follows the member registry and keeps exactly one running worker per valid follower: workers
 * start when a follower joins or becomes valid and stop when it leaves or becomes invalid/stopped.
 * Changes per follower are serialised (a worker that is still draining is closed before a new one
 * starts), and a slow close never delays other followers or the next registry change.
 */
import type { MembersDocument } from '@amko-fed/domain';
import type { MemberRegistry } from '@amko-fed/queue';
import type { Logger } from 'pino';
import { desiredWorkers } from './desired-workers.ts';

/** A running worker, as far as this module is concerned. */
export interface RunningWorker {
  close(): Promise<void>;
}

export interface MemberWorkersOptions {
  readonly registry: Pick<MemberRegistry, 'readMembers' | 'watchMembers'>;
  /** Starts the worker of a follower. */
  readonly startWorker: (cluster: string) => RunningWorker;
  /** Runs before workers change, with every new registry document (refresh clients, board…). */
  readonly onDocument: (document: MembersDocument) => Promise<void> | void;
  /** A follower's worker stopped (forget its probes). */
  readonly onStopped?: (cluster: string) => void;
  readonly logger: Logger;
  /** Safety-net re-read of the registry. @defaultValue 30000 */
  readonly pollIntervalMs?: number;
}

export interface MemberWorkers {
  /** Reads the registry, starts the workers it asks for and follows its changes. */
  start(): Promise<void>;
  /** Stops following and closes every worker (each close is bounded by the caller's closeWorker). */
  stop(): Promise<void>;
  /** Followers with a running worker. */
  running(): string[];
  /** The last registry document seen. */
  document(): MembersDocument | undefined;
}

function reasonOf(document: MembersDocument, cluster: string): string {
  const member = document.members.find((m) => m.cluster === cluster);
  if (member === undefined) return 'no longer a member';
  return member.reason === undefined ? `member is ${member.state}` : `member is ${member.state}: ${member.reason}`;
}

export function createMemberWorkers(options: MemberWorkersOptions): MemberWorkers {
  const logger = options.logger.child({ component: 'members' });
  const workers = new Map<string, RunningWorker>();
  const chains = new Map<string, Promise<void>>();
  let wanted = new Set<string>();
  let current: MembersDocument | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  let stopping = false;

  /** Converges one follower's worker to `wanted`; runs after that follower's previous change. */
  function reconcile(cluster: string): void {
    const previous = chains.get(cluster) ?? Promise.resolve();
    const next = previous.then(async () => {
      const worker = workers.get(cluster);
      const want = wanted.has(cluster) && !stopping;
      if (want && worker === undefined) {
        workers.set(cluster, options.startWorker(cluster));
        logger.info({ cluster }, 'Started replicating to follower');
      } else if (!want && worker !== undefined) {
        workers.delete(cluster);
        if (!stopping) logger.info({ cluster, reason: current === undefined ? 'stopping' : reasonOf(current, cluster) }, 'Stopped replicating to follower');
        options.onStopped?.(cluster);
        await worker.close();
      }
    });
    const settled = next.catch((err: unknown) => logger.error({ cluster, err }, 'Could not change the worker of a follower'));
    chains.set(cluster, settled);
    void settled.then(() => {
      if (chains.get(cluster) === settled) chains.delete(cluster);
    });
  }

  async function onDocument(document: MembersDocument): Promise<void> {
    current = document;
    await options.onDocument(document);
    wanted = desiredWorkers(document);
    for (const cluster of new Set([...wanted, ...workers.keys()])) reconcile(cluster);
  }

  return {
    async start() {
      unsubscribe = await options.registry.watchMembers(onDocument, {
        onError: (err) => logger.error({ err }, 'Could not read the member registry'),
        ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      });
    },
    async stop() {
      stopping = true;
      await unsubscribe?.();
      for (const cluster of workers.keys()) reconcile(cluster);
      await Promise.all([...chains.values()]);
    },
    running: () => [...workers.keys()].sort(),
    document: () => current,
  };
}
