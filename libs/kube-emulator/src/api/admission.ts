/**
 * What every write goes through before it is stored: the kind's own normalisation, then for
 * custom resources the structural schema (prune → defaults → validate), with `fieldValidation`
 * deciding what unknown fields do.
 */
import { applyDefaults, invalid, prune, strictDecodingError, validate } from '../pure/index.ts';
import type { KubeObject } from '../object.ts';
import type { ResourceType } from '../resource-type.ts';
import type { ApiContext, WriteOptions } from './context.ts';

export interface Admitted {
  readonly object: KubeObject;
  readonly warnings: string[];
}

const isStatusField = (field: string): boolean => field === 'status' || field.startsWith('status.') || field.startsWith('status[');

export function admit(
  ctx: ApiContext,
  rt: ResourceType,
  obj: KubeObject,
  old: KubeObject | undefined,
  options: WriteOptions,
  subresource: string | undefined,
): Admitted {
  const warnings: string[] = [];
  let out = rt.rules.normalize ? rt.rules.normalize(obj, old, ctx.now()) : obj;
  const schema = rt.schema;
  if (schema !== undefined) {
    const pruned = prune(out, schema, { isRoot: true });
    if (pruned.unknownFields.length > 0) {
      if (options.fieldValidation === 'Strict') throw strictDecodingError(pruned.unknownFields);
      if (options.fieldValidation === 'Warn') warnings.push(...pruned.unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`));
    }
    out = applyDefaults(pruned.value, schema) as KubeObject;
    let causes = validate(out, schema);
    if (subresource === 'status') causes = causes.filter((c) => isStatusField(c.field));
    if (causes.length > 0) throw invalid(rt.kind, rt.group, out.metadata.name ?? '', causes);
  }
  return { object: out, warnings };
}
