/** Encoding of history entries for the append script and decoding of what Redis holds (zod-validated). */
import { describeIssues, HistoryEntrySchema, type AppendEventInput, type HistoryEntry } from '@amko-fed/domain';
import { InvalidRecordError } from './errors/invalid-record-error.ts';

/**
 * The history entry without "seq", "change" and "ms" (the script prepends them): an object literal
 * whose last field is the object JSON, spliced in verbatim, for an upsert.
 */
export function historyBody(input: AppendEventInput, time: string, objectJson: string): string {
  const fields = {
    objectKey: input.objectKey,
    time,
    resourceVersion: input.resourceVersion,
    ...(input.contentHash === undefined || input.contentHash === '' ? {} : { contentHash: input.contentHash }),
    managers: input.managers ?? [],
    ...(input.leader === undefined ? {} : { leader: input.leader }),
    ...(input.epoch === undefined ? {} : { epoch: input.epoch }),
  };
  const json = JSON.stringify(fields);
  return input.op === 'upsert' ? `${json.slice(0, -1)},"object":${objectJson}}` : json;
}

export function parseHistoryEntry(objectKey: string, raw: string): HistoryEntry {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new InvalidRecordError(`history entry of ${objectKey}`, ['not JSON'], { cause: error });
  }
  const parsed = HistoryEntrySchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidRecordError(`history entry of ${objectKey}`, describeIssues(parsed.error), { cause: parsed.error });
  }
  return parsed.data;
}
