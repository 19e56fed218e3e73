/**
 * deploy/Dockerfile as data, and the image's /app built from it without a container engine: the
 * files its build stage copies (after .dockerignore), the same `npm ci --omit=dev`, its other RUN
 * steps with /app standing for the copy. Build it outside the repository: from inside, Node would
 * resolve a package /app lacks from the checkout's node_modules. The install is cached under
 * tmp/prod-deps/<hash of what it installs from> (git-ignored), so a re-run costs a hard-linked copy
 * instead of an install, while a changed package.json or lock file gets a fresh, genuine
 * `npm ci --omit=dev`; installs of other inputs are removed after a day.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, matchesGlob, relative } from 'node:path';

export interface Instruction {
  readonly keyword: string;
  /** The text after the keyword, continuation lines joined. */
  readonly text: string;
}

export interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

export interface ImageSettings {
  /** ENV of the final stage (values as written, `/app` not yet replaced). */
  readonly env: Readonly<Record<string, string>>;
  /** The final stage's USER as numbers (a USER without a group runs in the user's own group, here gid = uid). */
  readonly user: { readonly uid: number; readonly gid: number };
  readonly workdir: string;
  readonly entrypoint: readonly string[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const stages: { from: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`Dockerfile line without arguments: ${line}`);
    const keyword = (match[1] ?? '').toUpperCase();
    const rest = match[2] ?? '';
    if (keyword === 'FROM') {
      const [from = '', as, name] = rest.split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage && keyword === 'ARG') continue; // a build argument of FROM lines
    if (!stage) throw new Error(`Dockerfile instruction before FROM: ${line}`);
    stage.instructions.push({ keyword, text: rest });
  }
  return stages;
}

/** The final stage's runtime settings (ENV, USER, WORKDIR, ENTRYPOINT). */
export function imageSettings(stages: readonly Stage[]): ImageSettings {
  const final = stages.at(-1);
  if (!final) throw new Error('Dockerfile without a stage');
  const env: Record<string, string> = {};
  let user: ImageSettings['user'] | undefined;
  let workdir = '/';
  let entrypoint: string[] = [];
  for (const { keyword, text } of final.instructions) {
    if (keyword === 'ENV') {
      const [name = '', ...value] = text.split('=');
      env[name.trim()] = value.join('=').trim();
    } else if (keyword === 'USER') {
      const [uid, gid] = text.split(':').map(Number);
      if (uid === undefined || !Number.isInteger(uid)) throw new Error(`USER ${text} is not numeric`);
      user = { uid, gid: gid ?? uid };
    } else if (keyword === 'WORKDIR') {
      workdir = text;
    } else if (keyword === 'ENTRYPOINT') {
      entrypoint = JSON.parse(text) as string[];
    }
  }
  if (!user) throw new Error('the final stage sets no USER');
  return { env, user, workdir, entrypoint };
}

/** .dockerignore patterns (Docker matches them against the path from the context root, `**` for any depth). */
async function ignorePatterns(context: string): Promise<string[]> {
  const text = await readFile(join(context, '.dockerignore'), 'utf8').catch(() => '');
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

const ignored = (path: string, patterns: readonly string[]): boolean => patterns.some((p) => matchesGlob(path, p));

/** Copies a file or a directory tree; an existing destination file is replaced, never written through (it may be a hard link into the cache). */
async function copyTree(context: string, source: string, destination: string, patterns: readonly string[]): Promise<void> {
  if (ignored(source, patterns)) return;
  const from = join(context, source);
  const info = await lstat(from);
  if (info.isDirectory()) {
    await mkdir(destination, { recursive: true });
    for (const entry of await readdir(from)) await copyTree(context, join(source, entry), join(destination, entry), patterns);
  } else if (info.isSymbolicLink()) {
    await rm(destination, { force: true });
    await symlink(await readlink(from), destination);
  } else {
    await rm(destination, { force: true });
    await copyFile(from, destination);
  }
}

/** `COPY <src>... <dest>` of the build context (not `--from`), with `dest` relative to the WORKDIR `workdir` mapped to `root`. */
async function runCopy(text: string, context: string, workdir: string, root: string, patterns: readonly string[]): Promise<void> {
  const parts = text.split(/\s+/).filter((p) => !p.startsWith('--'));
  const dest = parts.pop() ?? '';
  const absolute = dest.startsWith('/') ? dest : join(workdir, dest);
  const target = join(root, relative(workdir, absolute));
  for (const source of parts) {
    const info = await stat(join(context, source));
    // a directory's contents go into dest; a file goes into dest/ when dest ends with a slash or there are several sources
    const into = info.isDirectory() ? target : dest.endsWith('/') || parts.length > 1 ? join(target, source.split('/').at(-1) ?? source) : target;
    await mkdir(info.isDirectory() ? into : dirname(into), { recursive: true });
    await copyTree(context, source, into, patterns);
  }
}

interface ShOptions {
  readonly user?: { readonly uid: number; readonly gid: number } | undefined;
  /** The whole environment. @defaultValue this process's */
  readonly env?: Readonly<Record<string, string>>;
}

function sh(command: string, cwd: string, options: ShOptions = {}): void {
  const result = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', timeout: 300_000, ...(options.user ?? {}), ...(options.env ? { env: options.env } : {}) });
  if (result.status !== 0) throw new Error(`RUN ${command} failed (${result.status ?? result.signal}) in ${cwd}:\n${result.stdout}\n${result.stderr}`);
}

const isInstall = (i: Instruction): boolean => i.keyword === 'RUN' && /^npm ci\b/.test(i.text) && i.text.includes('--omit=dev');

/** Everything the install depends on: the copied package files and the install command. */
async function installKey(stage: Stage, context: string): Promise<string> {
  const hash = createHash('sha256');
  for (const i of stage.instructions) {
    hash.update(`${i.keyword} ${i.text}\n`);
    if (isInstall(i)) break;
    if (i.keyword !== 'COPY') continue;
    for (const source of i.text.split(/\s+/).filter((p) => !p.startsWith('--')).slice(0, -1)) hash.update(await readFile(join(context, source)));
  }
  return hash.digest('hex').slice(0, 16);
}

const DAY_MS = 86_400_000;

/** Removes installs of other inputs (and abandoned stagings) not touched for a day. */
async function pruneCache(cacheBase: string, key: string): Promise<void> {
  for (const entry of await readdir(cacheBase).catch(() => [])) {
    if (entry === key) continue;
    const info = await stat(join(cacheBase, entry)).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > DAY_MS) await rm(join(cacheBase, entry), { recursive: true, force: true });
  }
}

