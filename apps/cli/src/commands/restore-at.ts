/**
 * `amko-fed --context LEADER restore --at TIME [--object KIND/NAME] [--prune] [--dry-run]`: the
 * leader's federated objects (or one) as they were at TIME, rebuilt from the federation log's
 * history (planRestoreAt, libs/domain), shown as spec diffs against now and applied to the leader;
 * federation then carries them to every follower. Refuses on a follower and when the federation
 * in Redis is led by another cluster, naming the leader to use. Every object to write is validated
 * with the CRD schemas first: nothing is written unless all of them pass.
 */
import {
  apiVersionOf,
  FEDERATED_KINDS,
  historyStart,
  parseFederatedObject,
  parseObjectKey,
  planRestoreAt,
  unifiedDiff,
  type HistoryEntry,
  type KubeObject,
  type ObjectKey,
  type RestoreAtStep,
} from '@amko-fed/domain';
import { stringify } from 'yaml';
import { readAMKOCluster } from '../amko-cluster-access.ts';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import { parseDuration } from '../duration.ts';
import type { KubeAccess } from '../kube-access.ts';
import { targetOf } from './history.ts';
import { openRecords, type RedisSelection } from './redis-records.ts';

export interface RestoreAtOptions {
  readonly at: string;
  readonly object: ObjectKey | undefined;
  readonly prune: boolean;
  readonly dryRun: boolean;
  readonly nowMs: number;
}

export interface RestoreAtReport {
  readonly context: string;
  readonly atIso: string;
  readonly steps: readonly RestoreAtStep[];
  /** Per step with a change, the spec diff (now → then). */
  readonly diffs: ReadonlyMap<string, string>;
  readonly applied: boolean;
}

/** An RFC 3339 time, or a duration meaning "that long ago" (10m, 2h). */
export function parseAt(text: string, nowMs: number): number {
  const ago = parseDuration(text);
  if (ago !== undefined && !/^\d+$/.test(text.trim())) return nowMs - ago;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text.trim())) {
    const ms = Date.parse(text.trim());
    if (Number.isFinite(ms)) return ms;
  }
  throw new CliError(`--at "${text}" is neither an RFC 3339 time (2026-12-06T01:25:00Z) nor a duration ago (10m, 2h)`, EXIT_USAGE);
}

const specYaml = (object: Record<string, unknown> | undefined): string =>
  object === undefined || object['spec'] === undefined ? '' : stringify(object['spec'], { sortMapEntries: true });

/** The object to write for a step: the spec and kept annotations of then on the object of now. */
function bodyOf(key: ObjectKey, step: RestoreAtStep): KubeObject {
  const ref = parseObjectKey(key);
  if (ref === undefined || step.desired === undefined) throw new CliError(`no content recorded for ${key}`);
  const info = FEDERATED_KINDS[ref.kind];
  const then = step.desired as { metadata?: { annotations?: Record<string, string> }; spec?: unknown };
  if (step.current !== undefined) {
    const { status: _status, ...now } = step.current as KubeObject & { status?: unknown };
    const annotations = { ...(now.metadata.annotations ?? {}), ...(then.metadata?.annotations ?? {}) };
    return { ...now, metadata: { ...now.metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) }, spec: then.spec } as KubeObject;
  }
  return {
    apiVersion: apiVersionOf(info), kind: info.kind,
    metadata: { name: ref.name, namespace: ref.namespace, ...(then.metadata?.annotations ? { annotations: then.metadata.annotations } : {}) },
    spec: then.spec,
  } as KubeObject;
}

