/**
 * bull-board itself, loaded by board.ts on the first /board request: its packages (bull-board, its
 * UI's fastify adapter with ejs and @fastify/static, lodash, valibot…) cost ~6 MB of RSS and
 * ~130 ms to load, and most replicators never serve the board. It runs in a fastify instance of
 * its own that listens nowhere; the replicator's server forwards the board's requests to it
 * (`inject`), behind its own authentication.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { BullFollowerQueues } from '@amko-fed/queue';
import Fastify, { type FastifyInstance } from 'fastify';
import { withLocalAssets } from './local-assets.ts';

export interface BoardAppOptions {
  readonly basePath: string;
  readonly readOnly: boolean;
  readonly queues: Pick<BullFollowerQueues, 'queue'>;
}

export interface BoardApp {
  /** The fastify instance serving bull-board under `basePath` (not listening). */
  readonly app: FastifyInstance;
  /** Replaces the queues shown by those of `clusters` (already sorted). */
  showFollowers(clusters: readonly string[]): void;
}

export async function startBoardApp(options: BoardAppOptions): Promise<BoardApp> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(options.basePath);
  const board = createBullBoard({
    queues: [],
    // @bull-board/fastify 9.10.1 declares its own copy of @bull-board/api 9.10.1 types; the adapter
    // implements the same IServerAdapter at run time.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'amko-fed replicator' } },
  });
  const app = Fastify({ logger: false });
  await app.register(withLocalAssets(serverAdapter.registerPlugin()), { prefix: options.basePath });
  await app.ready();
  return {
    app,
    showFollowers(clusters) {
      // The queue name holds the encoded context (`follower.arn%3Aaws%3A…`, ADR 0010); people see
      // the context name as written.
      board.replaceQueues(clusters.map((cluster) => new BullMQAdapter(options.queues.queue(cluster), { readOnlyMode: options.readOnly, displayName: cluster })));
    },
  };
}
