/** The member registry document the watcher publishes and replicators follow. */
import { z } from 'zod';
import { isValidClusterName } from '../cluster-name.ts';

/** `valid`: replicate to it; `invalid`: keep its queue but do not process; `stop`: remove its worker. */
export const MemberState = { valid: 'valid', invalid: 'invalid', stop: 'stop' } as const;
export type MemberState = (typeof MemberState)[keyof typeof MemberState];

const ClusterNameSchema = z.string().refine(isValidClusterName, { message: 'must be a valid cluster (context) name' });

export const MemberSchema = z.object({
  cluster: ClusterNameSchema,
  state: z.enum(['valid', 'invalid', 'stop']),
  /** Why the member is invalid/stopped (AMKO's status wording); secret-free. */
  reason: z.string().max(1024).optional(),
});
export type Member = z.infer<typeof MemberSchema>;

export const PublishMembersInputSchema = z
  .object({
    /** The leader cluster's context name. */
    leader: ClusterNameSchema,
    members: z.array(MemberSchema),
    /** The AMKOCluster `metadata.generation` the registry was computed from. */
    generation: z.number().int().min(0).optional(),
    /** The leader's epoch (leadership epochs, ARCHITECTURE §2.2): replicators write at it and are fenced by later ones. */
    epoch: z.number().int().min(1).optional(),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.members.forEach((member, index) => {
      if (seen.has(member.cluster)) {
        ctx.addIssue({ code: 'custom', path: ['members', index, 'cluster'], message: 'is listed twice' });
      }
      seen.add(member.cluster);
    });
  });
export type PublishMembersInput = z.input<typeof PublishMembersInputSchema>;

export const MembersDocumentSchema = z.object({
  /** Increments on every publish (restarts at 1 if Redis lost the registry). */
  revision: z.number().int().min(1),
  leader: ClusterNameSchema,
  members: z.array(MemberSchema),
  generation: z.number().int().min(0).optional(),
  /** The leader's epoch; absent from watchers older than leadership epochs (then only the isLeader fence applies). */
  epoch: z.number().int().min(1).optional(),
  /** ISO time of the publish (the watcher's clock). */
  at: z.iso.datetime({ offset: true }),
});
export type MembersDocument = z.infer<typeof MembersDocumentSchema>;
