/**
 * `amko-fed history KIND/NAME`: the retained versions of one federated object from the federation
 * log, newest first, with time, change, resourceVersion and field managers; `--diff` adds unified
 * YAML diffs of `spec` between consecutive versions (oldest → newest per step).
 */
import { FEDERATED_KINDS, resolveFederatedKind, toObjectKey, unifiedDiff, type HistoryEntry, type ObjectKey } from '@amko-fed/domain';
import { stringify } from 'yaml';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import { openRecords, type RedisSelection } from './redis-records.ts';
import { renderTable } from '../text-table.ts';

export const DEFAULT_NAMESPACE = 'avi-system';
const KIND_HELP = 'use gc (gslbconfig), gdp (globaldeploymentpolicy) or ghr (gslbhostrule), e.g. gdp/global-gdp';

export interface HistoryOptions {
  readonly namespace?: string | undefined;
  /** Only versions at most this old (ms). */
  readonly sinceMs?: number | undefined;
  readonly nowMs: number;
}

/** KIND/NAME (kubectl's spellings of our kinds) and a namespace → the object key. */
export function objectKeyOfTarget(target: string, namespace: string = DEFAULT_NAMESPACE): ObjectKey {
  const slash = target.indexOf('/');
  if (slash <= 0 || slash === target.length - 1) throw new CliError(`"${target}" is not KIND/NAME; ${KIND_HELP}`, EXIT_USAGE);
  const kind = resolveFederatedKind(target.slice(0, slash));
  if (kind === undefined) throw new CliError(`"${target.slice(0, slash)}" is not a federated kind; ${KIND_HELP}`, EXIT_USAGE);
  return toObjectKey({ kind, namespace, name: target.slice(slash + 1) });
}

/** How a person names an object key: gdp/global-gdp (-n ns when not avi-system). */
export function targetOf(key: ObjectKey): string {
  const [kind, namespace, name] = key.split('/') as [keyof typeof FEDERATED_KINDS, string, string];
  const short = FEDERATED_KINDS[kind]?.shortName ?? kind;
  return `${short}/${name}${namespace === DEFAULT_NAMESPACE ? '' : ` -n ${namespace}`}`;
}

/** The versions of `key`, newest first; a CliError naming the objects that have history when it has none. */
export async function readObjectHistory(redis: RedisSelection, key: ObjectKey, options: HistoryOptions): Promise<HistoryEntry[]> {
  const records = await openRecords(redis);
  try {
    const entries = await records.log.readHistory(key);
    if (entries.length === 0) {
      const known = await records.log.listHistory();
      throw new CliError(
        known.length === 0
          ? `no history for ${targetOf(key)}: the federation log holds no history (is the watcher leading with this Redis and key prefix?)`
          : `no history for ${targetOf(key)}; objects with history: ${known.map(targetOf).join(', ')}`,
      );
    }
    const since = options.sinceMs;
    return since === undefined ? entries : entries.filter((entry) => Date.parse(entry.time) >= options.nowMs - since);
  } finally {
    await records.close();
  }
}

const specYaml = (entry: HistoryEntry | undefined): string => {
  if (entry === undefined || entry.change === 'deleted') return '';
  const spec = entry.object?.['spec'];
  return spec === undefined ? '' : stringify(spec, { sortMapEntries: true });
};

/** The table (and with `diff` the spec diffs) as lines. */
export function renderHistory(entries: readonly HistoryEntry[], diff: boolean): string[] {
  const rows = entries.map((e) => [e.time, e.change, e.resourceVersion || '-', e.managers.join(',') || '-']);
  const header = ['TIME', 'CHANGE', 'RESOURCEVERSION', 'MANAGER'];
  const lines = renderTable([header, ...rows]);
  if (!diff) return lines;
  const out = [lines[0] ?? ''];
  entries.forEach((entry, index) => {
    out.push(lines[index + 1] ?? '');
    const older = entries[index + 1];
    const text = unifiedDiff(specYaml(older), specYaml(entry), {
      oldLabel: older === undefined ? '/dev/null' : `spec ${older.change} rv ${older.resourceVersion || '-'} (${older.time})`,
      newLabel: `spec ${entry.change} rv ${entry.resourceVersion || '-'} (${entry.time})`,
    });
    if (text !== '') out.push(...text.trimEnd().split('\n'));
    else out.push(older === undefined ? '(oldest retained version)' : '(spec unchanged)');
    out.push('');
  });
  return out.slice(0, -1);
}
