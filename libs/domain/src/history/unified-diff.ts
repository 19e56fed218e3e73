/**
 * A unified diff of two texts by lines (`diff -u` format: `---`/`+++` labels, `@@ -a,b +c,d @@`
 * hunks with `context` lines around changes). Longest common subsequence by dynamic programming:
 * O(lines × lines), meant for the spec of one object (tens to a few hundred lines), not for files.
 * Returns '' when the texts are equal.
 */
export interface UnifiedDiffOptions {
  readonly oldLabel: string;
  readonly newLabel: string;
  /** @defaultValue 3 */
  readonly context?: number;
}

interface Op {
  readonly type: ' ' | '-' | '+';
  readonly line: string;
}

const linesOf = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

function diffOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i -= 1) {
    const row = lcs[i] as number[];
    const below = lcs[i + 1] as number[];
    for (let j = m - 1; j >= 0; j -= 1) row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ type: ' ', line: a[i] as string });
      i += 1;
      j += 1;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) {
      ops.push({ type: '-', line: a[i] as string });
      i += 1;
    } else {
      ops.push({ type: '+', line: b[j] as string });
      j += 1;
    }
  }
  for (; i < n; i += 1) ops.push({ type: '-', line: a[i] as string });
  for (; j < m; j += 1) ops.push({ type: '+', line: b[j] as string });
  return ops;
}

const range = (start: number, count: number): string => (count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`);

export function unifiedDiff(oldText: string, newText: string, options: UnifiedDiffOptions): string {
  const context = options.context ?? 3;
  const ops = diffOps(linesOf(oldText), linesOf(newText));
  const changed = ops.flatMap((op, index) => (op.type === ' ' ? [] : [index]));
  if (changed.length === 0) return '';
  // Group changes whose context would touch or overlap into one hunk.
  const groups: [number, number][] = [];
  for (const index of changed) {
    const last = groups.at(-1);
    if (last !== undefined && index - last[1] <= 2 * context + 1) last[1] = index;
    else groups.push([index, index]);
  }
  const out = [`--- ${options.oldLabel}`, `+++ ${options.newLabel}`];
  // Line numbers before each op, in the old and the new text.
  const oldLine: number[] = [];
  const newLine: number[] = [];
  let o = 1;
  let nw = 1;
  for (const op of ops) {
    oldLine.push(o);
    newLine.push(nw);
    if (op.type !== '+') o += 1;
    if (op.type !== '-') nw += 1;
  }
  for (const [first, last] of groups) {
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(start, end + 1);
    const oldCount = slice.filter((op) => op.type !== '+').length;
    const newCount = slice.filter((op) => op.type !== '-').length;
    out.push(`@@ -${range(oldLine[start] ?? 1, oldCount)} +${range(newLine[start] ?? 1, newCount)} @@`);
    for (const op of slice) out.push(`${op.type}${op.line}`);
  }
  return `${out.join('\n')}\n`;
}
