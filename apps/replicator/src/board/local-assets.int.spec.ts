// The board in a real browser (Debian's chromium, driven by playwright-core): every request the
// page makes stays on the loopback address, the local fonts load, and the follower queues render.
// A screenshot goes to tmp/test-output/board-air-gapped.png (git-ignored).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicatorFixture, type ReplicatorFixture } from '../../test/fixture.ts';
import type { Replicator } from '../replicator.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const FOLLOWERS = ['follower1', 'follower2'];
const USER = 'ops';
const PASSWORD = 'pw-board-air-gap-5d1c';
const OUTPUT = join(import.meta.dirname, '../../../../tmp/test-output');

interface Visit {
  readonly requests: readonly string[];
  readonly fontResponses: readonly number[];
  readonly text: string;
  readonly fontsLoaded: { sans: boolean; mono: boolean };
}

let fx: ReplicatorFixture;
let replicator: Replicator;
let browser: Browser;
let dir: string;
let visit: Visit;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'replicator-board-'));
  await writeFile(join(dir, 'password'), `${PASSWORD}\n`);
  fx = await replicatorFixture({ followers: FOLLOWERS });
  await fx.publishMembers();
  replicator = await fx.startReplicator({ BOARD_USERNAME: USER, BOARD_PASSWORD_FILE: join(dir, 'password'), HTTP_HOST: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ httpCredentials: { username: USER, password: PASSWORD }, viewport: { width: 1280, height: 800 } });
  const requests: string[] = [];
  const fontResponses: number[] = [];
  context.on('request', (request) => requests.push(request.url()));
  context.on('response', (response) => {
    if (/\/board\/fonts/.test(response.url())) fontResponses.push(response.status());
  });
  const page = await context.newPage();
  await page.goto(`${replicator.url ?? ''}/board`, { waitUntil: 'networkidle' });
  for (const follower of FOLLOWERS) await page.getByText(follower).first().waitFor({ state: 'visible' });
  // Evaluated in the page (a string: this project's TypeScript has no DOM types).
  const fontsLoaded = await page.evaluate<Visit['fontsLoaded']>(
    `document.fonts.ready.then(() => ({ sans: document.fonts.check('500 16px "IBM Plex Sans"'), mono: document.fonts.check('400 16px "IBM Plex Mono"') }))`,
  );
  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, 'board-air-gapped.png'), fullPage: true });
  visit = { requests, fontResponses, text: await page.locator('body').innerText(), fontsLoaded };
  await context.close();
});
afterAll(async () => {
  await browser?.close();
  await fx?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('bull-board in a browser', () => {
  describe('when an operator opens the board with credentials', () => {
    it('makes every request to the replicator on the loopback address', () => {
      const origin = new URL(replicator.url ?? '').origin;
      expect(visit.requests.length).toBeGreaterThan(3);
      const elsewhere = visit.requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
      expect(elsewhere).toEqual([]);
      expect(new URL(origin).hostname).toBe('127.0.0.1');
    });

    it('loads the IBM Plex fonts from the replicator', () => {
      expect(visit.requests.some((url) => url.endsWith('/board/fonts.css'))).toBe(true);
      expect(visit.fontResponses.length).toBeGreaterThan(0);
      expect(visit.fontResponses.every((status) => status === 200)).toBe(true);
      expect(visit.fontsLoaded).toEqual({ sans: true, mono: true });
    });

    it('renders the follower queues', () => {
      for (const follower of FOLLOWERS) expect(visit.text).toContain(follower);
    });
  });
});
