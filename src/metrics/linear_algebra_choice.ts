/**
 * Where the metrics' float64 linear algebra runs.
 *
 * @module
 */

/**
 * `"auto"` (OpenBLAS when `/usr/lib/x86_64-linux-gnu/libopenblas.so.0` can
 * be opened with `--allow-ffi`, else TypeScript), `"openblas"` (required) or
 * `"typescript"` (the pure fallback: Householder + implicit QL eigensolver,
 * plain loops).
 */
export type LinearAlgebraChoice = "auto" | "openblas" | "typescript";

/** The accepted {@linkcode LinearAlgebraChoice} values. */
export const LINEAR_ALGEBRA_CHOICES: readonly LinearAlgebraChoice[] = [
  "auto",
  "openblas",
  "typescript",
];
