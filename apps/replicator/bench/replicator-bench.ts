/**
 * The replicator's figures against ARCHITECTURE §7, now part of the project benchmark
 * (test/bench/run.ts, `npm run bench`), which this runs with the matching scenarios:
 *
 *   node apps/replicator/bench/replicator-bench.ts [latency|throughput|memory|all]
 *
 * - latency: leader write → applied on 10 followers through the watcher and replicator processes;
 * - throughput: 1,000 objects × 10 followers enqueued at once, the replicator process alone;
 * - memory: 50 followers × 1,000 objects, peak and steady RSS of the replicator (and the watcher).
 * Prints figures; asserts nothing. BENCH_NODE_OPTIONS sets the replicator's NODE_OPTIONS (instead
 * of the deployment's, see libs/testing WORKLOAD_NODE_OPTIONS).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@amko-fed/testing';

const scenario = process.argv[2] ?? 'all';
const only = scenario === 'all' ? 'latency,throughput,memory' : scenario;
const nodeOptions = process.env['BENCH_NODE_OPTIONS'];
const args = [join(REPO_ROOT, 'test/bench/run.ts'), `--only=${only}`, ...(nodeOptions === undefined ? [] : [`--replicator-node-options=${nodeOptions}`])];
const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
