/**
 * Float64 dense linear algebra in plain TypeScript, for the metrics: a
 * symmetric eigensolver (Householder tridiagonalisation followed by the
 * implicit QL method with Wilkinson shifts), products and rank-k updates.
 *
 * Matrices are row-major `Float64Array`s. This is the fallback path; the
 * OpenBLAS path in `_openblas.ts` computes the same things faster.
 *
 * @module
 */

/** Unit roundoff of float64, 2^-52. */
const EPS = 2 ** -52;

/** Result of a symmetric eigendecomposition. */
export interface SymmetricEigen {
  /** Eigenvalues in ascending order, `[n]`. */
  values: Float64Array;
  /**
   * Eigenvectors as rows, `[n, n]` row-major: row `i` belongs to
   * `values[i]`. Absent when only values were asked for.
   */
  vectors?: Float64Array;
}

/**
 * Reduces a symmetric matrix to tridiagonal form T = Qᵀ A Q with n − 2
 * Householder reflections H_k = I − β_k v_k v_kᵀ.
 *
 * Overwrites `a`: row k keeps v_k in columns k+1..n−1. Returns the diagonal
 * `d`, the off-diagonal `e` (e[i] couples i and i+1, e[n−1] = 0) and β.
 */
function tridiagonalise(
  a: Float64Array,
  n: number,
): { d: Float64Array; e: Float64Array; beta: Float64Array } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const beta = new Float64Array(n);
  const p = new Float64Array(n);

  for (let k = 0; k < n - 2; k++) {
    const rowK = k * n;
    d[k] = a[rowK + k];

    // The reflection maps x = A[k, k+1:] to alpha e_1.
    let norm2 = 0;
    for (let j = k + 1; j < n; j++) norm2 += a[rowK + j] * a[rowK + j];
    const x0 = a[rowK + k + 1];
    if (norm2 === 0) {
      e[k] = 0;
      beta[k] = 0;
      continue;
    }
    const norm = Math.sqrt(norm2);
    const alpha = x0 > 0 ? -norm : norm;
    e[k] = alpha;
    a[rowK + k + 1] = x0 - alpha; // v = x − alpha e_1, stored in row k
    // vᵀv = ‖x‖² − 2 alpha x0 + alpha² = 2 (‖x‖² − alpha x0)
    const b = 1 / (norm2 - alpha * x0);
    beta[k] = b;

    // p = β T v over the trailing block T = A[k+1:, k+1:].
    let vp = 0;
    for (let i = k + 1; i < n; i++) {
      const rowI = i * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += a[rowI + j] * a[rowK + j];
      p[i] = b * s;
      vp += a[rowK + i] * p[i];
    }

    // T ← T − v wᵀ − w vᵀ with w = p − (β vᵀp / 2) v.
    const half = 0.5 * b * vp;
    for (let i = k + 1; i < n; i++) p[i] -= half * a[rowK + i];
    for (let i = k + 1; i < n; i++) {
      const rowI = i * n;
      const vi = a[rowK + i];
      const wi = p[i];
      for (let j = k + 1; j < n; j++) {
        a[rowI + j] -= vi * p[j] + wi * a[rowK + j];
      }
    }
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2];
    e[n - 2] = a[(n - 2) * n + n - 1];
  }
  d[n - 1] = a[n * n - 1];
  return { d, e, beta };
}

/**
 * Forms Qᵀ (rows are the columns of Q = H_0 H_1 ⋯ H_{n−3}) from the
 * reflections left in `a` by {@linkcode tridiagonalise}.
 */
function accumulateTransposed(
  a: Float64Array,
  beta: Float64Array,
  n: number,
): Float64Array {
  // Q = H_0 (H_1 (⋯ (H_{n−3} I))): each H_k only touches the block k+1:.
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const u = new Float64Array(n);
  for (let k = n - 3; k >= 0; k--) {
    const b = beta[k];
    if (b === 0) continue;
    const rowK = k * n;
    // u = vᵀ Q[k+1:, k+1:]
    u.fill(0, k + 1);
    for (let i = k + 1; i < n; i++) {
      const vi = a[rowK + i];
      const rowI = i * n;
      for (let j = k + 1; j < n; j++) u[j] += vi * q[rowI + j];
    }
    // Q ← Q − β v u
    for (let i = k + 1; i < n; i++) {
      const f = b * a[rowK + i];
      const rowI = i * n;
      for (let j = k + 1; j < n; j++) q[rowI + j] -= f * u[j];
    }
  }
  // Transpose in place.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const t = q[i * n + j];
      q[i * n + j] = q[j * n + i];
      q[j * n + i] = t;
    }
  }
  return q;
}

/**
 * Diagonalises a symmetric tridiagonal matrix by the implicit QL method with
 * Wilkinson shifts. Overwrites `d` with the eigenvalues (unsorted) and, when
 * `z` is given, rotates its rows (z holds Qᵀ; its rows become eigenvectors).
 *
 * @throws {RangeError} When an eigenvalue does not converge in 60 sweeps.
 */
