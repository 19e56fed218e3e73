/**
 * Whether a cluster may be made leader (`amko-fed promote`): never while another reachable member
 * still says `isLeader: true` (two leaders stop federation and fight over Avi), unless forced.
 * Unreachable members are reported but do not block: the usual reason to promote is that the
 * leader's site is down.
 */

export type MemberLeadership =
  | { readonly cluster: string; readonly reachable: true; readonly isLeader: boolean }
  | { readonly cluster: string; readonly reachable: false; readonly error: string };

export type PromotionDecision =
  | { readonly allowed: true; readonly warnings: readonly string[] }
  | { readonly allowed: false; readonly reason: string; readonly warnings: readonly string[] };

export function decidePromotion(target: string, others: readonly MemberLeadership[], force: boolean): PromotionDecision {
  const warnings: string[] = [];
  const leaders: string[] = [];
  for (const member of others) {
    if (member.cluster === target) continue;
    if (!member.reachable) warnings.push(`cluster ${member.cluster} is unreachable (${member.error}); demote it with "amko-fed demote --context ${member.cluster}" when it comes back`);
    else if (member.isLeader) leaders.push(member.cluster);
  }
  if (leaders.length === 0) return { allowed: true, warnings };
  const list = leaders.join(', ');
  if (force) return { allowed: true, warnings: [...warnings, `forced: ${list} still say${leaders.length === 1 ? 's' : ''} isLeader: true; federation stays stopped until ${leaders.length === 1 ? 'it is' : 'they are'} demoted`] };
  return {
    allowed: false,
    reason: `cluster ${list} is reachable and still the leader (isLeader: true); run "amko-fed demote --context ${leaders[0]}" first, or pass --force`,
    warnings,
  };
}
