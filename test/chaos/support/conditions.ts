/**
 * The leader's AMKOCluster status once the federation has converged: AMKO's five conditions and the
 * GSLBHostRule one, each with its success status. Any other status at the end is a stale (or real)
 * failure and fails the scenario.
 */
import type { Federation } from '@amko-fed/testing';

export interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
}

export const FEDERATED = 'federated to all valid clusters successfully';

export const EXPECTED_CONDITIONS: ReadonlyMap<string, string> = new Map([
  ['current AMKOCluster Validation', 'valid AMKOCluster object'],
  ['member cluster initialisation', 'all cluster clients fetched'],
  ['member cluster validation', 'validated all member clusters'],
  ['GSLBConfig Federation', FEDERATED],
  ['GDP Federation', FEDERATED],
  ['GSLBHostRule Federation', FEDERATED],
]);

/** Conditions that are not (yet) what a converged federation reports, one line each; empty when all are. */
export function unexpectedConditions(conditions: readonly Condition[]): string[] {
  const problems: string[] = [];
  for (const [type, status] of EXPECTED_CONDITIONS) {
    const found = conditions.find((c) => c.type === type);
    if (found === undefined) problems.push(`${type}: absent`);
    else if (found.status !== status) problems.push(`${type}: ${found.status ?? '?'}${found.reason ? ` (${found.reason})` : ''}`);
  }
  return problems;
}

export async function leaderConditions(federation: Federation): Promise<Condition[]> {
  return federation.amkoClusterConditions(federation.leader.name);
}
