/**
 * Figures from a Prometheus text exposition (an app's /metrics): the sum of a metric's series, in
 * all or grouped by one label.
 */

interface Sample {
  /** The text between the braces (empty without labels). */
  readonly labels: string;
  readonly value: number;
}

/** Every sample of `name` itself (not of a metric whose name only starts with it). */
function* samplesOf(text: string, name: string): Generator<Sample> {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const close = rest[0] === '{' ? rest.lastIndexOf('}') : -1;
    const value = Number(rest.slice(close + 1).trim().split(' ')[0]);
    if (Number.isFinite(value)) yield { labels: close === -1 ? '' : rest.slice(1, close), value };
  }
}

/** Sum of every series of `name` (any labels); 0 when absent. */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const sample of samplesOf(text, name)) sum += sample.value;
  return sum;
}

/** Sums of the series of `name` per value of `label` (series without it are left out). */
export function metricSumBy(text: string, name: string, label: string): Map<string, number> {
  const sums = new Map<string, number>();
  const pattern = new RegExp(`(?:^|,)${label}="([^"]*)"`);
  for (const sample of samplesOf(text, name)) {
    const value = pattern.exec(sample.labels)?.[1];
    if (value !== undefined) sums.set(value, (sums.get(value) ?? 0) + sample.value);
  }
  return sums;
}
