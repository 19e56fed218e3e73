/**
 * `meta.k8s.io/v1` Table responses for `kubectl get` (kube-api-notes §3.2): a Name column, then
 * the CRD's additionalPrinterColumns evaluated with simple JSONPath (default: Age), dates as
 * ages the way kubectl prints them.
 */
import { isObject, type JsonObject } from './json.ts';
import type { PrinterColumn } from './crd.ts';

const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATION_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** The column a CRD without additionalPrinterColumns gets. */
export const DEFAULT_AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: CREATION_DESCRIPTION };

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion: string };
  columnDefinitions: TableColumnDefinition[];
  rows: { cells: unknown[]; object: { kind: 'PartialObjectMetadata'; apiVersion: 'meta.k8s.io/v1'; metadata: JsonObject } }[];
}

/** apimachinery's `duration.HumanDuration`: `5s`, `2m30s`, `15m`, `3h20m`, `2d5h`, `400d`, `3y10d`. */
export function formatAge(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(seconds / 3600);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    const years = Math.floor(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

type Step = { field: string } | { index: number } | { filter: { path: string[]; value: string } } | { wildcard: true };

/** Parses the JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a['b.c']`, `.a[*].b`, `.a[?(@.t=="x")].b`. */
export function parseJsonPath(expression: string): Step[] {
  let s = expression.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]|\[\*\]|\[\?\(@((?:\.[^.=!\s)]+)+)\s*==\s*(?:"([^"]*)"|'([^']*)'|([^)\s]+))\)\]/gy;
  let match: RegExpExecArray | null;
  while (re.lastIndex < s.length && (match = re.exec(s)) !== null) {
    if (match[1] !== undefined) steps.push({ field: match[1] });
    else if (match[2] !== undefined) steps.push({ index: Number(match[2]) });
    else if (match[3] !== undefined || match[4] !== undefined) steps.push({ field: match[3] ?? match[4] ?? '' });
    else if (match[5] !== undefined) steps.push({ filter: { path: match[5].slice(1).split('.'), value: match[6] ?? match[7] ?? match[8] ?? '' } });
    else steps.push({ wildcard: true });
  }
  if (re.lastIndex !== s.length && s.length > 0) throw new Error(`unsupported JSONPath ${JSON.stringify(expression)}`);
  return steps;
}

/** All values a JSONPath selects in `root` (empty when nothing matches or the path is unsupported). */
export function evaluateJsonPath(root: unknown, expression: string): unknown[] {
  let steps: Step[];
  try {
    steps = parseJsonPath(expression);
  } catch {
    return [];
  }
  let nodes: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if ('field' in step) {
        if (isObject(node) && node[step.field] !== undefined) next.push(node[step.field]);
      } else if ('index' in step) {
        if (Array.isArray(node) && step.index < node.length) next.push(node[step.index]);
      } else if ('wildcard' in step) {
        if (Array.isArray(node)) next.push(...node);
        else if (isObject(node)) next.push(...Object.values(node));
      } else if (Array.isArray(node)) {
        const { path, value } = step.filter;
        next.push(...node.filter((item) => String(path.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), item)) === value));
      }
    }
    nodes = next;
  }
  return nodes;
}

/** Go's `fmt.Fprint` of a decoded JSON value, as the JSONPath printer writes non-string results. */
function goPrint(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goPrint).join(' ')}]`;
  if (isObject(value)) return `map[${Object.keys(value).sort().map((k) => `${k}:${goPrint(value[k])}`).join(' ')}]`;
  return String(value);
}

/** A cell the way apiextensions' table convertor renders it (`cellForJSONValue`). */
function cellFor(column: PrinterColumn, values: unknown[], now: Date): unknown {
  if (values.length === 0) return null;
  const value = values[0];
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'string':
      return goPrint(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const time = Date.parse(value);
      return Number.isNaN(time) ? '<invalid>' : formatAge(now.getTime() - time);
    }
    default:
      return null;
  }
}

/** Renders items as a Table; `columns` empty means the default Age column. */
export function renderTable(items: Record<string, unknown>[], columns: readonly PrinterColumn[], now: Date, resourceVersion: string): Table {
  const effective = columns.length > 0 ? columns : [DEFAULT_AGE_COLUMN];
  const columnDefinitions: TableColumnDefinition[] = [
    { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
    ...effective.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
  ];
  const rows = items.map((item) => {
    const metadata = isObject(item['metadata']) ? item['metadata'] : {};
    const cells = [typeof metadata['name'] === 'string' ? metadata['name'] : '', ...effective.map((c) => cellFor(c, evaluateJsonPath(item, c.jsonPath), now))];
    return { cells, object: { kind: 'PartialObjectMetadata' as const, apiVersion: 'meta.k8s.io/v1' as const, metadata } };
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion }, columnDefinitions, rows };
}
