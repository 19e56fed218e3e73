import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../eventually.ts';
import { freePort } from '../redis.ts';
import { createAppProcess, type AppExit, type AppProcess } from './app-process.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'ready-server.ts');

let app: AppProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  app = undefined;
  dir = undefined;
});

async function fixture(): Promise<AppProcess> {
  dir = await mkdtemp(join(tmpdir(), 'amko-fed-app-process-'));
  const port = await freePort();
  app = createAppProcess({ name: 'fixture', entry: FIXTURE, env: { HTTP_PORT: String(port) }, logFile: join(dir, 'fixture.log'), url: `http://127.0.0.1:${port}` });
  return app;
}

describe('createAppProcess', () => {
  describe('when the test kills the child', () => {
    it('records the exit as requested', async () => {
      const child = await fixture();
      await child.start();
      const exit = await child.kill('SIGKILL');
      expect(exit).toEqual({ code: null, signal: 'SIGKILL', requested: true });
      expect(child.exits).toEqual([exit]);
    });
  });

  describe('when the child exits on its own', () => {
    it('records the exit as not requested and tells the onExit listeners', async () => {
      const child = await fixture();
      const seen: AppExit[] = [];
      child.onExit((exit) => seen.push(exit));
      await child.start();
      await fetch(`${child.url}/crash`).then((r) => r.text()).catch(() => undefined);
      await eventually(() => seen.length, (n) => n === 1, 10_000, 'the exit');
      expect(seen).toEqual([{ code: 3, signal: null, requested: false }]);
      expect(child.running).toBe(false);
    });
  });

  describe('when started without waiting for readiness', () => {
    it('returns while the child is running and not yet asked', async () => {
      const child = await fixture();
      await child.start({ waitReady: false });
      expect(child.running).toBe(true);
      await child.waitReady();
      expect(child.exits).toEqual([]);
    });
  });
});
