/**
 * deploy/overlays/bundled-redis: the Redis it installs keeps its password off every command line,
 * runs a pinned image locked down, has probes, and rolls when its Secret changes. The rendered
 * command and config then run on a real local redis-server: auth is required and the Secret's
 * password works.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, findOnPath, freePort, REPO_ROOT } from '@amko-fed/testing';

const kubectl = await findOnPath('kubectl');
if (!kubectl) throw new Error('kubectl is missing from PATH: scripts/ensure-tools.sh (run by npm test) installs it');
const redisServer = await findOnPath('redis-server');
const redisCli = await findOnPath('redis-cli');
const OVERLAY = 'deploy/overlays/bundled-redis';

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface Probe { exec?: { command: string[] }; tcpSocket?: { port: string | number }; httpGet?: unknown }
interface SecurityContext {
  runAsNonRoot?: boolean; runAsUser?: number; allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[] }; seccompProfile?: { type: string };
}
interface Container {
  name: string; image: string; command?: string[]; args?: string[]; env?: EnvVar[];
  livenessProbe?: Probe; readinessProbe?: Probe; securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
}
interface Volume { name: string; secret?: { secretName: string }; configMap?: { name: string } }
interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template?: { spec?: { securityContext?: SecurityContext; containers: Container[]; volumes?: Volume[] } } };
}

function build(dir: string): Manifest[] {
  const result = spawnSync(kubectl ?? 'kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return parseAllDocuments(result.stdout).map((d) => d.toJS() as Manifest);
}

const workloads = (manifests: Manifest[]) => manifests.filter((m) => m.spec?.template?.spec !== undefined);
const redisOf = (manifests: Manifest[]) => manifests.find((m) => m.kind === 'StatefulSet' && m.metadata.name === 'amko-federation-redis');
const generated = (manifests: Manifest[], kind: string, base: string) => manifests.find((m) => m.kind === kind && m.metadata.name.startsWith(`${base}-`));
const secretText = (secret: Manifest | undefined, key: string): string => Buffer.from(secret?.data?.[key] ?? '', 'base64').toString('utf8');

/** Every Secret and ConfigMap name a workload refers to (env, volumes). */
function referencedNames(manifest: Manifest): string[] {
  const spec = manifest.spec?.template?.spec;
  const fromEnv = (spec?.containers ?? []).flatMap((c) => (c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])));
  const fromVolumes = (spec?.volumes ?? []).flatMap((v) => [v.secret?.secretName, v.configMap?.name].filter((n): n is string => n !== undefined));
  return [...fromEnv, ...fromVolumes];
}

