/**
 * The running sandbox's control endpoint, for `npm run sandbox -- fail|recover|partition|heal|status`
 * from a second terminal: HTTP on 127.0.0.1 (a free port), a random bearer token, both written to
 * `<work-dir>/control.json` (mode 0600) where the command finds them.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox, SandboxState } from './sandbox.ts';

export interface ControlFile {
  readonly url: string;
  readonly token: string;
}

export interface ControlServer {
  readonly url: string;
  close(): Promise<void>;
}

export const CONTROL_FILE = 'control.json';

export type ControlCommand =
  | { readonly command: 'fail'; readonly cluster: string }
  | { readonly command: 'recover'; readonly cluster: string }
  | { readonly command: 'partition'; readonly a: string; readonly b: string }
  | { readonly command: 'heal' }
  | { readonly command: 'status' };

export interface ControlAnswer {
  readonly ok: boolean;
  readonly message: string;
  readonly state: SandboxState;
}

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

/** Runs one command on the sandbox; returns what happened in one line. */
export async function runControlCommand(sandbox: Sandbox, command: ControlCommand): Promise<string> {
  switch (command.command) {
    case 'fail':
      await sandbox.fail(command.cluster);
      return `${command.cluster} failed: its API server refuses connections, its watcher and replicator are stopped`;
    case 'recover':
      await sandbox.recover(command.cluster);
      return `${command.cluster} recovered: API server, watcher and replicator are back with their state`;
    case 'partition':
      sandbox.partition(command.a, command.b);
      return `${command.a} and ${command.b} cannot reach each other; both still reach the others`;
    case 'heal':
      sandbox.heal();
      return 'every partition healed';
    case 'status':
      return 'sandbox state';
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export async function startControlServer(sandbox: Sandbox): Promise<ControlServer> {
  const token = randomBytes(18).toString('base64url');
  let queue: Promise<unknown> = Promise.resolve();
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: ControlAnswer | { ok: false; message: string }): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return answer(401, { ok: false, message: 'wrong or missing token (see control.json)' });
    if (req.method !== 'POST' || req.url !== '/command') return answer(404, { ok: false, message: 'POST /command' });
    // one command at a time: a recover must not race a fail of the same site
    queue = queue.then(async () => {
      try {
        const command = (await bodyOf(req)) as ControlCommand;
        const message = await runControlCommand(sandbox, command);
        answer(200, { ok: true, message, state: sandbox.state() });
      } catch (err) {
        answer(400, { ok: false, message: (err as Error).message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const file = join(sandbox.workDir, CONTROL_FILE);
  await writeFile(file, JSON.stringify({ url, token } satisfies ControlFile), { mode: 0o600 });
  return {
    url,
    async close() {
      await rm(file, { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
