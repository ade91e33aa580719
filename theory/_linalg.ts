/**
 * Small dense linear algebra on number[][] for the local analysis.
 *
 * @module
 */

import { eigs } from "mathjs";

/** A complex number as a plain pair. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

/** The identity of size n. */
export function identity(n: number): number[][] {
  return Array.from(
    { length: n },
    (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  );
}

/** a · b for square matrices of equal size. */
export function matmul(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  const m = b[0].length;
  const out = Array.from({ length: n }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < b.length; k++) {
      const aik = a[i][k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i][j] += aik * b[k][j];
    }
  }
  return out;
}

/**
 * Eigenvalues with mathjs `eigs` (no eigenvectors, so repeated and defective
 * eigenvalues are fine), sorted by real part, then imaginary part.
 */
export function eigenvalues(matrix: number[][]): Complex[] {
  // Entries below 1e-12 of the largest are rounding noise (e.g. 1e-27 left by
  // a kink's symbolic form) and make mathjs' QR iteration go astray: zero them.
  const scale = Math.max(1e-300, ...matrix.flat().map(Math.abs));
  const m = matrix.map((row) =>
    row.map((x) => (Math.abs(x) < 1e-12 * scale ? 0 : x))
  );
  let values;
  try {
    ({ values } = eigs(m, { eigenvectors: false }));
  } catch {
    // mathjs' QR iteration can stall on repeated complex pairs split by
    // rounding noise; round the entries to 1e-7 (far below the 1e-5 used for
    // verdicts) so that the repeats are exact, and retry.
    const cleaned = m.map((row) => row.map((x) => Math.round(x * 1e7) / 1e7));
    ({ values } = eigs(cleaned, { eigenvectors: false }));
  }
  const list = (Array.isArray(values) ? values : values.toArray()) as unknown[];
  return list
    .map((v): Complex =>
      typeof v === "number" ? { re: v, im: 0 } : {
        re: (v as { re: number }).re,
        im: (v as { im: number }).im,
      }
    )
    .sort((a, b) => a.re - b.re || a.im - b.im);
}

/** |z|. */
export function modulus(z: Complex): number {
  return Math.hypot(z.re, z.im);
}

/** Largest |a_ij − b_ij|; Infinity when either has a non-finite entry. */
export function maxAbsDifference(a: number[][], b: number[][]): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < a[i].length; j++) {
      const d = Math.abs(a[i][j] - b[i][j]);
      if (!Number.isFinite(d)) return Infinity;
      worst = Math.max(worst, d);
    }
  }
  return worst;
}

/** Euclidean norm. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
