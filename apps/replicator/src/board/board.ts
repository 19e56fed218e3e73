/**
 * bull-board over every follower queue the member registry knows (valid, invalid or stopped: the
 * failed jobs of an invalid member are worth seeing). Queues come and go with the registry.
 *
 * What the board shows is safe by construction: job data is the identity `{cluster, objectKey,
 * seq, reason}` (never an object or a credential), return values are `{outcome, seq}`, and failure
 * reasons are redacted before they reach BullMQ. Authentication is added by the HTTP layer.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { BullFollowerQueues } from '@amko-fed/queue';
import type { FastifyPluginAsync } from 'fastify';
import { withLocalAssets } from './local-assets.ts';

export const BOARD_PATH = '/board';

export interface BoardOptions {
  /** bull-board's readOnlyMode on every queue (no retry, clean, pause, add…). */
  readonly readOnly: boolean;
  /** The BullMQ queues of the followers (the board is an adapter over BullMQ itself). */
  readonly queues: Pick<BullFollowerQueues, 'queue'>;
  /** @defaultValue BOARD_PATH */
  readonly basePath?: string;
}

export interface Board {
  /**
   * The fastify plugin; register it with `{ prefix: board.basePath }` behind authentication. Every
   * asset the page loads is served by it (no fonts from other hosts: local-assets.ts).
   */
  readonly plugin: FastifyPluginAsync;
  readonly basePath: string;
  /** Replaces the queues shown by those of `clusters` (sorted by name, each shown by its context name). */
  showFollowers(clusters: readonly string[]): void;
}

export function createBoard(options: BoardOptions): Board {
  const basePath = options.basePath ?? BOARD_PATH;
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  const board = createBullBoard({
    queues: [],
    // @bull-board/fastify 9.10.1 declares its own copy of @bull-board/api 9.10.1 types; the adapter
    // implements the same IServerAdapter at run time.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'amko-fed replicator' } },
  });
  return {
    plugin: withLocalAssets(serverAdapter.registerPlugin()),
    basePath,
    showFollowers(clusters) {
      // The queue name holds the encoded context (`follower.arn%3Aaws%3A…`, ADR 0010); people see
      // the context name as written.
      const sorted = [...clusters].sort((a, b) => a.localeCompare(b));
      board.replaceQueues(sorted.map((cluster) => new BullMQAdapter(options.queues.queue(cluster), { readOnlyMode: options.readOnly, displayName: cluster })));
    },
  };
}