function tridiagonalQl(
  d: Float64Array,
  e: Float64Array,
  n: number,
  z: Float64Array | undefined,
): void {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]));
  }
  const floor = EPS * EPS * norm;

  for (let l = 0; l < n; l++) {
    let sweeps = 0;
    for (;;) {
      // Smallest m ≥ l where the matrix splits (e[m] negligible).
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= EPS * dd || Math.abs(e[m]) <= floor) break;
      }
      if (m === l) break;
      if (++sweeps > 60) {
        throw new RangeError(
          `Cannot diagonalise the tridiagonal matrix: eigenvalue ${l} did not converge in 60 QL sweeps (off-diagonal ${
            e[l]
          }); the input likely holds NaN or Infinity`,
        );
      }

      // Wilkinson shift from the leading 2×2 block, in stable form.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));

      // Chase the bulge from m up to l with Givens rotations.
      let s = 1;
      let c = 1;
      let shift = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the matrix split at i+1; restart this eigenvalue.
          d[i + 1] -= shift;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - shift;
        r = (d[i] - g) * s + 2 * c * b;
        shift = s * r;
        d[i + 1] = g + shift;
        g = c * r - b;
        if (z !== undefined) {
          const r0 = i * n;
          const r1 = r0 + n;
          for (let k = 0; k < n; k++) {
            const zk1 = z[r1 + k];
            const zk0 = z[r0 + k];
            z[r1 + k] = s * zk0 + c * zk1;
            z[r0 + k] = c * zk0 - s * zk1;
          }
        }
      }
      if (r === 0 && i >= l) continue;
      d[l] -= shift;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * Eigendecomposition of a symmetric matrix in float64. The whole matrix
 * is read and assumed symmetric.
 *
 * @param matrix `[n, n]` row-major, symmetric; not modified.
 * @param n Order of the matrix.
 * @param vectors Whether to compute eigenvectors (about 5× the work).
 * @returns Ascending eigenvalues and, if asked, eigenvectors as rows.
 */
export function symmetricEigenTs(
  matrix: Float64Array,
  n: number,
  vectors: boolean,
): SymmetricEigen {
  if (n === 0) return { values: new Float64Array(0), vectors: undefined };
  const a = Float64Array.from(matrix);
  const { d, e, beta } = tridiagonalise(a, n);
  const z = vectors ? accumulateTransposed(a, beta, n) : undefined;
  tridiagonalQl(d, e, n, z);

  // Sort ascending, permuting eigenvector rows along.
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) =>
    d[i] - d[j]
  );
  const values = Float64Array.from(order, (i) => d[i]);
  if (z === undefined) return { values };
  const sorted = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    sorted.set(z.subarray(order[r] * n, order[r] * n + n), r * n);
  }
  return { values, vectors: sorted };
}

/**
 * C = op(A) · B for row-major matrices, op(A) = A (`[m, k]`) or Aᵀ (A is
 * `[k, m]`); B is `[k, n]`; C is `[m, n]`.
 */
export function matMulTs(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const rowC = i * n;
    for (let p = 0; p < k; p++) {
      const aip = transposeA ? a[p * m + i] : a[i * k + p];
      if (aip === 0) continue;
      const rowB = p * n;
      for (let j = 0; j < n; j++) c[rowC + j] += aip * b[rowB + j];
    }
  }
  return c;
}

/**
 * C = A · Bᵀ for row-major A `[m, k]` and B `[n, k]`: dot products of rows,
 * e.g. the Gram matrix between two feature sets. C is `[m, n]`.
 */
export function matMulTransposeBTs(
  a: Float64Array,
  b: Float64Array,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const rowA = i * k;
    for (let j = 0; j < n; j++) {
      const rowB = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[rowA + p] * b[rowB + p];
      c[i * n + j] = s;
    }
  }
  return c;
}

/**
 * Adds XᵀX to the upper triangle (j ≥ i) of `c` (`[d, d]`), for row-major
 * X `[rows, d]`. Four rows at a time, so each pass over C does four updates.
 */
export function scatterAddUpperTs(
  c: Float64Array,
  x: Float64Array,
  rows: number,
  d: number,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const o0 = r * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    for (let i = 0; i < d; i++) {
      const a0 = x[o0 + i];
      const a1 = x[o1 + i];
      const a2 = x[o2 + i];
      const a3 = x[o3 + i];
      const rowC = i * d;
      for (let j = i; j < d; j++) {
        c[rowC + j] += a0 * x[o0 + j] + a1 * x[o1 + j] + a2 * x[o2 + j] +
          a3 * x[o3 + j];
      }
    }
  }
  for (; r < rows; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const a0 = x[o + i];
      const rowC = i * d;
      for (let j = i; j < d; j++) c[rowC + j] += a0 * x[o + j];
    }
  }
}
