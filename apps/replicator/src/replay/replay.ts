/**
 * The replay behind `POST /replay`: the shared `replay` of @amko-fed/queue (also used by
 * `amko-fed replay`) over the followers the member registry knows. Failed jobs are re-driven
 * through deduplication, or every projection object and tombstone is enqueued to one follower;
 * either way the worker applies the projection's latest state, so a replay never pushes older state.
 */
import type { MembersDocument } from '@amko-fed/domain';
import { replay, type FederationLog, type FollowerQueues, type ReplayResult } from '@amko-fed/queue';
import { knownFollowers } from '../workers-by-member/desired-workers.ts';
import type { ReplayRequest } from './replay-request.ts';

export interface ReplayDeps {
  readonly queues: FollowerQueues;
  readonly log: FederationLog;
  readonly members: () => MembersDocument | undefined;
}

export type Replay = (request: ReplayRequest) => Promise<ReplayResult>;

export function createReplay(deps: ReplayDeps): Replay {
  return (request) => replay({ queues: deps.queues, log: deps.log, followers: knownFollowers(deps.members()) }, request);
}
