/**
 * Timing and memory sampling for the benchmark.
 *
 * @module
 */

/** What one case measured. */
export interface Timing {
  /** Median milliseconds per call. */
  readonly ms: number;
  /** Calls timed. */
  readonly reps: number;
  /** Largest resident set size seen while the case ran, MiB. */
  readonly rssMiB: number;
}

/**
 * Times `fn` (after `warmup` untimed calls) and reports the median.
 *
 * @param fn One call; it must finish its work before returning (wasm
 * kernels run synchronously).
 * @param reps Timed calls.
 * @param warmup Untimed calls first.
 */
export async function time(
  fn: () => void | Promise<void>,
  reps: number,
  warmup = 1,
): Promise<Timing> {
  let rss = Deno.memoryUsage().rss;
  for (let i = 0; i < warmup; i++) {
    await fn();
    rss = Math.max(rss, Deno.memoryUsage().rss);
  }
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
    rss = Math.max(rss, Deno.memoryUsage().rss);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const ms = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
  return { ms, reps, rssMiB: rss / 2 ** 20 };
}
