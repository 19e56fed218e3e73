/**
 * Which followers get a worker, from the member registry the watcher publishes (pure): exactly the
 * members in state `valid`, never the leader itself. `invalid` members keep their queue (jobs wait
 * until the member is valid again) and `stop` members lose their worker as well.
 */
import { MemberState, type MembersDocument } from '@amko-fed/queue';

export function desiredWorkers(document: MembersDocument | undefined): Set<string> {
  const wanted = new Set<string>();
  if (document === undefined) return wanted;
  for (const member of document.members) {
    if (member.state === MemberState.valid && member.cluster !== document.leader) wanted.add(member.cluster);
  }
  return wanted;
}

/** Every follower the registry knows of, in any state (their queues are shown on the board). */
export function knownFollowers(document: MembersDocument | undefined): string[] {
  if (document === undefined) return [];
  return document.members.filter((m) => m.cluster !== document.leader).map((m) => m.cluster).sort();
}
