/**
 * Chooses where the metrics' float64 linear algebra runs: OpenBLAS when it
 * can be opened, plain TypeScript otherwise.
 *
 * @module
 */

import {
  matMulTransposeBTs,
  matMulTs,
  scatterAddUpperTs,
  symmetricEigenTs,
} from "./_linalg.ts";
import { type OpenBlas, openBlas } from "./_openblas.ts";
import {
  LINEAR_ALGEBRA_CHOICES,
  type LinearAlgebraChoice,
} from "./linear_algebra_choice.ts";

export type { LinearAlgebraChoice };

/** The kernels plus the name of the implementation that runs them. */
export interface DenseOps extends OpenBlas {
  readonly name: "openblas" | "typescript";
}

const TYPESCRIPT: DenseOps = {
  name: "typescript",
  scatterAddUpper: scatterAddUpperTs,
  matMul: matMulTs,
  matMulTransposeB: matMulTransposeBTs,
  symmetricEigen: symmetricEigenTs,
};

/**
 * Resolves a {@linkcode LinearAlgebraChoice}.
 *
 * @throws {TypeError} For an unknown choice.
 * @throws {Error} For `"openblas"` when the library cannot be opened.
 */
export function denseOps(choice: LinearAlgebraChoice = "auto"): DenseOps {
  if (!LINEAR_ALGEBRA_CHOICES.includes(choice)) {
    throw new TypeError(
      `Cannot choose the linear algebra: "${choice}" is not one of ${
        LINEAR_ALGEBRA_CHOICES.map((c) => `"${c}"`).join(", ")
      }`,
    );
  }
  if (choice === "typescript") return TYPESCRIPT;
  const blas = openBlas();
  if (blas !== undefined) return { name: "openblas", ...blas };
  if (choice === "openblas") {
    throw new Error(
      'Cannot use OpenBLAS: /usr/lib/x86_64-linux-gnu/libopenblas.so.0 could not be opened (not installed, or Deno lacks --allow-ffi); install Debian\'s libopenblas0 and run with --allow-ffi, or choose linearAlgebra: "typescript"',
    );
  }
  return TYPESCRIPT;
}