export interface BuiltApp {
  /** The image's /app. */
  readonly root: string;
  readonly image: ImageSettings;
  /** Whether this call ran `npm ci` (false: the install of an earlier run with the same inputs). */
  readonly installed: boolean;
  /** Where the cached install lives. */
  readonly cacheDir: string;
  /** Replaces the image's WORKDIR (`/app`) in a path or command by `root`. */
  readonly appPath: (text: string) => string;
}

/**
 * Builds the image's /app at `root` as deploy/Dockerfile does: the build stage's COPY and RUN steps
 * (its `npm ci --omit=dev` from the cache when the same inputs were installed before), then the
 * final stage's RUN steps (the compile cache filled as the image's USER). Needs root for the chown
 * and the USER steps, as an image build does.
 */
export async function buildAppFromDockerfile(
  context: string,
  root: string,
  cacheBase: string,
  options: { /** A directory with the image's `node`, first on the RUN steps' PATH. */ readonly nodeBinDir?: string } = {},
): Promise<BuiltApp> {
  const stages = parseDockerfile(await readFile(join(context, 'deploy', 'Dockerfile'), 'utf8'));
  const [build, final] = [stages[0], stages.at(-1)];
  if (!build || !final || build === final) throw new Error('deploy/Dockerfile should have a build stage and a final stage');
  if (!final.instructions.some((i) => i.keyword === 'COPY' && i.text.startsWith(`--from=${build.name ?? ''} `))) throw new Error('the final stage does not copy the build stage');
  const install = build.instructions.find(isInstall);
  if (!install) throw new Error('the build stage has no `npm ci --omit=dev`');
  const patterns = await ignorePatterns(context);
  const image = imageSettings(stages);
  const workdir = build.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.text ?? '/';
  // `/app` as a path of its own (`/app`, `/app/x`), not the `/app` inside `./apps/watcher`
  const escaped = workdir.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
  const at = new RegExp(`(?<![\\w.])${escaped}(?=[/\\s"']|$)`, 'g');
  const appPath = (text: string): string => text.replace(at, root);

  const key = await installKey(build, context);
  const cacheDir = join(cacheBase, key);
  await pruneCache(cacheBase, key);
  let installed = false;
  const installIndex = build.instructions.indexOf(install);
  if (!(await stat(join(cacheDir, '.installed')).catch(() => undefined))) {
    const staging = `${cacheDir}.tmp-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    for (const i of build.instructions.slice(0, installIndex)) if (i.keyword === 'COPY') await runCopy(i.text, context, workdir, staging, patterns);
    // the Dockerfile's command; --prefer-offline only lets npm take package tarballs from its cache
    sh(`${install.text} --prefer-offline`, staging);
    await writeFile(join(staging, '.installed'), `${install.text}\n`);
    await rename(staging, cacheDir).catch(async () => rm(staging, { recursive: true, force: true })); // another run made it first
    installed = true;
  }
  // hard links: the copy costs no disk and a second; files are replaced, never written through, below
  await mkdir(dirname(root), { recursive: true });
  // (a full copy when the cache and `root` are on different filesystems)
  const [from, to] = [JSON.stringify(cacheDir), JSON.stringify(root)];
  sh(`{ cp -al ${from} ${to} 2>/dev/null || { rm -rf ${to} && cp -a ${from} ${to}; }; } && rm ${JSON.stringify(join(root, '.installed'))}`, dirname(root));
  const path = process.env['PATH'] ?? '/usr/bin:/bin';
  const base = { PATH: options.nodeBinDir === undefined ? path : `${options.nodeBinDir}:${path}`, HOME: '/' };
  for (const i of build.instructions.slice(installIndex + 1)) {
    if (i.keyword === 'COPY') await runCopy(i.text, context, workdir, root, patterns);
    else if (i.keyword === 'RUN') sh(appPath(i.text), root, { env: base });
  }
  let user: { uid: number; gid: number } | undefined;
  const env: Record<string, string> = { ...base };
  for (const i of final.instructions) {
    if (i.keyword === 'USER') user = image.user;
    else if (i.keyword === 'ENV') {
      const [name = '', ...value] = i.text.split('=');
      env[name.trim()] = appPath(value.join('=').trim());
    } else if (i.keyword === 'RUN') sh(appPath(i.text), root, { user, env });
  }
  return { root, image, installed, cacheDir, appPath };
}
