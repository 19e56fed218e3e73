/**
 * Builds amko-fed as an npm package that runs without this repository: the CLI and the workspace
 * libraries it uses (domain, kube, queue) with their npm dependencies bundled by rolldown into
 * compiled JavaScript (Node does not strip types under node_modules), no dependencies left to
 * install. Output: apps/cli/dist/package/ (package.json, bin/amko-fed.mjs, lib/) and
 * apps/cli/dist/amko-fed-<version>.tgz (npm pack). Install with `npm install -g <tgz>`.
 * Usage: node scripts/build-cli-package.ts
 */
import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rolldown } from 'rolldown';

const root = join(import.meta.dirname, '..');
const cliDir = join(root, 'apps', 'cli');
const out = join(cliDir, 'dist', 'package');
const { version } = JSON.parse(await readFile(join(cliDir, 'package.json'), 'utf8')) as { version: string };

await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'bin'), { recursive: true });
const bundle = await rolldown({
  input: join(cliDir, 'src', 'program.ts'),
  platform: 'node',
  cwd: root,
  transform: { define: { AMKO_FED_VERSION: JSON.stringify(version) } },
  logLevel: 'warn',
});
// program.ts loads each command's dependencies (client-node, BullMQ) on demand: separate chunks keep --help fast.
await bundle.write({ dir: join(out, 'lib'), format: 'esm', entryFileNames: 'program.mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' });
await bundle.close();

// The entry reads the environment as src/cli.ts does and runs the bundled program.
await writeFile(join(out, 'bin', 'amko-fed.mjs'), `#!/usr/bin/env node
import { runCli } from '../lib/program.mjs';

const code = await runCli(process.argv.slice(2), {
  KUBECONFIG: process.env['KUBECONFIG'],
  HOME: process.env['HOME'],
  REDIS_URL: process.env['REDIS_URL'],
  KEY_PREFIX: process.env['KEY_PREFIX'],
}, {
  out: (text) => process.stdout.write(\`\${text}\\n\`),
  err: (text) => process.stderr.write(\`\${text}\\n\`),
});
process.exitCode = code;
`);
await chmod(join(out, 'bin', 'amko-fed.mjs'), 0o755);
await writeFile(join(out, 'package.json'), `${JSON.stringify({
  name: 'amko-fed',
  version,
  description: 'The amko-federation operator CLI: federation status, replay, AMKO backup/restore/promote/demote',
  type: 'module',
  bin: { 'amko-fed': 'bin/amko-fed.mjs' },
  engines: { node: '>=22.12' },
  files: ['bin', 'lib', 'README.md'],
  license: 'Apache-2.0',
}, null, 2)}\n`);
await cp(join(cliDir, 'README.md'), join(out, 'README.md'));
const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', join(cliDir, 'dist')], { cwd: out, encoding: 'utf8' }).trim().split('\n').at(-1) ?? '';
console.log(join(cliDir, 'dist', tgz));
