/**
 * The floor: the same fan-out as amko-federation with no product code. Two processes, like the
 * watcher and the replicator: the producer lists and watches the leader and, per event, adds one
 * BullMQ job per follower (the leader's object in the job); the workers (one BullMQ Worker per
 * follower queue, 4 jobs at a time as the replicator's default CONCURRENCY) do one GET and one PUT
 * (or POST when absent) on their follower. No projection, no event log, no results, no fencing,
 * no validation; at most 32 leader events enqueued at once; BullMQ's own retry (10 attempts, exponential backoff from 100 ms) and nothing else.
 *
 * Run as processes: `node test/bench/baselines/floor.ts <config.json>` (see child.ts).
 */
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { serveAsChild, type Running } from './child.ts';
import { copyForCreate, createKubeHttp, gslbConfigsPath, type ClusterAccess, type KubeObject } from './kube-http.ts';

export interface FloorConfig {
  readonly role: 'producer' | 'workers';
  readonly leader: ClusterAccess;
  readonly followers: readonly ClusterAccess[];
  readonly namespace: string;
  readonly redisUrl: string;
  /** BullMQ key prefix (its own, beside the federation's). */
  readonly prefix: string;
}

export const FLOOR_ENTRY = fileURLToPath(import.meta.url);
export const FLOOR_CONCURRENCY = 4;
const EVENTS_IN_FLIGHT = 32;

const queueName = (follower: string): string => `floor-${follower}`;

interface FloorJob {
  readonly object: KubeObject;
}

async function startProducer(config: FloorConfig): Promise<Running> {
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const queues = config.followers.map((f) => new Queue<FloorJob>(queueName(f.name), { connection, prefix: config.prefix }));
  const leader = createKubeHttp(config.leader);
  const jobOptions = { attempts: 10, backoff: { type: 'exponential', delay: 100 }, removeOnComplete: true, removeOnFail: 1_000 } as const;
  // At most EVENTS_IN_FLIGHT events being enqueued at once (the watcher's capture works 32 keys at
  // a time): unbounded, a list of 1,000 objects for 50 followers puts 50,000 job adds in flight and
  // runs the process out of its 128 MB heap.
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const enqueue = async (object: KubeObject): Promise<void> => {
    while (inFlight >= EVENTS_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight += 1;
    try {
      await Promise.all(queues.map((queue) => queue.add('apply', { object }, jobOptions)));
    } catch (err) {
      process.stderr.write(`Could not enqueue: ${String(err)}\n`);
    } finally {
      inFlight -= 1;
      waiting.shift()?.();
    }
  };
  const watch = leader.listAndWatch(gslbConfigsPath(config.namespace), (type, object) => {
    if (type !== 'DELETED') void enqueue(object);
  });
  return {
    async stop() {
      watch.stop();
      await Promise.all(queues.map((q) => q.close()));
      await leader.close();
      await connection.quit();
    },
  };
}

async function startWorkers(config: FloorConfig): Promise<Running> {
  const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const workers = config.followers.map((follower) => {
    const kube = createKubeHttp(follower);
    const worker = new Worker<FloorJob>(queueName(follower.name), async (job) => {
      const source = job.data.object;
      const path = gslbConfigsPath(config.namespace, source.metadata.name);
      const current = await kube.get(path);
      if (current === undefined) await kube.create(gslbConfigsPath(config.namespace), copyForCreate(source));
      else await kube.replace(path, { ...current, spec: source.spec });
    }, { connection, prefix: config.prefix, concurrency: FLOOR_CONCURRENCY });
    worker.on('error', (err) => process.stderr.write(`worker ${follower.name}: ${err.message}\n`));
    return { worker, kube };
  });
  await Promise.all(workers.map(({ worker }) => worker.waitUntilReady()));
  return {
    async stop() {
      await Promise.all(workers.map(({ worker }) => worker.close()));
      await Promise.all(workers.map(({ kube }) => kube.close()));
      await connection.quit();
    },
  };
}

export const startFloor = (config: FloorConfig): Promise<Running> => (config.role === 'producer' ? startProducer(config) : startWorkers(config));

if (process.argv[1] === FLOOR_ENTRY) await serveAsChild(startFloor);
