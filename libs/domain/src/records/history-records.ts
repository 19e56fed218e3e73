/**
 * Records of the configuration history: per federated object, its full content at every recorded
 * change (created / updated / deleted), with the leader's resourceVersion, the time, the leader
 * and its leadership epoch (ADR 0017) and the field managers of the change. Written by
 * the federation log together with every appended event; read by `amko-fed history` and `restore --at`.
 */
import { z } from 'zod';
import { ObjectKeySchema } from './object-key-schema.ts';

export const HistoryChange = { created: 'created', updated: 'updated', deleted: 'deleted' } as const;
export type HistoryChange = (typeof HistoryChange)[keyof typeof HistoryChange];

/** The optional "who and where" of an appended change (AppendEventInput carries it). */
export const ChangeOriginSchema = z.object({
  /** Field managers of the change, from the object's managedFields (`kubectl-edit`, `helm`, …). */
  managers: z.array(z.string().max(256)).max(32).optional(),
  /** The leader cluster (context name) the change was captured on. */
  leader: z.string().max(1024).optional(),
  /** The leader's epoch when the change was captured (ADR 0017). */
  epoch: z.number().int().min(0).optional(),
});

/** One version of an object in its history. */
export const HistoryEntrySchema = z.object({
  seq: z.number().int().min(1),
  change: z.enum(['created', 'updated', 'deleted']),
  objectKey: ObjectKeySchema,
  /** ISO time the change was recorded (the watcher's clock). */
  time: z.iso.datetime({ offset: true }),
  resourceVersion: z.string(),
  contentHash: z.string().optional(),
  managers: z.array(z.string()),
  leader: z.string().optional(),
  epoch: z.number().int().min(0).optional(),
  /**
   * The object after the change; for a deletion, the last content the log held before it
   * (absent when the log never held the object).
   */
  object: z.record(z.string(), z.unknown()).optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

/** How much history is kept. */
export interface HistoryRetention {
  /** Versions kept per object (the newest ones). @defaultValue 50 */
  readonly maxVersions: number;
  /**
   * Versions older than this are dropped, except the newest version of an object that still
   * exists (it is the state in effect); a deleted object's history goes entirely once its deletion
   * is older than this. @defaultValue 30 days
   */
  readonly maxAgeMs: number;
}

export const DEFAULT_HISTORY_RETENTION: HistoryRetention = { maxVersions: 50, maxAgeMs: 30 * 24 * 60 * 60 * 1000 };

/** Throws RangeError unless `retention` is usable (maxVersions ≥ 1, maxAgeMs ≥ 1 s). */
export function assertHistoryRetention(retention: HistoryRetention): void {
  if (!Number.isInteger(retention.maxVersions) || retention.maxVersions < 1) throw new RangeError('history maxVersions must be a positive integer');
  if (!Number.isFinite(retention.maxAgeMs) || retention.maxAgeMs < 1000) throw new RangeError('history maxAgeMs must be at least 1000');
}
