/** Decoding of projection entries and event stream entries read from Redis (zod-validated). */
import {
  describeIssues,
  FederationEventSchema,
  ProjectionEntrySchema,
  type FederationEvent,
  type ProjectionEntry,
  type ProjectionState,
} from '@amko-fed/domain';
import { InvalidRecordError } from './errors/invalid-record-error.ts';

function toState(entry: ProjectionEntry): ProjectionState {
  switch (entry.state) {
    case 'present':
      return {
        state: 'present',
        object: entry.object,
        contentHash: entry.contentHash,
        seq: entry.seq,
        resourceVersion: entry.resourceVersion,
        generation: entry.generation,
        updatedAt: entry.updatedAt,
      };
    case 'absent':
      return { state: 'absent', seq: entry.seq, resourceVersion: entry.resourceVersion, deletedAt: entry.deletedAt };
    default: {
      const _exhaustive: never = entry;
      return _exhaustive;
    }
  }
}

export function parseProjectionEntry(objectKey: string, raw: string): ProjectionState {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new InvalidRecordError(`projection entry ${objectKey}`, ['not JSON'], { cause: error });
  }
  const parsed = ProjectionEntrySchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidRecordError(`projection entry ${objectKey}`, describeIssues(parsed.error), { cause: parsed.error });
  }
  return toState(parsed.data);
}

export function parseEvent(id: string, fields: string[]): FederationEvent {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  const optional = (name: string): string | undefined => {
    const value = map.get(name);
    return value === undefined || value === '' ? undefined : value;
  };
  let object: unknown;
  const objectJson = optional('object');
  try {
    object = objectJson === undefined ? undefined : JSON.parse(objectJson);
  } catch (error) {
    throw new InvalidRecordError(`event ${id}`, ['object is not JSON'], { cause: error });
  }
  const generation = optional('generation');
  const candidate = {
    id,
    seq: Number(map.get('seq')),
    op: map.get('op'),
    objectKey: map.get('objectKey'),
    kind: map.get('kind'),
    resourceVersion: map.get('resourceVersion'),
    generation: generation === undefined ? undefined : Number(generation),
    contentHash: optional('contentHash'),
    object,
    time: map.get('time'),
    source: map.get('source'),
  };
  const parsed = FederationEventSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new InvalidRecordError(`event ${id}`, describeIssues(parsed.error), { cause: parsed.error });
  }
  return parsed.data;
}
