/** API paths of custom resources, for the client's calls and its informers. */
import type { KindInfo } from '@amko-fed/domain';

export const segment = encodeURIComponent;

/** `/apis/<group>/<version>[/namespaces/<ns>]/<plural>[/<name>[/status]]`. */
export function resourcePath(kind: KindInfo, namespace: string | undefined, name?: string, status = false): string {
  let path = `/apis/${kind.group}/${kind.version}`;
  if (namespace !== undefined) path += `/namespaces/${segment(namespace)}`;
  path += `/${kind.plural}`;
  if (name !== undefined) path += `/${segment(name)}`;
  if (status) path += '/status';
  return path;
}