describe('deploy/overlays/bundled-redis', () => {
  const manifests = kubectl ? build(join(REPO_ROOT, OVERLAY)) : [];
  const redis = redisOf(manifests)?.spec?.template?.spec;
  const container = redis?.containers[0];
  const secret = generated(manifests, 'Secret', 'amko-federation-redis');
  const password = secretText(secret, 'password');

  describe('when built with kubectl kustomize', () => {
    it('keeps the Redis password off every command line, argument and probe command', () => {
      expect(password).not.toBe('');
      for (const workload of workloads(manifests)) {
        for (const c of workload.spec?.template?.spec?.containers ?? []) {
          const lines = [c.command, c.args, c.livenessProbe?.exec?.command, c.readinessProbe?.exec?.command].flatMap((l) => l ?? []).join(' ');
          expect(lines, `${workload.metadata.name}/${c.name}`).not.toContain(password);
          expect(lines).not.toMatch(/requirepass|REDIS_PASSWORD|--pass\b|(^|\s)-a\s|REDISCLI_AUTH/);
        }
      }
      expect(container?.command).toEqual(['redis-server', '/etc/amko-federation-redis/redis.conf']);
    });

    it('keeps the password in the Secret: the server reads it from an included file, the probe from REDISCLI_AUTH', () => {
      expect(secretText(secret, 'auth.conf').trim()).toBe(`requirepass ${password}`);
      expect(new URL(secretText(secret, 'url')).password).toBe(password);
      const config = generated(manifests, 'ConfigMap', 'amko-federation-redis-config')?.data?.['redis.conf'] ?? '';
      expect(config).toMatch(/^include \/etc\/amko-federation-redis\/secret\/auth\.conf$/m);
      expect(config).not.toContain(password);
      expect(config).toMatch(/^appendonly yes$/m);
      expect(config).toMatch(/^maxmemory-policy noeviction$/m);
      expect(container?.env).toEqual([{ name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: secret?.metadata.name, key: 'password' } } }]);
    });

    it('pins the Redis image to an exact version', () => {
      expect(container?.image).toMatch(/^redis:\d+\.\d+\.\d+(-alpine)?(@sha256:[0-9a-f]{64})?$/);
    });

    it('runs Redis as a numeric non-root user, read-only root FS, no capabilities, RuntimeDefault seccomp', () => {
      expect(redis?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container?.securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      // what Redis writes (AOF, RDB) goes to the data volume, not the read-only root
      expect(container?.volumeMounts?.find((m) => m.name === 'data')?.mountPath).toBe('/data');
    });

    it('probes liveness over TCP and readiness with an authenticated PING', () => {
      expect(container?.livenessProbe?.tcpSocket?.port).toBe('redis');
      expect(container?.readinessProbe?.exec?.command).toEqual(['sh', '-c', 'redis-cli ping | grep -q PONG']);
    });

    it('names the generated Secrets and ConfigMap with their content hash, and every workload refers to those names', () => {
      const names = manifests.filter((m) => m.kind === 'Secret' || m.kind === 'ConfigMap').map((m) => m.metadata.name);
      expect(names).toHaveLength(3);
      for (const name of names) expect(name).toMatch(/^amko-federation-(redis|board|redis-config)-[a-z0-9]{10}$/);
      for (const workload of workloads(manifests)) {
        for (const name of referencedNames(workload)) {
          if (name.startsWith('amko-federation-')) expect(names, `${workload.metadata.name} refers to ${name}`).toContain(name);
        }
      }
      expect(referencedNames(manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'amko-federation-replicator') as Manifest)).toContain(secret?.metadata.name);
    });
  });

  describe('when the password in the overlay changes', () => {
    it('changes the Secret name every workload refers to, so their pods roll', async () => {
      const copy = await mkdtemp(join(tmpdir(), 'bundled-redis-'));
      try {
        await cp(join(REPO_ROOT, 'deploy'), join(copy, 'deploy'), { recursive: true });
        const dir = join(copy, OVERLAY);
        const next = 'rotated-5e9c2d';
        for (const file of ['redis-secret.env', 'redis-auth.conf']) {
          await writeFile(join(dir, file), (await readFile(join(dir, file), 'utf8')).replaceAll(password, next));
        }
        const rotated = build(dir);
        const rotatedSecret = generated(rotated, 'Secret', 'amko-federation-redis');
        expect(secretText(rotatedSecret, 'auth.conf').trim()).toBe(`requirepass ${next}`);
        expect(rotatedSecret?.metadata.name).not.toBe(secret?.metadata.name);
        for (const name of ['amko-federation-redis', 'amko-federation-replicator', 'amko-federation-watcher']) {
          const before = manifests.find((m) => m.metadata.name === name && m.spec?.template !== undefined) as Manifest;
          const after = rotated.find((m) => m.metadata.name === name && m.spec?.template !== undefined) as Manifest;
          expect(referencedNames(before), name).toContain(secret?.metadata.name);
          expect(referencedNames(after), name).toContain(rotatedSecret?.metadata.name);
        }
      } finally {
        await rm(copy, { recursive: true, force: true });
      }
    });
  });

  describe.skipIf(!redisServer || !redisCli)('when its rendered command runs with the rendered config on a real redis-server', () => {
    let dir: string;
    let port: number;
    let server: ChildProcess | undefined;
    let pid = 0;

    /** redis-cli against the local server; `auth` goes through REDISCLI_AUTH, as in the probe. */
    const cli = (args: string[], auth?: string) =>
      spawnSync(redisCli ?? 'redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, REDISCLI_AUTH: auth ?? '' } });

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'bundled-redis-run-'));
      port = await freePort();
      // The container's mount paths become folders of `dir`; the files get the rendered contents.
      const local = (path: string): string => join(dir, 'mounts', path);
      const config = generated(manifests, 'ConfigMap', 'amko-federation-redis-config')?.data?.['redis.conf'] ?? '';
      const mounts = container?.volumeMounts ?? [];
      let text = config;
      for (const mount of mounts) text = text.replaceAll(mount.mountPath, local(mount.mountPath));
      // Locally: a free loopback port instead of 6379 on every interface.
      text = text.replace(/^port 6379$/m, `port ${port}`) + 'bind 127.0.0.1\n';
      for (const mount of mounts) await mkdir(mount.subPath ? join(local(mount.mountPath), '..') : local(mount.mountPath), { recursive: true });
      await writeFile(local('/etc/amko-federation-redis/redis.conf'), text);
      await writeFile(local('/etc/amko-federation-redis/secret/auth.conf'), secretText(secret, 'auth.conf'));
      const [binary, ...args] = (container?.command ?? []).map((part) => (part.startsWith('/') ? local(part) : part));
      expect(binary).toBe('redis-server');
      server = spawn(redisServer ?? 'redis-server', args, { stdio: 'ignore' });
      pid = server.pid ?? 0;
      await eventually(() => cli(['ping']).stdout, (out) => out.includes('NOAUTH'), 20_000, 'the local redis-server answering');
    });
    afterAll(async () => {
      if (server && server.exitCode === null) {
        const exited = new Promise((resolve) => server?.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('refuses commands without the password', () => {
      expect(cli(['ping']).stdout).toContain('NOAUTH');
      expect(cli(['ping'], 'wrong-password').stdout).not.toContain('PONG');
    });

    it('accepts the password of the Secret (password key and the url the workloads use)', () => {
      expect(cli(['ping'], password).stdout.trim()).toBe('PONG');
      expect(cli(['ping'], decodeURIComponent(new URL(secretText(secret, 'url')).password)).stdout.trim()).toBe('PONG');
      expect(cli(['config', 'get', 'appendonly'], password).stdout.split('\n').map((l) => l.trim())).toContain('yes');
      expect(cli(['config', 'get', 'maxmemory-policy'], password).stdout.split('\n').map((l) => l.trim())).toContain('noeviction');
    });

    it('passes its readiness probe, run as rendered with REDISCLI_AUTH from the Secret', () => {
      const [shell, flag, script] = container?.readinessProbe?.exec?.command ?? [];
      const local = (script ?? '').replace('redis-cli', `${redisCli ?? 'redis-cli'} -p ${port}`);
      expect(spawnSync(shell ?? 'sh', [flag ?? '-c', local], { env: { ...process.env, REDISCLI_AUTH: password } }).status).toBe(0);
      expect(spawnSync(shell ?? 'sh', [flag ?? '-c', local], { env: { ...process.env, REDISCLI_AUTH: 'wrong-password' } }).status).not.toBe(0);
    });

    it('shows no password in its process command line (what ps shows)', async () => {
      // redis-server sets its process title to `redis-server <address>`; the password is in neither
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
      expect(cmdline).toContain('redis-server');
      expect(cmdline).not.toContain(password);
    });
  });
});
