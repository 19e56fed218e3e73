/**
 * The replicator's HTTP server: the shared ops endpoints (/healthz, /readyz, /metrics) plus, behind
 * authentication, bull-board at /board and the replay API at POST /replay.
 *
 * Without configured credentials the server listens on 127.0.0.1 only (whatever HTTP_HOST says)
 * and says so in the log: the board is then reachable through `kubectl port-forward` only.
 */
import { ReplaySelectionError } from '@amko-fed/queue';
import { createOpsServer, type ReadinessCheck } from '@amko-fed/service';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Board } from '../board/board.ts';
import { hasBoardCredentials, type BoardCredentials } from '../config.ts';
import type { Replay } from '../replay/replay.ts';
import { parseReplayRequest } from '../replay/replay-request.ts';
import { authenticate, challengeFor } from './auth.ts';

export const LOOPBACK_HOST = '127.0.0.1';
export const REPLAY_PATH = '/replay';

export interface HttpServerOptions {
  readonly logger: Logger;
  readonly registry: Registry;
  readiness(): Promise<readonly ReadinessCheck[]>;
  readonly board: Board;
  readonly replay: Replay;
  readonly credentials: BoardCredentials;
  readonly host: string;
  readonly port: number;
}

export interface HttpServer {
  /** `http://host:port` actually listened on. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const logger = options.logger.child({ component: 'http' });
  const app = createOpsServer({ logger: options.logger, registry: options.registry, readiness: options.readiness });
  const secured = hasBoardCredentials(options.credentials);
  const host = secured ? options.host : LOOPBACK_HOST;

  await app.register(async (scope) => {
    if (secured) {
      const challenge = challengeFor(options.credentials);
      scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        if (authenticate(request.headers.authorization, options.credentials).ok) return;
        logger.warn({ method: request.method, path: request.url.split('?')[0] }, 'Refused an unauthenticated request');
        await reply.code(401).header('www-authenticate', challenge).send({ error: 'authentication required' });
      });
    }
    await scope.register(options.board.plugin, { prefix: options.board.basePath });
    scope.post(REPLAY_PATH, async (request, reply) => {
      const parsed = parseReplayRequest(request.body);
      if (!parsed.ok) return reply.code(400).send({ error: 'invalid replay request', problems: parsed.problems });
      try {
        const result = await options.replay(parsed.request);
        logger.info({ request: parsed.request, result }, 'Replayed jobs');
        return reply.code(200).send(result);
      } catch (err) {
        if (err instanceof ReplaySelectionError) return reply.code(400).send({ error: 'invalid replay request', problems: [err.message] });
        logger.error({ err }, 'Could not replay jobs');
        return reply.code(503).send({ error: 'replay failed; try again', reason: err instanceof Error ? err.message : 'unknown error' });
      }
    });
  });

  await app.listen({ host, port: options.port });
  if (!secured) {
    logger.warn({ host }, 'No board credentials configured (BOARD_USERNAME + BOARD_PASSWORD_FILE or BOARD_TOKEN_FILE): listening on 127.0.0.1 only');
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, board: `${url}${options.board.basePath}`, authenticated: secured }, 'Listening');
  return { url, close: () => app.close() };
}
