/**
 * Gauss–Hermite quadrature for expectations under a standard normal.
 *
 * @module
 */

/** Nodes and weights of an n-point rule: E[g(Z)] ≈ Σ w_i g(x_i), Z ~ N(0, 1). */
export interface QuadratureRule {
  readonly nodes: readonly number[];
  readonly weights: readonly number[];
}

/** Probabilists' Hermite polynomial He_n(x) by its three-term recurrence. */
function hermite(n: number, x: number): number {
  let previous = 1;
  let current = x;
  if (n === 0) return previous;
  for (let k = 1; k < n; k++) {
    const next = x * current - k * previous;
    previous = current;
    current = next;
  }
  return current;
}

/**
 * The n-point rule, exact for polynomials of degree up to 2n − 1. Nodes are
 * the roots of He_n (bracketed by sign changes on a grid, then bisected to
 * machine precision), weights w_i = n! / (n² He_{n−1}(x_i)²).
 *
 * @param n Number of points, 1 to 20.
 * @returns The rule.
 * @throws {RangeError} When n is outside 1..20.
 */
export function gaussHermite(n: number): QuadratureRule {
  if (!Number.isInteger(n) || n < 1 || n > 20) {
    throw new RangeError(
      `Cannot build a Gauss–Hermite rule: n must be an integer in 1..20, current value is ${n}`,
    );
  }
  let factorial = 1;
  for (let k = 2; k <= n; k++) factorial *= k;
  const nodes: number[] = [];
  const weights: number[] = [];
  // Every root lies in |x| < sqrt(4n + 2): scan for sign changes, then bisect.
  const bound = Math.sqrt(4 * n + 2) + 1;
  const cells = 400 * n + 1; // odd, so that 0 is never a grid point
  for (let c = 0; c < cells; c++) {
    let lo = -bound + (2 * bound * c) / cells;
    let hi = lo + (2 * bound) / cells;
    let flo = hermite(n, lo);
    if (flo * hermite(n, hi) > 0) continue;
    for (
      let it = 0;
      it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo));
      it++
    ) {
      const mid = (lo + hi) / 2;
      const fmid = hermite(n, mid);
      if (flo * fmid <= 0) hi = mid;
      else {
        lo = mid;
        flo = fmid;
      }
    }
    nodes.push((lo + hi) / 2);
  }
  for (const x of nodes) {
    weights.push(factorial / (n * n * hermite(n - 1, x) ** 2));
  }
  return { nodes, weights };
}
