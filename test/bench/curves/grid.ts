/**
 * The cost-curve grid: followers × objects, the points the default run leaves out (and why), and
 * `--curves-grid=1x100,10x1000` to run others. Pure.
 */

export interface GridPoint {
  readonly followers: number;
  readonly objects: number;
}

/** Follower copies a point federates (followers × objects). */
export const copiesOf = (point: GridPoint): number => point.followers * point.objects;

export const label = (point: GridPoint): string => `${point.followers}x${point.objects}`;

export const FOLLOWER_COUNTS = [1, 10, 50, 100] as const;
export const OBJECT_COUNTS = [100, 1_000, 10_000] as const;

/** Issue #16's grid: every follower count × every object count. */
export const FULL_GRID: readonly GridPoint[] = FOLLOWER_COUNTS.flatMap((followers) => OBJECT_COUNTS.map((objects) => ({ followers, objects })));

/** Points the default run leaves out, so that it takes about ten minutes on a 2-CPU machine. */
export const PRUNED: readonly { readonly point: GridPoint; readonly reason: string }[] = [
  // Two default runs on 2 CPUs (docs/benchmarks.md, Cost curves): the whole grid below took 551-561 s,
  // 555-900 follower-applies/s at 50-100 followers; the fits estimate the points left out.
  { point: { followers: 50, objects: 10_000 }, reason: '500,000 copies: its initial sync alone is estimated at 9-12 min (555-900 applies/s measured), as long as the whole default run' },
  { point: { followers: 100, objects: 10_000 }, reason: '1,000,000 copies: its initial sync alone is estimated at 18-23 min, and the followers\' stores would hold a million objects in the bench process' },
];

const same = (a: GridPoint, b: GridPoint): boolean => a.followers === b.followers && a.objects === b.objects;

/** Smallest first (by copies, then followers), without duplicates. */
export function ordered(points: readonly GridPoint[]): GridPoint[] {
  const unique = points.filter((p, i) => points.findIndex((q) => same(p, q)) === i);
  return unique.sort((a, b) => copiesOf(a) - copiesOf(b) || a.followers - b.followers);
}

export const DEFAULT_GRID: readonly GridPoint[] = ordered(FULL_GRID.filter((p) => !PRUNED.some((q) => same(p, q.point))));

export class GridError extends Error {
  readonly code = 'CURVES_GRID_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GridError';
  }
}

/** `1x100,10x1000` (followers x objects, comma-separated; `_` allowed in numbers) → points, smallest first. */
export function parseGrid(text: string): GridPoint[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new GridError('--curves-grid is empty; use e.g. 1x100,10x1000 (followers x objects)');
  return ordered(
    items.map((item) => {
      const match = /^(\d[\d_]*)x(\d[\d_]*)$/i.exec(item);
      const followers = Number(match?.[1]?.replaceAll('_', ''));
      const objects = Number(match?.[2]?.replaceAll('_', ''));
      if (match === null || !Number.isSafeInteger(followers) || !Number.isSafeInteger(objects) || followers < 1 || objects < 1) {
        throw new GridError(`--curves-grid: "${item}" is not <followers>x<objects> with both at least 1; use e.g. 1x100,10x1000`);
      }
      return { followers, objects };
    }),
  );
}
