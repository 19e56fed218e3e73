/**
 * Ordinary least squares for the cost curves: `y ≈ a + b₁·x₁ + … + bₖ·xₖ` over the grid points,
 * and the one-line description the bench prints ("initial sync ≈ 850 ms + 1.2 ms per copy").
 * Pure functions. The regressors are standardised before solving, so that copies (up to 10⁵) and
 * an intercept of 1 do not make the normal equations ill-conditioned.
 */

export interface Observation {
  /** The regressors' values (without the intercept). */
  readonly x: readonly number[];
  readonly y: number;
}

export interface Fit {
  /** The intercept, then one slope per regressor. */
  readonly coefficients: readonly number[];
  /** Coefficient of determination (1: the line goes through every point). */
  readonly r2: number;
  /** Observations used (those with finite values). */
  readonly n: number;
}

/** Solves `m · v = rhs` by Gaussian elimination with partial pivoting; undefined when singular. */
function solve(m: number[][], rhs: number[]): number[] | undefined {
  const size = rhs.length;
  const a = m.map((row, i) => [...row, rhs[i] ?? 0]);
  for (let col = 0; col < size; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < size; row += 1) if (Math.abs(a[row]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = row;
    const pivotRow = a[pivot];
    if (pivotRow === undefined || Math.abs(pivotRow[col] ?? 0) < 1e-9) return undefined;
    [a[col], a[pivot]] = [pivotRow, a[col] ?? pivotRow];
    for (let row = col + 1; row < size; row += 1) {
      const target = a[row] as number[];
      const factor = (target[col] ?? 0) / (pivotRow[col] ?? 1);
      for (let k = col; k <= size; k += 1) target[k] = (target[k] ?? 0) - factor * (pivotRow[k] ?? 0);
    }
  }
  const v = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row -= 1) {
    const r = a[row] as number[];
    let sum = r[size] ?? 0;
    for (let k = row + 1; k < size; k += 1) sum -= (r[k] ?? 0) * (v[k] ?? 0);
    v[row] = sum / (r[row] ?? 1);
  }
  return v;
}

/**
 * Fits `y ≈ a + Σ bⱼ·xⱼ`. Undefined when there are not more finite observations than
 * coefficients, or when a regressor does not vary (or two move together), so that no slope can be
 * told apart.
 */
export function leastSquares(observations: readonly Observation[]): Fit | undefined {
  const rows = observations.filter((o) => Number.isFinite(o.y) && o.x.every(Number.isFinite));
  const k = rows[0]?.x.length ?? 0;
  if (k === 0 || rows.length < k + 2) return undefined;
  const means = Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + (r.x[j] ?? 0), 0) / rows.length);
  const sds = Array.from({ length: k }, (_, j) => Math.sqrt(rows.reduce((s, r) => s + ((r.x[j] ?? 0) - (means[j] ?? 0)) ** 2, 0) / rows.length));
  if (sds.some((sd) => sd === 0)) return undefined;
  const design = rows.map((r) => [1, ...r.x.map((v, j) => (v - (means[j] ?? 0)) / (sds[j] ?? 1))]);
  const p = k + 1;
  const xtx = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => design.reduce((s, d) => s + (d[i] ?? 0) * (d[j] ?? 0), 0)));
  const xty = Array.from({ length: p }, (_, i) => design.reduce((s, d, n) => s + (d[i] ?? 0) * (rows[n]?.y ?? 0), 0));
  const gamma = solve(xtx, xty);
  if (gamma === undefined) return undefined;
  const slopes = Array.from({ length: k }, (_, j) => (gamma[j + 1] ?? 0) / (sds[j] ?? 1));
  const intercept = (gamma[0] ?? 0) - slopes.reduce((s, b, j) => s + b * (means[j] ?? 0), 0);
  const coefficients = [intercept, ...slopes];
  const predict = (x: readonly number[]): number => intercept + slopes.reduce((s, b, j) => s + b * (x[j] ?? 0), 0);
  const meanY = rows.reduce((s, r) => s + r.y, 0) / rows.length;
  const ssRes = rows.reduce((s, r) => s + (r.y - predict(r.x)) ** 2, 0);
  const ssTot = rows.reduce((s, r) => s + (r.y - meanY) ** 2, 0);
  const r2 = ssTot === 0 ? (ssRes === 0 ? 1 : Number.NaN) : 1 - ssRes / ssTot;
  return { coefficients, r2, n: rows.length };
}

/** How a slope is printed: `b·factor <unit> per <per>`, e.g. MB per object × 1024 → "KB per object". */
export interface Term {
  readonly per: string;
  readonly unit: string;
  /** Multiplies the slope (in the fitted y unit per regressor unit) into `unit`. @defaultValue 1 */
  readonly factor?: number;
}

/** `1234` → `1,234`; small values keep 2–3 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs < 1e-9) return '0';
  return value.toPrecision(2);
}

/**
 * `initial sync ≈ 850 ms + 1.2 ms per copy (R² 0.998, 9 points)`, or `… : not enough points to
 * fit` when `fit` is undefined.
 */
export function describeFit(label: string, unit: string, terms: readonly Term[], fit: Fit | undefined): string {
  if (fit === undefined) return `${label}: not enough distinct points to fit`;
  const [intercept = Number.NaN, ...slopes] = fit.coefficients;
  const parts = terms.map((t, j) => {
    const slope = (slopes[j] ?? Number.NaN) * (t.factor ?? 1);
    const magnitude = formatNumber(Math.abs(slope));
    return `${slope < 0 && magnitude !== '0' ? '− ' : '+ '}${magnitude} ${t.unit} per ${t.per}`;
  });
  return `${label} ≈ ${formatNumber(intercept)} ${unit} ${parts.join(' ')} (R² ${Number.isFinite(fit.r2) ? fit.r2.toFixed(3) : 'n/a'}, ${fit.n} points)`;
}
