/**
 * The watcher process with static kubeconfig credentials (local and members) never loads
 * @kubernetes/client-node (~85 MB of RSS, issue #16): main.ts runs in a child process with a
 * preload that records every client-node module resolved, leads, watches, takes its Lease and
 * stamps the followers' fencing tokens, and is stopped. (The in-cluster service-account path is
 * checked the same way in libs/kube/src/cluster-client-for-context.int.spec.ts.)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually, useWatcherSuite, watcherEnv } from '../test/harness.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
/** libs/kube's recorder of client-node loads (a preload file, not an import). */
const RECORD_LOADS = fileURLToPath(new URL('../../../libs/kube/test/client-node-loads.ts', import.meta.url));

const suite = useWatcherSuite();

describe('watcher process', () => {
  describe('when its local and member kubeconfigs hold static tokens', () => {
    it('leads, watches, holds its Lease and stamps the followers without loading client-node', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'amko-fed-loads-'));
      const loadsFile = join(dir, 'client-node-loads');
      const { cluster1, cluster2 } = suite.fixture.clusters;
      cluster1.requestLog.clear();
      cluster2.requestLog.clear();
      const env = { PATH: process.env['PATH'] ?? '', ...watcherEnv(suite.fixture, { LOG_LEVEL: 'warn' }), CLIENT_NODE_LOADS_FILE: loadsFile };
      const child = spawn(process.execPath, ['--import', RECORD_LOADS, MAIN], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      try {
        const byWatcher = (verb: string, resource: string) => cluster1.requestLog.entries({ verb: verb as never, resource }).filter((e) => e.user === 'watcher');
        await eventually(() => {
          expect(byWatcher('watch', 'amkoclusters').length).toBeGreaterThan(0);
          expect(byWatcher('watch', 'gslbconfigs').length).toBeGreaterThan(0);
          expect(byWatcher('update', 'leases').length + byWatcher('create', 'leases').length).toBeGreaterThan(0);
          expect(cluster2.requestLog.entries({ resource: 'leases' }).length).toBeGreaterThan(0);
        }, 20_000);
      } finally {
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
      }
      const loads = (await readFile(loadsFile, 'utf8')).split('\n').filter((l) => l !== '');
      await rm(dir, { recursive: true, force: true });
      expect({ loads, stderr }).toEqual({ loads: [], stderr: '' });
    });
  });
});
