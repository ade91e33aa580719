import assert from "node:assert/strict";
import { denseOps } from "../../src/metrics/_dense.ts";
import { Rng } from "../../src/random.ts";

const paths = [denseOps("typescript"), denseOps("auto")];

/** A = Q diag(λ) Qᵀ with Q a Householder reflection of a random vector. */
function withEigenvalues(lambdas: number[], rng: Rng): Float64Array {
  const n = lambdas.length;
  const v = Float64Array.from(rng.normal(n));
  const vv = v.reduce((a, x) => a + x * x, 0);
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      q[i * n + j] = (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
    }
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k] * lambdas[k] * q[j * n + k];
      a[i * n + j] = s;
    }
  }
  return a;
}

function randomSymmetric(n: number, rng: Rng): Float64Array {
  const g = rng.normal(n * n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) a[i * n + j] = g[i * n + j] + g[j * n + i];
  }
  return a;
}

Deno.test("symmetricEigen recovers planted eigenvalues, repeated and zero ones included", () => {
  const lambdas = [5, -2, 0, 0, 3, 3, 3, 1e-9, 7.5, -0.25];
  const sorted = [...lambdas].sort((a, b) => a - b);
  const a = withEigenvalues(lambdas, new Rng(1));
  for (const ops of paths) {
    const { values } = ops.symmetricEigen(a, lambdas.length, false);
    for (let i = 0; i < sorted.length; i++) {
      // Backward-stable solvers: absolute error a few eps·‖A‖ (‖A‖ = 7.5).
      assert.ok(
        Math.abs(values[i] - sorted[i]) < 1e-13,
        `${ops.name}: λ${i} = ${values[i]}, expected ${sorted[i]}`,
      );
    }
  }
});

Deno.test("symmetricEigen vectors satisfy A v = λ v and are orthonormal", () => {
  const n = 40;
  const a = randomSymmetric(n, new Rng(2));
  for (const ops of paths) {
    const { values, vectors } = ops.symmetricEigen(a, n, true);
    assert.ok(vectors !== undefined);
    let residual = 0;
    let orthogonality = 0;
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += a[i * n + j] * vectors[r * n + j];
        residual = Math.max(
          residual,
          Math.abs(s - values[r] * vectors[r * n + i]),
        );
      }
      for (let q = 0; q < n; q++) {
        let s = 0;
        for (let j = 0; j < n; j++) {
          s += vectors[r * n + j] * vectors[q * n + j];
        }
        orthogonality = Math.max(
          orthogonality,
          Math.abs(s - (r === q ? 1 : 0)),
        );
      }
    }
    // Tolerances: 1e-12 against ‖A‖ ≈ 2√(2n) ≈ 18 and unit vectors.
    assert.ok(residual < 1e-12, `${ops.name}: residual ${residual}`);
    assert.ok(
      orthogonality < 1e-12,
      `${ops.name}: orthogonality ${orthogonality}`,
    );
  }
});

Deno.test("symmetricEigen: the TypeScript path and OpenBLAS agree", () => {
  const blas = denseOps("auto");
  if (blas.name !== "openblas") {
    throw new Error(
      "OpenBLAS could not be opened: install libopenblas0 (Debian) and run with --allow-ffi",
    );
  }
  const n = 120;
  const a = randomSymmetric(n, new Rng(3));
  const ts = denseOps("typescript").symmetricEigen(a, n, false).values;
  const lapack = blas.symmetricEigen(a, n, false).values;
  for (let i = 0; i < n; i++) {
    assert.ok(
      Math.abs(ts[i] - lapack[i]) < 1e-12,
      `λ${i}: ${ts[i]} vs ${lapack[i]}`,
    );
  }
});

Deno.test("symmetricEigen handles orders 0, 1 and 2 and the zero matrix", () => {
  for (const ops of paths) {
    assert.equal(
      ops.symmetricEigen(new Float64Array(0), 0, true).values.length,
      0,
    );
    assert.deepEqual([
      ...ops.symmetricEigen(new Float64Array([-3]), 1, false).values,
    ], [-3]);
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    const two = ops.symmetricEigen(new Float64Array([2, 1, 1, 2]), 2, true);
    assert.ok(
      Math.abs(two.values[0] - 1) < 1e-15 &&
        Math.abs(two.values[1] - 3) < 1e-15,
    );
    const zero = ops.symmetricEigen(new Float64Array(9), 3, true).values;
    assert.deepEqual([...zero], [0, 0, 0]);
  }
});

Deno.test("symmetricEigen (TypeScript) rejects a matrix holding NaN", () => {
  const a = new Float64Array([1, NaN, NaN, 1]);
  assert.throws(
    () => denseOps("typescript").symmetricEigen(a, 2, false),
    RangeError,
  );
});

Deno.test("matMul, matMulTransposeB and scatterAddUpper agree across paths and with plain loops", () => {
  const rng = new Rng(4);
  const [m, k, n] = [7, 5, 6];
  const a = Float64Array.from(rng.normal(m * k));
  const at = new Float64Array(k * m);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
  }
  const b = Float64Array.from(rng.normal(k * n));
  const bt = new Float64Array(n * k);
  for (let p = 0; p < k; p++) {
    for (let j = 0; j < n; j++) bt[j * k + p] = b[p * n + j];
  }
  const expected = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) {
        expected[i * n + j] += a[i * k + p] * b[p * n + j];
      }
    }
  }
  const scatter = new Float64Array(k * k); // upper triangle of AᵀA
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      for (let r = 0; r < m; r++) {
        scatter[i * k + j] += a[r * k + i] * a[r * k + j];
      }
    }
  }
  for (const ops of paths) {
    const c1 = ops.matMul(a, b, m, k, n, false);
    const c2 = ops.matMul(at, b, m, k, n, true);
    const c3 = ops.matMulTransposeB(a, bt, m, k, n);
    const c4 = new Float64Array(k * k);
    ops.scatterAddUpper(c4, a, m, k);
    for (let i = 0; i < m * n; i++) {
      for (const c of [c1, c2, c3]) {
        assert.ok(Math.abs(c[i] - expected[i]) < 1e-13, ops.name);
      }
    }
    for (let i = 0; i < k; i++) {
      for (let j = i; j < k; j++) {
        assert.ok(
          Math.abs(c4[i * k + j] - scatter[i * k + j]) < 1e-13,
          ops.name,
        );
      }
    }
  }
});

Deno.test("denseOps rejects an unknown choice, listing the accepted ones", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => denseOps("lapack" as any),
    (e: Error) =>
      e instanceof TypeError &&
      /"auto", "openblas", "typescript"/.test(e.message),
  );
});
