/**
 * An in-memory MemberRegistry: one document with an increasing revision; watchers get the current
 * document, then each new revision (calls never overlap; a different revision, also a lower one
 * after `loseData`, is a change). Notification is immediate where Redis uses pub/sub plus a poll.
 * Checked against the Redis registry by member-registry.contract.ts.
 */
import {
  describeIssues,
  MembersDocumentSchema,
  PublishMembersInputSchema,
  type MembersDocument,
} from '@amko-fed/domain';
import { InvalidRecordError } from '../errors/invalid-record-error.ts';
import type { MemberRegistry } from '../member-registry.ts';

export interface InMemoryMemberRegistryOptions {
  /** Time stamped into published documents. @defaultValue `() => new Date()` */
  readonly clock?: () => Date;
}

export interface InMemoryMemberRegistry extends MemberRegistry {
  /** Forgets the document and its revision counter, like a Redis FLUSHALL (watchers stay attached). */
  loseData(): void;
}

export function createInMemoryMemberRegistry(options: InMemoryMemberRegistryOptions = {}): InMemoryMemberRegistry {
  const clock = options.clock ?? (() => new Date());
  let revision = 0;
  let document: MembersDocument | undefined;
  const refreshers = new Set<() => void>();

  return {
    async publishMembers(input) {
      const parsed = PublishMembersInputSchema.safeParse(input);
      if (!parsed.success) throw new InvalidRecordError('member registry input', describeIssues(parsed.error), { cause: parsed.error });
      revision += 1;
      document = MembersDocumentSchema.parse({ revision, ...parsed.data, at: clock().toISOString() });
      for (const refresh of refreshers) refresh();
      return structuredClone(document);
    },

    readMembers: async () => (document === undefined ? undefined : structuredClone(document)),

    async watchMembers(onChange, watchOptions) {
      let lastRevision: number | undefined;
      let closed = false;
      let chain: Promise<void> = Promise.resolve();
      const refresh = (): void => {
        chain = chain.then(async () => {
          if (closed || document === undefined || document.revision === lastRevision) return;
          lastRevision = document.revision;
          try {
            await onChange(structuredClone(document));
          } catch (error) {
            watchOptions.onError(error);
          }
        });
      };
      refreshers.add(refresh);
      refresh();
      await chain;
      return async () => {
        closed = true;
        refreshers.delete(refresh);
        await chain;
      };
    },

    loseData() {
      revision = 0;
      document = undefined;
    },
  };
}
