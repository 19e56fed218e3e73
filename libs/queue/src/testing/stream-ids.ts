/** Stream entry ids of the fakes: `<ms>-<n>` like Redis's, increasing, compared as Redis compares them. */

export interface StreamIds {
  /** The next id, greater than every id given before (also across `loseData`, as Redis time moves on). */
  next(): string;
}

export function createStreamIds(): StreamIds {
  let n = 0;
  return { next: () => `${(n += 1)}-0` };
}

function parts(id: string): [number, number] {
  const [ms, seq] = id.split('-');
  return [Number(ms ?? 0), Number(seq ?? 0)];
}

/** Whether stream id `a` sorts after `b` (`-` and `0` sort before every id). */
export function isAfter(a: string, b: string | undefined): boolean {
  if (b === undefined || b === '-' || b === '0') return true;
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  return am > bm || (am === bm && as > bs);
}
