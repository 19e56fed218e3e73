/**
 * The operational HTTP endpoints every workload serves: `/healthz` (the process is alive),
 * `/readyz` (its dependencies are usable; 503 with the failing checks otherwise) and `/metrics`
 * (Prometheus). Returns the fastify instance so an app can add routes before `listen`.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type Registry } from 'prom-client';
import type { Logger } from 'pino';

export interface ReadinessCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string | undefined;
}

export interface OpsServerOptions {
  readonly logger: Logger;
  readonly registry: Registry;
  readiness(): Promise<readonly ReadinessCheck[]> | readonly ReadinessCheck[];
}

export function createOpsServer(options: OpsServerOptions): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = options.logger.child({ component: 'http' });
  // no line per request: probes and scrapes would drown the log (info only when something changed)
  const app = Fastify({ loggerInstance, logController: new LogController({ disableRequestLogging: true }) });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const checks = await options.readiness();
    const ready = checks.every((c) => c.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
  app.get('/metrics', async (_req, reply) => {
    const body = await options.registry.metrics();
    return reply.header('content-type', options.registry.contentType).send(body);
  });
  return app;
}
