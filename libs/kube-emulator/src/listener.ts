/**
 * The listening socket of one emulated cluster: HTTP or HTTPS on a fixed host and port, every
 * connection tracked so `stop()` can close them all (clients then get "connection refused") and
 * `listen()` can open the same port again.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TlsMaterial } from './tls.ts';

export class Listener {
  readonly #handler: (req: IncomingMessage, res: ServerResponse) => void;
  readonly #host: string;
  readonly #tls: TlsMaterial | undefined;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port: number;

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void, options: { host: string; port: number; tls: TlsMaterial | undefined }) {
    this.#handler = handler;
    this.#host = options.host;
    this.#port = options.port;
    this.#tls = options.tls;
  }

  /** The port (the one picked by the OS after the first `listen()` when 0 was asked). */
  get port(): number {
    return this.#port;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  async listen(): Promise<void> {
    if (this.#server) return;
    const tls = this.#tls;
    const server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, this.#handler) : createHttpServer(this.#handler);
    server.keepAliveTimeout = 30_000;
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('clientError', (_err, socket: Socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, this.#host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.#port = address.port;
    this.#server = server;
  }

  /** Closes the listening socket and destroys every open connection (hung requests and watches included). */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closing = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await closing;
  }
}
