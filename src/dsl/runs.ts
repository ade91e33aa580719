/**
 * Naming and picking the runs of a declaration: an experiment is one run,
 * a suite is several.
 *
 * @module
 */

import type { Declaration, ExperimentDecl } from "./types.ts";

/**
 * The names of a declaration's runs, in order.
 *
 * @example
 * ```ts
 * import { listRuns } from "./runs.ts";
 * import assert from "node:assert/strict";
 *
 * const run = { kind: "experiment", name: "a" } as never;
 * assert.deepEqual(listRuns(run), ["a"]);
 * assert.deepEqual(
 *   listRuns({ kind: "suite", name: "s", runs: [run, { ...run as object, name: "b" } as never] }),
 *   ["a", "b"],
 * );
 * ```
 *
 * @param declaration An experiment or a suite.
 * @returns One name for an experiment, each run's name for a suite.
 */
export function listRuns(declaration: Declaration): string[] {
  return declaration.kind === "suite"
    ? declaration.runs.map((r) => r.name)
    : [declaration.name];
}

/** Levenshtein distance, for suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = keep;
    }
  }
  return row[b.length];
}

/**
 * Picks one run by name.
 *
 * @example A typo
 * ```ts
 * import { selectRun } from "./runs.ts";
 * import assert from "node:assert/strict";
 *
 * const s = {
 *   kind: "suite",
 *   name: "toys",
 *   runs: [{ kind: "experiment", name: "wgan-8g" }, { kind: "experiment", name: "relgan-8g" }],
 * } as never;
 * assert.throws(() => selectRun(s, "relgan-8"), /did you mean "relgan-8g"\?/);
 * ```
 *
 * @param declaration An experiment or a suite.
 * @param name The run's name.
 * @returns The run.
 * @throws {RangeError} When no run has that name; the message lists the
 * names and suggests the closest.
 */
export function selectRun(
  declaration: Declaration,
  name: string,
): ExperimentDecl {
  const runs = declaration.kind === "suite" ? declaration.runs : [declaration];
  const run = runs.find((r) => r.name === name);
  if (run) return run;
  const names = runs.map((r) => r.name);
  const closest = names
    .map((n) => ({ n, d: distance(n, name) }))
    .sort((x, y) => x.d - y.d)[0];
  const hint = closest && closest.d <= Math.max(2, name.length / 3)
    ? `; did you mean "${closest.n}"?`
    : "";
  throw new RangeError(
    `Cannot select run "${name}": ${declaration.kind} "${declaration.name}" has no run of that name; its runs are ${
      names.map((n) => `"${n}"`).join(", ")
    }${hint}`,
  );
}
