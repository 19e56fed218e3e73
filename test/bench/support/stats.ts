/** Small statistics and /proc readings for the benchmarks (Linux). */
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';

/** The p-quantile (0..1) of ascending `sorted` (nearest rank). */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

/** CPU milliseconds (user + system) a process has used so far; NaN when it is gone. */
export async function cpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (stat === '') return Number.NaN;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** The pid of the redis-server behind `url` (INFO server), so its CPU can be read beside the apps'. */
export async function redisPidOf(url: string): Promise<number | undefined> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    const pid = /process_id:(\d+)/.exec(await redis.info('server'))?.[1];
    return pid === undefined ? undefined : Number(pid);
  } finally {
    redis.disconnect();
  }
}

export interface Rss {
  /** VmRSS: every resident page, including the node binary's text (file-backed, shared). */
  readonly totalMb: number;
  /** RssAnon: the process's private memory (heaps, stacks). */
  readonly anonMb: number;
}

/** Resident memory of a process; NaN figures when it is gone. */
export async function rssOf(pid: number | undefined): Promise<Rss> {
  if (pid === undefined) return { totalMb: Number.NaN, anonMb: Number.NaN };
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { totalMb: kb('VmRSS') / 1024, anonMb: kb('RssAnon') / 1024 };
}

/** Samples the RSS of some processes every `intervalMs` and keeps the peaks. */
export interface RssSampler {
  readonly peak: Readonly<Record<string, Rss>>;
  stop(): Promise<void>;
}

export function sampleRss(pids: Readonly<Record<string, () => number | undefined>>, intervalMs = 100): RssSampler {
  const peak: Record<string, Rss> = Object.fromEntries(Object.keys(pids).map((name) => [name, { totalMb: 0, anonMb: 0 }]));
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const [name, pid] of Object.entries(pids)) {
        const now = await rssOf(pid());
        const before = peak[name] ?? { totalMb: 0, anonMb: 0 };
        peak[name] = { totalMb: Math.max(before.totalMb, now.totalMb || 0), anonMb: Math.max(before.anonMb, now.anonMb || 0) };
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    peak,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The steady RSS of some processes once a load is over: after `settleMs` (10 s), the mean of 5
 * samples one second apart, per process.
 */
export async function steadyRss<K extends string>(pids: Readonly<Record<K, number | undefined>>, settleMs = 10_000): Promise<Record<K, Rss>> {
  await sleep(settleMs);
  const names = Object.keys(pids) as K[];
  const samples = new Map<K, Rss[]>(names.map((name) => [name, []]));
  for (let i = 0; i < 5; i += 1) {
    for (const name of names) samples.get(name)?.push(await rssOf(pids[name]));
    await sleep(1_000);
  }
  const mean = (rows: readonly Rss[]): Rss => ({ totalMb: rows.reduce((n, r) => n + r.totalMb, 0) / rows.length, anonMb: rows.reduce((n, r) => n + r.anonMb, 0) / rows.length });
  return Object.fromEntries(names.map((name) => [name, mean(samples.get(name) ?? [])])) as Record<K, Rss>;
}

/** Polls `read` every `everyMs` until `done(value)`; returns the value, or throws after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