export async function restoreAt(kube: KubeAccess, redis: RedisSelection, options: RestoreAtOptions): Promise<RestoreAtReport> {
  const atMs = parseAt(options.at, options.nowMs);
  const client = kube.client();
  const amko = await readAMKOCluster(client);
  const records = await openRecords(redis);
  try {
    const registry = await records.registry.readMembers();
    const self = amko.spec?.clusterContext ?? client.context;
    if (amko.spec?.isLeader !== true) {
      throw new CliError(`cluster ${client.context} is a follower (its AMKOCluster says isLeader: false); restore on the leader${registry ? `: amko-fed --context ${registry.leader} restore --at …` : ''}`);
    }
    if (registry !== undefined && registry.leader !== self) {
      throw new CliError(`cluster ${client.context} is not the federation's leader in this Redis (the watcher publishes ${registry.leader} as leader); restore on the current leader: amko-fed --context ${registry.leader} restore --at …`);
    }
    const keys = options.object !== undefined ? [options.object] : await records.log.listHistory();
    const histories = new Map<string, HistoryEntry[]>();
    for (const key of keys) histories.set(key, await records.log.readHistory(key));
    if (options.object !== undefined && (histories.get(options.object)?.length ?? 0) === 0) {
      const known = await records.log.listHistory();
      throw new CliError(`no history for ${targetOf(options.object)}; objects with history: ${known.map(targetOf).join(', ') || 'none'}`, EXIT_USAGE);
    }
    if (keys.length === 0) throw new CliError('the federation log holds no history (is the watcher leading with this Redis and key prefix?)');
    const start = historyStart(histories);
    if (start !== undefined && atMs < Date.parse(start)) {
      throw new CliError(`${new Date(atMs).toISOString()} is before the retained history, which goes back to ${start} (HISTORY_MAX_AGE, HISTORY_MAX_VERSIONS)`, EXIT_USAGE);
    }
    const current = new Map<string, Record<string, unknown>>();
    for (const key of keys) {
      const ref = parseObjectKey(key);
      if (ref === undefined) continue;
      const object = await client.get(FEDERATED_KINDS[ref.kind], ref.namespace, ref.name).catch((err: unknown) => {
        throw new CliError(`cannot read ${key} on ${client.context}: ${(err as Error).message}`, 1, { cause: err });
      });
      if (object !== undefined) current.set(key, object as unknown as Record<string, unknown>);
    }
    const plan = planRestoreAt({ histories, current, atMs, only: options.object, prune: options.prune });
    if (plan.unknown.length > 0) {
      throw new CliError(`history does not reach back to ${new Date(atMs).toISOString()} for ${plan.unknown.map((u) => `${targetOf(u.key as ObjectKey)} (from ${u.oldest})`).join(', ')}`, EXIT_USAGE);
    }
    const writes = plan.steps.filter((s) => s.action === 'create' || s.action === 'update' || s.action === 'delete');
    const bodies = new Map<string, KubeObject>();
    const invalid: string[] = [];
    for (const step of writes) {
      if (step.action === 'delete') continue;
      const body = bodyOf(step.key as ObjectKey, step);
      const parsed = parseFederatedObject(body.kind as keyof typeof FEDERATED_KINDS, body);
      if (!parsed.ok) invalid.push(`${targetOf(step.key as ObjectKey)}: ${parsed.message}`);
      bodies.set(step.key, body);
    }
    if (invalid.length > 0) throw new CliError(`nothing was written: ${invalid.length} object(s) do not validate: ${invalid.join('; ')}`);
    const diffs = new Map<string, string>();
    for (const step of writes) {
      diffs.set(step.key, unifiedDiff(specYaml(step.current), specYaml(step.action === 'delete' ? undefined : step.desired), {
        oldLabel: `${targetOf(step.key as ObjectKey)} now`, newLabel: `${targetOf(step.key as ObjectKey)} at ${new Date(atMs).toISOString()}`,
      }));
    }
    if (!options.dryRun) {
      for (const step of writes) {
        const ref = parseObjectKey(step.key);
        if (ref === undefined) continue;
        const info = FEDERATED_KINDS[ref.kind];
        const resourceVersion = (step.current as KubeObject | undefined)?.metadata.resourceVersion;
        try {
          if (step.action === 'create') await client.create(info, ref.namespace, bodies.get(step.key) as KubeObject);
          else if (step.action === 'update') await client.replace(info, ref.namespace, ref.name, bodies.get(step.key) as KubeObject);
          else await client.delete(info, ref.namespace, ref.name, { resourceVersion });
        } catch (err) {
          throw new CliError(`could not ${step.action} ${step.key} on ${client.context}: ${(err as Error).message}`, 1, { cause: err });
        }
      }
    }
    return { context: client.context, atIso: new Date(atMs).toISOString(), steps: plan.steps, diffs, applied: !options.dryRun };
  } finally {
    await records.close();
  }
}

/** The report as lines. */
export function renderRestoreAt(report: RestoreAtReport): string[] {
  const out: string[] = [];
  const prefix = report.applied ? '' : '(dry run) would ';
  for (const step of report.steps) {
    const target = targetOf(step.key as ObjectKey);
    if (step.action === 'unchanged') out.push(`${target}: unchanged since ${report.atIso}`);
    else if (step.action === 'kept') out.push(`${target}: created after ${report.atIso}, kept (pass --prune or --object to delete it)`);
    else {
      out.push(`${prefix}${step.action} ${target}`);
      const diff = report.diffs.get(step.key);
      if (diff) out.push(...diff.trimEnd().split('\n'));
    }
  }
  const changed = report.steps.filter((s) => s.action === 'create' || s.action === 'update' || s.action === 'delete').length;
  out.push(report.applied ? `Restored ${changed} object(s) on ${report.context} to ${report.atIso}; federation carries them to every follower.` : `Dry run: nothing was changed on ${report.context}.`);
  return out;
}
