/**
 * V8's old-generation growing factor. After each full GC V8 sets the next one's trigger at the
 * surviving heap times a factor it derives from GC and mutator speed; for the replicator that
 * factor stayed near 1.2 (a full GC every ~300 ms at 10 followers, each ~15–20 ms of marking on the
 * main thread). `--heap-growing-percent=P` fixes the factor at 1 + P/100; 0 leaves it to V8.
 * Measurements and the memory it costs: docs/benchmarks.md, "The old generation's growing factor".
 *
 * It is not allowed in NODE_OPTIONS (only heap sizes are), but unlike them it is read at every
 * full GC, so setting it at start-up takes effect for the whole process (checked by
 * heap-growth.int.spec.ts). The heap caps in NODE_OPTIONS still bound the old generation.
 */
import { setFlagsFromString } from 'node:v8';

/** The most a workload may ask for: 1 + 1000/100 = an 11-fold growth before the next full GC. */
export const MAX_HEAP_GROWING_PERCENT = 1_000;

export function setHeapGrowingPercent(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > MAX_HEAP_GROWING_PERCENT) {
    throw new RangeError(`heap growing percent must be a whole number from 0 to ${MAX_HEAP_GROWING_PERCENT}, not ${percent}`);
  }
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
