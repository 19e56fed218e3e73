import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../eventually.ts';
import { freePort } from '../redis.ts';
import { createAppProcess, type AppExit, type AppProcess, type AppProcessOptions, type ReadyProgress } from './app-process.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'ready-server.ts');

let app: AppProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  app = undefined;
  dir = undefined;
});

async function fixture(extra: Partial<AppProcessOptions> = {}, env: Record<string, string> = {}): Promise<AppProcess> {
  dir ??= await mkdtemp(join(tmpdir(), 'amko-fed-app-process-'));
  const port = await freePort();
  app = createAppProcess({ name: 'fixture', entry: FIXTURE, env: { HTTP_PORT: String(port), ...env }, logFile: join(dir, 'fixture.log'), url: `http://127.0.0.1:${port}`, ...extra });
  return app;
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
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

  describe('when the child is slow to become ready', () => {
    it('reports what readiness still waits for, then returns once ready', async () => {
      dir = await mkdtemp(join(tmpdir(), 'amko-fed-app-process-'));
      const readyFile = join(dir, 'ready');
      const reports: ReadyProgress[] = [];
      const child = await fixture({ slowAfterMs: 100, readyTimeoutMs: 120_000, onSlowReady: (p) => reports.push(p) }, { READY_FILE: readyFile });
      const starting = child.start();
      // first reports may come before the child listens ("no HTTP answer yet (ECONNREFUSED)")
      const report = await eventually(() => reports.find((r) => r.waitingFor.startsWith('/readyz')), (r) => r !== undefined, 60_000, 'a slow-readiness report from /readyz');
      expect(report).toMatchObject({ name: 'fixture', timeoutMs: 120_000, waitingFor: '/readyz 503: redis (connect ECONNREFUSED)' });
      expect(reports.every((r) => /^(\/readyz 503: redis \(connect ECONNREFUSED\)|no HTTP answer yet \(ECONNREFUSED\))$/.test(r.waitingFor))).toBe(true);
      await writeFile(readyFile, '');
      await starting;
      expect(child.running).toBe(true);
    });

    it('names the last failing check when the wait gives up', async () => {
      dir = await mkdtemp(join(tmpdir(), 'amko-fed-app-process-'));
      const child = await fixture({ readyTimeoutMs: 300 }, { READY_FILE: join(dir, 'never') });
      await expect(child.start()).rejects.toThrow(/within 300 ms \(last: (\/readyz 503: redis \(connect ECONNREFUSED\)|no HTTP answer yet \(\w+\)|no check yet)\)/);
    });
  });

  describe('when started detached', () => {
    it('runs the child in its own process group', async () => {
      const child = await fixture({ detached: true });
      await child.start();
      const pid = child.pid as number;
      expect(groupExists(pid)).toBe(true);
      await child.stop();
      expect(groupExists(pid)).toBe(false);
    });
  });
});
