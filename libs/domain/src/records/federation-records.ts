/**
 * Records of the federation log: what the watcher appends, what the events stream holds and what
 * the projection keeps per object. Validated with zod on the way in and on the way out.
 */
import { z } from 'zod';
import { isFederatedKind, type FederatedKind } from '../kinds.ts';
import { parseObjectKey } from '../object-key.ts';
import { ChangeOriginSchema } from './history-records.ts';
import { ObjectKeySchema } from './object-key-schema.ts';

export const EventOp = { upsert: 'upsert', delete: 'delete' } as const;
export type EventOp = (typeof EventOp)[keyof typeof EventOp];

export const EventSource = { watch: 'watch', resync: 'resync' } as const;
export type EventSource = (typeof EventSource)[keyof typeof EventSource];

const KindSchema = z
  .string()
  .refine(isFederatedKind, { message: 'must be a federated kind' })
  .transform((value) => value as FederatedKind);

/** A Kubernetes object as JSON (the watcher decides what to keep: spec, annotations, …). */
const ObjectSchema = z.record(z.string(), z.unknown());

const SourceSchema = z.enum(['watch', 'resync']);

/** The fields an appended event and a stored event share (`source` too, placed last by each). */
const eventFields = {
  op: z.enum(['upsert', 'delete']),
  objectKey: ObjectKeySchema,
  kind: KindSchema,
  resourceVersion: z.string(),
  generation: z.number().int().min(0).optional(),
  /** Hash of the federated content; required for upserts, the last known hash for deletes. */
  contentHash: z.string().optional(),
  /** The object; required for upserts, absent for deletes. */
  object: ObjectSchema.optional(),
};

export const AppendEventInputSchema = z
  .object({ ...eventFields, source: SourceSchema, ...ChangeOriginSchema.shape })
  .superRefine((input, ctx) => {
    if (parseObjectKey(input.objectKey)?.kind !== input.kind) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: 'must equal the kind in objectKey' });
    }
    if (input.op === 'upsert') {
      if (input.object === undefined) ctx.addIssue({ code: 'custom', path: ['object'], message: 'is required for upsert' });
      if (!input.contentHash) ctx.addIssue({ code: 'custom', path: ['contentHash'], message: 'is required for upsert' });
    } else if (input.object !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['object'], message: 'must be absent for delete' });
    }
  });
export type AppendEventInput = z.input<typeof AppendEventInputSchema>;

/** One entry of the events stream. */
export const FederationEventSchema = z.object({
  /** Stream entry id (`<ms>-<n>`), for paging. */
  id: z.string(),
  seq: z.number().int().min(1),
  ...eventFields,
  /** ISO time the event was appended (the watcher's clock). */
  time: z.iso.datetime({ offset: true }),
  source: SourceSchema,
});
export type FederationEvent = z.infer<typeof FederationEventSchema>;

/** The projection's view of one object: its latest state, or a tombstone. */
export const ProjectionEntrySchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('present'),
    seq: z.number().int().min(1),
    object: ObjectSchema,
    contentHash: z.string().min(1),
    resourceVersion: z.string(),
    generation: z.number().int().min(0).optional(),
    updatedAt: z.iso.datetime({ offset: true }),
  }),
  z.object({
    state: z.literal('absent'),
    seq: z.number().int().min(1),
    resourceVersion: z.string(),
    deletedAt: z.iso.datetime({ offset: true }),
  }),
]);
export type ProjectionEntry = z.infer<typeof ProjectionEntrySchema>;

/** The projection's view of an object, as returned by `readProjection`. */
export type ProjectionState =
  | {
      readonly state: 'present';
      readonly object: Record<string, unknown>;
      readonly contentHash: string;
      readonly seq: number;
      readonly resourceVersion: string;
      readonly generation: number | undefined;
      /** ISO time the leader change was captured (the event time; latency metrics start here). */
      readonly updatedAt: string;
    }
  | { readonly state: 'absent'; readonly seq: number; readonly resourceVersion: string; readonly deletedAt: string };
