/**
 * Which followers get a worker, from the member registry the watcher publishes (pure): exactly the
 * members in state `valid`, never the leader itself. `invalid` members keep their queue (jobs wait
 * until the member is valid again) and `stop` members lose their worker as well.
 */
import { MemberState, type MembersDocument } from '@amko-fed/domain';

export function desiredWorkers(document: MembersDocument | undefined): Set<string> {
  const wanted = new Set<string>();
  if (document === undefined) return wanted;
  for (const member of document.members) {
    if (member.state === MemberState.valid && member.cluster !== document.leader) wanted.add(member.cluster);
  }
  return wanted;
}

/**
 * The followers of the federation: every member other than the leader that is `valid` or
 * `invalid`. Their queues are shown on the board, measured, replayable and counted by /readyz. A
 * `stop` member is not one of them: it left the federation (or this cluster does not federate), no
 * worker runs for it, and the watcher drops it from the next registry document.
 */
export function knownFollowers(document: MembersDocument | undefined): string[] {
  if (document === undefined) return [];
  return document.members.filter((m) => m.cluster !== document.leader && m.state !== MemberState.stop).map((m) => m.cluster).sort();
}
