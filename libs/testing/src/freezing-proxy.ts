/**
 * A TCP proxy in front of one host:port that can freeze connections: a frozen connection stays open
 * on both sides but forwards nothing more in either direction, and ignores the client's FIN. This is
 * what a half-dead network path (a failover, a dropped NAT entry, a paused VM) looks like to a client:
 * commands are written and never answered, and a graceful disconnect never completes.
 */
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface FreezingProxy {
  /** host:port to connect to instead of the target. */
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far (open or not); use it as a mark for `freezeOpenedAfter`. */
  connectionsSoFar(): number;
  /** Freezes the connections opened after the `mark`-th one that are open now. Returns how many it froze. */
  freezeOpenedAfter(mark: number): number;
  /** While on, every new connection is frozen from its first byte (TCP connects, nothing is ever answered). */
  freezeNew(on: boolean): void;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  frozen: boolean;
}

export async function startFreezingProxy(target: { host: string; port: number }): Promise<FreezingProxy> {
  const pairs: Pair[] = [];
  let freezingNew = false;
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    const pair: Pair = { client, upstream, frozen: freezingNew };
    pairs.push(pair);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (!pair.frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!pair.frozen) client.write(chunk);
    });
    client.on('end', () => {
      if (!pair.frozen) drop();
    });
    upstream.on('end', () => {
      if (!pair.frozen) drop();
    });
    client.on('error', drop);
    upstream.on('error', drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    connectionsSoFar: () => pairs.length,
    freezeOpenedAfter(mark) {
      let frozen = 0;
      for (const pair of pairs.slice(mark)) {
        if (pair.client.destroyed || pair.frozen) continue;
        pair.frozen = true;
        frozen += 1;
      }
      return frozen;
    },
    freezeNew(on) {
      freezingNew = on;
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
