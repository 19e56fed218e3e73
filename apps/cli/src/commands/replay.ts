/** `amko-fed replay`: re-drive failed jobs, or every object to one follower (see libs/queue replay). */
import { resolveFederatedKind, parseObjectKey, type FederatedKind, type ObjectKey } from '@amko-fed/domain';
import { replay as replaySelection, ReplaySelectionError, type ReplayResult } from '@amko-fed/queue';
import { CliError, EXIT_USAGE } from '../cli-error.ts';
import { openRecords, type RedisSelection } from './redis-records.ts';

export interface ReplayOptions {
  readonly cluster?: string | undefined;
  readonly kind?: string | undefined;
  readonly object?: string | undefined;
  readonly allObjects: boolean;
}

export async function replay(redis: RedisSelection, options: ReplayOptions): Promise<ReplayResult> {
  let kind: FederatedKind | undefined;
  if (options.kind !== undefined) {
    kind = resolveFederatedKind(options.kind);
    if (!kind) throw new CliError(`--kind "${options.kind}" is not a federated kind; use GSLBConfig (gc), GlobalDeploymentPolicy (gdp) or GSLBHostRule (ghr)`, EXIT_USAGE);
  }
  let objectKey: ObjectKey | undefined;
  if (options.object !== undefined) {
    const ref = parseObjectKey(options.object);
    if (!ref) throw new CliError(`--object "${options.object}" is not an object key; use <Kind>/<namespace>/<name>, e.g. GSLBConfig/avi-system/gc-1`, EXIT_USAGE);
    objectKey = options.object as ObjectKey;
  }
  if (options.allObjects && options.cluster === undefined) {
    throw new CliError('--all-objects needs --cluster: name the follower to re-drive', EXIT_USAGE);
  }
  const records = await openRecords(redis);
  try {
    const members = await records.registry.readMembers();
    if (!members) throw new CliError('no member registry in Redis: is the watcher running against this Redis and key prefix?');
    const followers = members.members.map((m) => m.cluster);
    return await replaySelection({ queues: records.queues, log: records.log, followers }, { cluster: options.cluster, kind, objectKey, allObjects: options.allObjects });
  } catch (err) {
    if (err instanceof ReplaySelectionError) throw new CliError(err.message, EXIT_USAGE, { cause: err });
    throw err;
  } finally {
    await records.close();
  }
}
