/**
 * bull-board over every follower queue the member registry knows (valid, invalid or stopped: the
 * failed jobs of an invalid member are worth seeing). Queues come and go with the registry.
 *
 * bull-board is loaded on the first request to the board (board-app.ts): until someone opens it,
 * the replicator carries none of its packages. The plugin registered here forwards every request
 * under the board's path to it.
 *
 * What the board shows is safe by construction: job data is the identity `{cluster, objectKey,
 * seq, reason}` (never an object or a credential), return values are `{outcome, seq}`, and failure
 * reasons are redacted before they reach BullMQ. Authentication is added by the HTTP layer.
 */
import type { BullFollowerQueues } from '@amko-fed/queue';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, InjectOptions } from 'fastify';
import type { BoardApp } from './board-app.ts';

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
  /** Closes bull-board's fastify instance if it was loaded. */
  close(): Promise<void>;
}

/** Hop-by-hop and length headers: the outer server sets its own. */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

export function createBoard(options: BoardOptions): Board {
  const basePath = options.basePath ?? BOARD_PATH;
  let followers: readonly string[] = [];
  let loading: Promise<BoardApp> | undefined;

  const load = (): Promise<BoardApp> => {
    loading ??= import('./board-app.ts').then(async ({ startBoardApp }) => {
      const app = await startBoardApp({ basePath, readOnly: options.readOnly, queues: options.queues });
      app.showFollowers(followers);
      return app;
    });
    // A failed load (e.g. a missing package) is tried again by the next request.
    loading.catch(() => (loading = undefined));
    return loading;
  };

  async function forward(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { app } = await load();
    const headers = { ...request.headers };
    delete headers['content-length'];
    const body = request.body;
    const response = await app.inject({
      method: request.method as InjectOptions['method'],
      url: request.url,
      headers,
      ...(body === undefined || body === null ? {} : { payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
    });
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(name.toLowerCase())) void reply.header(name, value);
    }
    return reply.code(response.statusCode).send(response.rawPayload);
  }

  return {
    plugin: async (scope) => {
      scope.all('/', forward);
      scope.all('/*', forward);
    },
    basePath,
    showFollowers(clusters) {
      followers = [...clusters].sort((a, b) => a.localeCompare(b));
      if (loading !== undefined) loading.then((app) => app.showFollowers(followers), () => undefined);
    },
    async close() {
      if (loading === undefined) return;
      const app = await loading.catch(() => undefined);
      await app?.app.close();
    },
  };
}
