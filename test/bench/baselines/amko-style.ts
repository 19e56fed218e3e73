/**
 * AMKO's own federator algorithm (../shared/reference/amko-federator-behaviour.md §5), written as
 * fast as that algorithm allows: one list+watch on the leader keeps a cache; every event queues
 * one pass for its object (a key already waiting is not queued twice, as in controller-runtime's
 * workqueue with MaxConcurrentReconciles = 1); a pass goes over the members one after another:
 * GET the copy, then create it (the leader's object, resourceVersion cleared) or update it (the
 * follower's object with the leader's spec, PUT). No retry: a member that fails is skipped until
 * the next event. Kinder to AMKO than AMKO is: no member validation (a list of AMKOClusters per
 * member per pass), no GDP pass, clients kept across passes, the object read by name.
 *
 * Run as a process: `node test/bench/baselines/amko-style.ts <config.json>` (see child.ts).
 */
import { fileURLToPath } from 'node:url';
import { serveAsChild, type Running } from './child.ts';
import { copyForCreate, createKubeHttp, gslbConfigsPath, type ClusterAccess, type KubeObject } from './kube-http.ts';

export interface AmkoStyleConfig {
  readonly leader: ClusterAccess;
  /** In federation order (AMKO: spec.clusters). */
  readonly members: readonly ClusterAccess[];
  readonly namespace: string;
}

export const AMKO_STYLE_ENTRY = fileURLToPath(import.meta.url);

export async function startAmkoStyleFederator(config: AmkoStyleConfig): Promise<Running> {
  const leader = createKubeHttp(config.leader);
  const members = config.members.map(createKubeHttp);
  const cache = new Map<string, KubeObject>();
  const waiting = new Set<string>();
  let passing: Promise<void> | undefined;

  async function pass(name: string): Promise<void> {
    const source = cache.get(name);
    const path = gslbConfigsPath(config.namespace, name);
    for (const member of members) {
      try {
        if (source === undefined) {
          await member.remove(path);
          continue;
        }
        const current = await member.get(path);
        if (current === undefined) await member.create(gslbConfigsPath(config.namespace), copyForCreate(source));
        else await member.replace(path, { ...current, spec: source.spec });
      } catch (err) {
        process.stderr.write(`Could not federate GSLBConfig ${config.namespace}/${name} to ${member.cluster}: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  }

  async function drain(): Promise<void> {
    for (let next = first(waiting); next !== undefined; next = first(waiting)) {
      waiting.delete(next);
      await pass(next);
    }
    passing = undefined;
  }

  const watch = leader.listAndWatch(gslbConfigsPath(config.namespace), (type, object) => {
    const name = object.metadata.name;
    if (type === 'DELETED') cache.delete(name);
    else cache.set(name, object);
    waiting.add(name);
    passing ??= drain();
  });

  return {
    async stop() {
      watch.stop();
      waiting.clear();
      await passing;
      await Promise.all([leader, ...members].map((c) => c.close()));
    },
  };
}

const first = (set: ReadonlySet<string>): string | undefined => set.values().next().value;

if (process.argv[1] === AMKO_STYLE_ENTRY) await serveAsChild(startAmkoStyleFederator);
